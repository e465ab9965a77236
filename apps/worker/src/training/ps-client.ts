import { headers as natsHeaders } from '@nats-io/transport-node';
import { psPushSubject, PUSH_HEADERS, type PushReply } from '@tusk/contracts';
import type { Infra } from '@tusk/infra';
import { bytesToFloat32, float32ToBytes } from '@tusk/model';

const PUSH_ATTEMPTS = 6;
/** Room under the server's max payload for headers; larger deltas travel as a chunked blob. */
const INLINE_HEADROOM = 64 * 1024;

/** Pulls the newest weights from KV and pushes deltas to whichever parameter server answers. */
export class ParameterServerClient {
  private cached: { version: number; weights: Float32Array } | null = null;
  private pushes = 0;

  constructor(private readonly infra: Infra, private readonly jobId: string, private readonly workerId: string, private readonly timeoutMs: number) {}

  /** The newest version; reads straight from KV so pulls never queue behind the parameter server. */
  async pull(): Promise<{ version: number; weights: Float32Array }> {
    const head = await this.infra.versions.head(this.jobId);
    if (this.cached && head && head.version === this.cached.version) return this.cached;
    const { version, bytes } = await this.infra.versions.read(this.jobId);
    this.cached = { version, weights: bytesToFloat32(new Uint8Array(bytes)) };
    return this.cached;
  }

  /** Pushes with retries: a parameter server that died mid-request is replaced by another replica. */
  async push(delta: Float32Array, baseVersion: number): Promise<PushReply> {
    const bytes = float32ToBytes(delta);
    const h = natsHeaders();
    h.set(PUSH_HEADERS.baseVersion, String(baseVersion));
    h.set(PUSH_HEADERS.workerId, this.workerId);
    let body: Uint8Array = bytes;
    const maxPayload = this.infra.nc.info?.max_payload ?? 1024 * 1024;
    if (bytes.byteLength > maxPayload - INLINE_HEADROOM) {
      const key = `p.${this.jobId}.${this.workerId}.${this.pushes++}`;
      await this.infra.blobs.put(key, bytes);
      h.set(PUSH_HEADERS.deltaKey, key);
      body = new Uint8Array(0);
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < PUSH_ATTEMPTS; attempt++) {
      try {
        const reply = await this.infra.nc.request(psPushSubject(this.jobId), body, { timeout: this.timeoutMs, headers: h });
        const answer = reply.json<PushReply>();
        if (answer.error) throw new Error(`parameter server refused the push: ${answer.error}`);
        return answer;
      } catch (err) {
        lastError = err;
        if (String(err).includes('refused the push')) throw err;
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      }
    }
    throw new Error(`no parameter server accepted the push after ${PUSH_ATTEMPTS} attempts: ${String(lastError)}`);
  }
}
