import { FINAL_STATUSES, type CompileSpec, type DatasetManifest, type JobEvent, type JobRecord, type JobStatus, type TrainingSpec } from '@tusk/contracts';
import { SseParser } from '../../apps/cli/src/sse.js';

/** A non-2xx answer from the driver, with the body it sent (Nest's JSON error or plain text). */
export class ApiError extends Error {
  constructor(readonly method: string, readonly url: string, readonly status: number, readonly body: string) {
    super(`${method} ${url} -> HTTP ${status}: ${body.slice(0, 2000)}`);
    this.name = 'ApiError';
  }
}

export interface CreateJobRequest {
  name?: string;
  model: Record<string, unknown>;
  compile: CompileSpec;
  datasetId: string;
  training: Partial<TrainingSpec> & { epochs: number };
}

export interface IdxUpload {
  name: string;
  partitions: number;
  seed?: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export interface ModelFiles {
  modelJson: Record<string, unknown>;
  weightsBin: ArrayBuffer;
}

export const isFinal = (status: string): boolean => FINAL_STATUSES.includes(status as JobStatus);

/** Typed calls to the driver's REST API; every helper throws an ApiError on a non-2xx answer. */
export class TuskClient {
  readonly baseUrl: string;

  constructor(baseUrl: string, private readonly token?: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}`, ...extra } : extra;
  }

  private async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    const res = await fetch(url, { ...init, method, headers: this.headers((init.headers ?? {}) as Record<string, string>) });
    if (!res.ok) throw new ApiError(method, url, res.status, await res.text().catch(() => ''));
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    return (await this.request(method, path, init)).json() as Promise<T>;
  }

  /** `POST /datasets` as multipart/form-data with the IDX files as uploaded (gzipped is fine). */
  async uploadIdxDataset(upload: IdxUpload): Promise<DatasetManifest> {
    const form = new FormData();
    form.set('format', 'idx');
    form.set('name', upload.name);
    form.set('partitions', String(upload.partitions));
    if (upload.seed !== undefined) form.set('seed', String(upload.seed));
    form.set('images', new Blob([new Uint8Array(upload.images)]), 'images.idx.gz');
    form.set('labels', new Blob([new Uint8Array(upload.labels)]), 'labels.idx.gz');
    return (await this.request('POST', '/datasets', { body: form })).json() as Promise<DatasetManifest>;
  }

  createJob(job: CreateJobRequest): Promise<JobRecord> {
    return this.json<JobRecord>('POST', '/jobs', job);
  }

  getJob(id: string): Promise<JobRecord> {
    return this.json<JobRecord>('GET', `/jobs/${encodeURIComponent(id)}`);
  }

  cancelJob(id: string): Promise<JobRecord> {
    return this.json<JobRecord>('DELETE', `/jobs/${encodeURIComponent(id)}`);
  }

  modelUrl(id: string): string {
    return `${this.baseUrl}/jobs/${encodeURIComponent(id)}/model/model.json`;
  }

  /** The trained model's `model.json` and `weights.bin`, as `tf.io.fromMemory` takes them. */
  async downloadModel(id: string): Promise<ModelFiles> {
    const base = `/jobs/${encodeURIComponent(id)}/model`;
    const [json, bin] = await Promise.all([this.request('GET', `${base}/model.json`), this.request('GET', `${base}/weights.bin`)]);
    return { modelJson: (await json.json()) as Record<string, unknown>, weightsBin: await bin.arrayBuffer() };
  }

  /**
   * `GET /jobs/:id/events`: yields each server-sent JobEvent until the stream ends (the job reached a
   * final status) or the signal aborts.
   */
  async *events(id: string, signal?: AbortSignal): AsyncGenerator<JobEvent> {
    const res = await this.request('GET', `/jobs/${encodeURIComponent(id)}/events`, { headers: { accept: 'text/event-stream' }, signal });
    if (!res.body) return;
    const parser = new SseParser();
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      for (const event of parser.push(decoder.decode(chunk, { stream: true }))) yield event as JobEvent;
    }
    for (const event of parser.end()) yield event as JobEvent;
  }

  /**
   * Follows a job to its end over SSE, calling onEvent for every event. The stream is re-opened if it
   * drops, and the record is polled every pollMs as a safety net (an event published between the
   * driver reading the record and subscribing would otherwise never arrive). Returns the final record.
   */
  async follow(id: string, onEvent: (event: JobEvent) => void, { pollMs = 10_000, signal }: { pollMs?: number; signal?: AbortSignal } = {}): Promise<JobRecord> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const poller = (async () => {
      while (!stop.signal.aborted) {
        await new Promise<void>((r) => { const t = setTimeout(r, pollMs); stop.signal.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true }); });
        if (stop.signal.aborted) return;
        const job = await this.getJob(id).catch(() => undefined);
        if (job && isFinal(job.status)) stop.abort();
      }
    })();
    try {
      while (!stop.signal.aborted) {
        try {
          for await (const event of this.events(id, stop.signal)) {
            onEvent(event);
            if (isFinal(event.status)) { stop.abort(); break; }
          }
        } catch (err) {
          if (stop.signal.aborted) break;
          if (err instanceof ApiError) throw err;
          await new Promise((r) => setTimeout(r, 1_000)); // dropped connection: re-open
          continue;
        }
        if (!stop.signal.aborted) {
          // The stream ended on its own: the job should be final; if not, re-open it.
          const job = await this.getJob(id);
          if (isFinal(job.status)) break;
        }
      }
    } finally {
      stop.abort();
      signal?.removeEventListener('abort', onAbort);
      await poller;
    }
    if (signal?.aborted) throw new Error(`stopped following job ${id}`);
    return this.getJob(id);
  }
}
