import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import {
  formatPushMetrics,
  psPushSubject,
  pushBlobKey,
  pushStreamKey,
  PUSH_HEADERS,
  type AppliedPushes,
  type PushReply,
} from '@tusk/contracts';
import { isTransientError, type Infra } from '@tusk/infra';
import { JetStreamClientProxy } from '@tusk/messaging';
import { bytesToFloat32, float32ToBytes } from '@tusk/model';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { PermanentTaskError } from './task-errors.js';

/** Requests that time out or fail at the parameter server before the push fails its task. */
const PUSH_ATTEMPTS = 6;
/** Backoff while the parameter server answers "busy": doubling from the first delay up to the last, with jitter. */
const BUSY_BACKOFF_MS = { first: 100, max: 5_000 };
/** Continuous "busy" for this many request timeouts fails the push: the parameter server is not catching up. */
const BUSY_LIMIT_TIMEOUTS = 10;
/** Room under the server's max payload for headers; larger deltas travel as a chunked blob. */
const INLINE_HEADROOM = 64 * 1024;

/** The parameter server stayed busy too long for this push. */
export class ParameterServerBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParameterServerBusyError';
  }
}

export interface ParameterServerClientOptions {
  infra: Infra;
  jobId: string;
  /** The task's partition and id (`pushTaskId`): with the step they make each push's id. */
  partition: number;
  task: string;
  /** This delivery of the task: names its push blobs. */
  attempt: string;
  workerId: string;
  /** How long one push request waits for a reply before it is sent again. */
  timeoutMs: number;
  /** Told the bytes of each push; optional for tests that push outside a worker. */
  metrics?: WorkerMetrics;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a KV read again, with backoff, while it fails for a transient reason (NATS away, a timeout): PUSH_ATTEMPTS in all. */
async function retriedWhileTransient<T>(read: () => Promise<T>): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await read();
    } catch (err) {
      if (!isTransientError(err) || failures >= PUSH_ATTEMPTS) throw err;
      await sleep(250 * 2 ** (failures - 1));
    }
  }
}

/**
 * Pulls the newest weights from KV and pushes deltas to whichever parameter server answers. Each push of a task has
 * its own id (partition, task, step), the same in every attempt of the task, so a push sent again after a timeout,
 * or by another attempt, is answered from the parameter server's ledger instead of being applied twice.
 */
export class ParameterServerClient {
  private cached: { version: number; weights: Float32Array } | null = null;

  private readonly client: JetStreamClientProxy;

  constructor(private readonly options: ParameterServerClientOptions) {
    this.client = new JetStreamClientProxy(() => options.infra);
  }

  /**
   * The newest version; reads straight from KV so pulls never queue behind the parameter server. A read that
   * times out or finds NATS away (a cluster node died with the request in flight) is tried again, as a push is,
   * instead of failing the task: another attempt would go on from the ledger, but only after the task's redelivery.
   */
  pull(): Promise<{ version: number; weights: Float32Array }> {
    return retriedWhileTransient(() => this.pullOnce());
  }

  private async pullOnce(): Promise<{ version: number; weights: Float32Array }> {
    const { infra, jobId } = this.options;
    const head = await infra.versions.head(jobId);
    if (this.cached && head && head.version === this.cached.version) return this.cached;
    const { version, bytes } = await infra.versions.read(jobId);
    this.cached = { version, weights: bytesToFloat32(new Uint8Array(bytes)) };
    return this.cached;
  }

  /** What the ledger holds for this task's pushes (any attempt's), as of the newest head; undefined before the first. */
  pushedSoFar(): Promise<AppliedPushes | undefined> {
    const { infra, jobId, partition, task } = this.options;
    const stream = pushStreamKey({ partition, task });
    return retriedWhileTransient(async () => {
      const ledger = (await infra.versions.head(jobId))?.ledger ?? {};
      return Object.hasOwn(ledger, stream) ? ledger[stream] : undefined;
    });
  }

  /**
   * Pushes one delta as step `step` (see `pushStep`) and resends the same push until a parameter server answers for
   * it; `metrics` (the training step's loss and metrics since the previous push) ride along for the job's curve.
   */
  async push({
    delta,
    baseVersion,
    step,
    metrics = {},
  }: {
    delta: Float32Array;
    baseVersion: number;
    step: number;
    metrics?: Record<string, number>;
  }): Promise<PushReply> {
    const { infra, jobId, partition, task, attempt, workerId } = this.options;
    const bytes = float32ToBytes(delta);
    const h = natsHeaders();
    h.set(PUSH_HEADERS.baseVersion, String(baseVersion));
    h.set(PUSH_HEADERS.workerId, workerId);
    h.set(PUSH_HEADERS.partition, String(partition));
    h.set(PUSH_HEADERS.attempt, attempt);
    h.set(PUSH_HEADERS.task, task);
    h.set(PUSH_HEADERS.step, String(step));
    const metricsHeader = formatPushMetrics(metrics);
    if (metricsHeader) h.set(PUSH_HEADERS.metrics, metricsHeader);
    let body: Uint8Array = bytes;
    const maxPayload = infra.nc.info?.max_payload ?? 1024 * 1024;
    if (bytes.byteLength > maxPayload - INLINE_HEADROOM) {
      const key = pushBlobKey({ jobId, partition, attempt, step });
      await infra.blobs.put(key, bytes);
      h.set(PUSH_HEADERS.deltaKey, key);
      body = new Uint8Array(0);
    }
    this.options.metrics?.deltaSent(bytes.byteLength);
    return this.send({ body, headers: h, what: `push ${partition}/${task}#${step} (attempt ${attempt}) of job ${jobId}` });
  }

  /**
   * Sends one push until it is answered: timeouts and failures at the parameter server are retried with
   * backoff (PUSH_ATTEMPTS in all); "busy" is waited out apart, up to BUSY_LIMIT_TIMEOUTS request timeouts.
   */
  private async send({ body, headers, what }: { body: Uint8Array; headers: MsgHdrs; what: string }): Promise<PushReply> {
    const { jobId, timeoutMs } = this.options;
    let failures = 0;
    let lastError: unknown;
    let busySince: number | null = null;
    let busyDelay = BUSY_BACKOFF_MS.first;
    for (;;) {
      let answer: PushReply | null = null;
      try {
        answer = await this.client.requestReply<PushReply>(psPushSubject(jobId), body, { timeoutMs, headers });
      } catch (err) {
        lastError = err;
      }
      if (answer?.busy) {
        busySince ??= Date.now();
        if (Date.now() - busySince > BUSY_LIMIT_TIMEOUTS * timeoutMs)
          throw new ParameterServerBusyError(
            `the parameter server stayed busy for ${Math.round((Date.now() - busySince) / 1000)} s and did not take ${what}`,
          );
        await sleep(busyDelay * (0.5 + Math.random() / 2));
        busyDelay = Math.min(BUSY_BACKOFF_MS.max, busyDelay * 2);
        continue;
      }
      busySince = null;
      busyDelay = BUSY_BACKOFF_MS.first;
      if (answer && !answer.error) return answer;
      // Sending it again cannot change the answer (a malformed delta, a finished job): the task fails for good.
      if (answer && !answer.retryable) throw new PermanentTaskError(`parameter server refused the push: ${answer.error}`);
      if (answer) lastError = answer.error;
      if (++failures >= PUSH_ATTEMPTS)
        throw new Error(`no parameter server answered ${what} after ${PUSH_ATTEMPTS} attempts: ${String(lastError)}`);
      await sleep(250 * 2 ** (failures - 1));
    }
  }
}
