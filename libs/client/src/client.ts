import type {
  DatasetManifest,
  EvaluationRecord,
  JobEvent,
  JobLogLine,
  JobRecord,
  JobSummary,
  SweepEvent,
  SweepRecord,
  WorkerHeartbeat,
} from '@tusk/contracts';
import { TuskApiError, TuskConnectionError } from './errors.js';
import { followEvents } from './follow.js';
import { readSse } from './sse.js';
import { isFinalStatus, isFinalSweepStatus } from './status.js';
import type {
  CreateJobRequest,
  CreateSweepRequest,
  DatasetFromS3,
  DatasetUpload,
  HealthReport,
  JobLogsQuery,
  JobWithProgress,
  ModelFiles,
  UploadFile,
} from './types.js';

/** Base URL when none is given (the driver's default port on this machine). */
export const DEFAULT_URL = 'http://127.0.0.1:8080';
/** Timeout of an ordinary API call. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Timeout of calls that move files or wait for the workers (upload, model download, evaluate). */
export const TRANSFER_TIMEOUT_MS = 600_000;

export interface TuskClientOptions {
  /** The driver, e.g. `http://127.0.0.1:8080`; '' in the browser for the page's own origin. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <token>`; a function is asked on every call (a token that can change). */
  token?: string | null | (() => string | null | undefined);
  /** Overrides every call's default timeout when set. */
  timeoutMs?: number;
  /** Told of every refusal before it is thrown (e.g. to ask for a token on 401). */
  onRefused?: (error: TuskApiError) => void;
  /** The fetch to use (tests); the global one by default. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  body?: BodyInit;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Non-2xx statuses whose answer is read rather than thrown (503 of /health). */
  alsoOk?: number[];
}

export interface FollowJobOptions {
  onEvent?: (event: JobEvent) => void;
  /** Every record read outside the stream: the first, and the re-checks after the stream ended early. */
  onRecord?: (job: JobWithProgress) => void;
  /** How often the record is polled as a safety net next to the stream (5 s by default). */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface FollowSweepOptions {
  onEvent?: (event: SweepEvent) => void;
  onRecord?: (sweep: SweepRecord) => void;
  pollMs?: number;
  signal?: AbortSignal;
}

const enc = encodeURIComponent;

const isJobEvent = (event: unknown): event is JobEvent =>
  typeof event === 'object' && event !== null && typeof (event as JobEvent).status === 'string';

const isSweepEvent = (event: unknown): event is SweepEvent =>
  typeof event === 'object' &&
  event !== null &&
  typeof (event as SweepEvent).sweep === 'object' &&
  (event as SweepEvent).sweep !== null &&
  Array.isArray((event as SweepEvent).sweep.trials);

function fileOf(file: UploadFile, fallbackName: string): [Blob, string] {
  const { data, filename } = file instanceof Blob || file instanceof Uint8Array ? { data: file, filename: fallbackName } : file;
  return [data instanceof Blob ? data : new Blob([new Uint8Array(data)]), filename];
}

/**
 * The TypeScript SDK of the driver's REST API (fetch-based: Node 20+ and browsers): typed calls for every
 * route, server-sent events followed with reconnects and a polling safety net, bearer token, timeouts, and
 * errors that carry the driver's status, message and field (TuskApiError) or say it is unreachable.
 */
export class TuskClient {
  readonly baseUrl: string;
  private readonly token: TuskClientOptions['token'];
  private readonly timeoutMs?: number;
  private readonly onRefused?: (error: TuskApiError) => void;
  private readonly fetchFn: typeof fetch;

  constructor({ baseUrl = DEFAULT_URL, token, timeoutMs, onRefused, fetch: fetchFn }: TuskClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token || undefined;
    this.timeoutMs = timeoutMs;
    this.onRefused = onRefused;
    this.fetchFn = fetchFn ?? ((input, init) => fetch(input, init));
  }

  /** `TUSK_URL` and `TUSK_API_TOKEN` from an environment, `url` first when given. */
  static fromEnv(env: Record<string, string | undefined>, { url, timeoutMs }: { url?: string; timeoutMs?: number } = {}): TuskClient {
    return new TuskClient({ baseUrl: url ?? env.TUSK_URL ?? DEFAULT_URL, token: env.TUSK_API_TOKEN, timeoutMs });
  }

  // Datasets

  /** `POST /datasets` as multipart/form-data: the files and fields of an upload, or a form built by the caller. */
  createDataset(upload: DatasetUpload | FormData): Promise<DatasetManifest> {
    const form = upload instanceof FormData ? upload : this.datasetForm(upload);
    return this.request('POST', '/datasets', (res) => res.json() as Promise<DatasetManifest>, {
      body: form,
      timeoutMs: TRANSFER_TIMEOUT_MS,
    });
  }

  /** `POST /datasets` with objects already in the bucket. */
  createDatasetFromS3(body: DatasetFromS3): Promise<DatasetManifest> {
    return this.json('POST', '/datasets', body, TRANSFER_TIMEOUT_MS);
  }

  datasets(): Promise<DatasetManifest[]> {
    return this.json('GET', '/datasets');
  }

  dataset(id: string): Promise<DatasetManifest> {
    return this.json('GET', `/datasets/${enc(id)}`);
  }

  async deleteDataset(id: string): Promise<void> {
    await this.json('DELETE', `/datasets/${enc(id)}`);
  }

  // Jobs

  createJob(body: CreateJobRequest | Record<string, unknown>): Promise<JobRecord> {
    return this.json('POST', '/jobs', body);
  }

  /** Every job with its history. */
  jobs(): Promise<JobRecord[]> {
    return this.json('GET', '/jobs');
  }

  /** Every job without its history (what a table refreshing often wants). */
  jobSummaries(): Promise<JobSummary[]> {
    return this.json('GET', '/jobs?view=summary');
  }

  job(id: string): Promise<JobWithProgress> {
    return this.json('GET', `/jobs/${enc(id)}`);
  }

  /** Cancels the job; answers the record as it is then. */
  cancelJob(id: string): Promise<JobRecord> {
    return this.json('DELETE', `/jobs/${enc(id)}`);
  }

  /** Goes on with a failed or cancelled synchronous job from its newest checkpoint. */
  resumeJob(id: string): Promise<JobRecord> {
    return this.json('POST', `/jobs/${enc(id)}/resume`);
  }

  /** Evaluates the trained model on a dataset, on the workers; waits for the metrics. */
  evaluate(id: string, datasetId: string, { batchSize }: { batchSize?: number } = {}): Promise<EvaluationRecord> {
    return this.json('POST', `/jobs/${enc(id)}/evaluate`, { datasetId, batchSize }, TRANSFER_TIMEOUT_MS);
  }

  /** Predictions for a small batch (at most 1000 instances), answered by the driver from the saved model. */
  predict(id: string, instances: unknown[]): Promise<{ predictions: number[][] }> {
    return this.json('POST', `/jobs/${enc(id)}/predict`, { instances });
  }

  /** The job's last log lines from every service, oldest first. */
  jobLogs(id: string, { limit, level }: JobLogsQuery = {}): Promise<JobLogLine[]> {
    const query = new URLSearchParams();
    if (limit !== undefined) query.set('limit', String(limit));
    if (level !== undefined) query.set('level', level);
    const q = query.toString();
    return this.json('GET', `/jobs/${enc(id)}/logs${q ? `?${q}` : ''}`);
  }

  /** `GET /jobs/:id/events`: every server-sent JobEvent, the current state first, until the job ends or `signal` aborts. */
  async *jobEvents(id: string, signal?: AbortSignal): AsyncGenerator<JobEvent> {
    const res = await this.stream(`/jobs/${enc(id)}/events`, signal);
    if (!res.body) return;
    for await (const event of readSse(res.body)) if (isJobEvent(event)) yield event;
  }

  /**
   * Follows a job to its end: its event stream, re-opened when it drops, and the record polled as a safety
   * net (an event published while the stream opens could be missed). Resolves with the final record.
   */
  async followJob(id: string, { onEvent, onRecord, pollMs = 5_000, signal }: FollowJobOptions = {}): Promise<JobWithProgress> {
    let job = await this.job(id);
    onRecord?.(job);
    let final = isFinalStatus(job.status);
    await followEvents({
      ended: () => final,
      open: (s) => this.stream(`/jobs/${enc(id)}/events`, s),
      onEvent: (event) => {
        if (!isJobEvent(event)) return;
        onEvent?.(event);
        if (isFinalStatus(event.status)) final = true;
      },
      poll: async () => isFinalStatus((await this.job(id)).status),
      pollMs,
      recheck: async () => {
        job = await this.job(id);
        if (isFinalStatus(job.status)) final = true;
        onRecord?.(job);
      },
      signal,
    });
    return this.job(id);
  }

  // Models

  /** Where tfjs loads the trained model from: `tf.loadLayersModel(client.modelUrl(id))` (without a token). */
  modelUrl(id: string): string {
    return `${this.baseUrl}/jobs/${enc(id)}/model/model.json`;
  }

  /** One file of the trained model, as bytes. */
  modelFile(id: string, file: 'model.json' | 'weights.bin'): Promise<Uint8Array<ArrayBuffer>> {
    return this.request('GET', `/jobs/${enc(id)}/model/${file}`, async (res) => new Uint8Array(await res.arrayBuffer()), {
      timeoutMs: TRANSFER_TIMEOUT_MS,
    });
  }

  /** One file of the checkpoint of round `round` (see the job's `checkpoints`), as bytes. */
  checkpointFile(id: string, round: number, file: 'model.json' | 'weights.bin'): Promise<Uint8Array<ArrayBuffer>> {
    return this.request('GET', `/jobs/${enc(id)}/checkpoints/${round}/${file}`, async (res) => new Uint8Array(await res.arrayBuffer()), {
      timeoutMs: TRANSFER_TIMEOUT_MS,
    });
  }

  /** The trained model's `model.json` and `weights.bin`, as `tf.io.fromMemory` takes them. */
  async downloadModel(id: string): Promise<ModelFiles> {
    const [json, weights] = await Promise.all([this.modelFile(id, 'model.json'), this.modelFile(id, 'weights.bin')]);
    const weightsBin = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    return { modelJson: JSON.parse(new TextDecoder().decode(json)) as Record<string, unknown>, weightsBin };
  }

  // Sweeps

  createSweep(body: CreateSweepRequest | Record<string, unknown>): Promise<SweepRecord> {
    return this.json('POST', '/sweeps', body);
  }

  /** Newest first. */
  sweeps(): Promise<SweepRecord[]> {
    return this.json('GET', '/sweeps');
  }

  sweep(id: string): Promise<SweepRecord> {
    return this.json('GET', `/sweeps/${enc(id)}`);
  }

  /** Cancels the trials still running; answers the sweep as it is then. */
  cancelSweep(id: string): Promise<SweepRecord> {
    return this.json('DELETE', `/sweeps/${enc(id)}`);
  }

  /** `GET /sweeps/:id/events`: the whole leaderboard at each change, the current state first; ends with the sweep. */
  async *sweepEvents(id: string, signal?: AbortSignal): AsyncGenerator<SweepEvent> {
    const res = await this.stream(`/sweeps/${enc(id)}/events`, signal);
    if (!res.body) return;
    for await (const event of readSse(res.body)) if (isSweepEvent(event)) yield event;
  }

  /** Follows a sweep to its end as followJob does a job; resolves with the final record. */
  async followSweep(id: string, { onEvent, onRecord, pollMs = 5_000, signal }: FollowSweepOptions = {}): Promise<SweepRecord> {
    let sweep = await this.sweep(id);
    onRecord?.(sweep);
    await followEvents({
      ended: () => isFinalSweepStatus(sweep.status),
      open: (s) => this.stream(`/sweeps/${enc(id)}/events`, s),
      onEvent: (event) => {
        if (!isSweepEvent(event)) return;
        sweep = event.sweep;
        onEvent?.(event);
      },
      poll: async () => isFinalSweepStatus((await this.sweep(id)).status),
      pollMs,
      recheck: async () => {
        sweep = await this.sweep(id);
        onRecord?.(sweep);
      },
      signal,
    });
    return this.sweep(id);
  }

  // Cluster

  /** The live workers, from their heartbeats. */
  workers(): Promise<WorkerHeartbeat[]> {
    return this.json('GET', '/workers');
  }

  /** `GET /health` (no token needed): the report whether the driver is healthy (200) or not (503). */
  health(): Promise<HealthReport> {
    return this.request('GET', '/health', (res) => res.json() as Promise<HealthReport>, { alsoOk: [503] });
  }

  /** `GET /metrics` (no token needed): the Prometheus text exposition. */
  metrics(): Promise<string> {
    return this.request('GET', '/metrics', (res) => res.text());
  }

  // Plumbing

  /** A JSON call: the body sent as JSON when given, the answer parsed (undefined when empty, e.g. 204). */
  json<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    const options: RequestOptions =
      body === undefined ? { timeoutMs } : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, timeoutMs };
    return this.request(
      method,
      path,
      async (res) => {
        const text = await res.text();
        return (text === '' ? undefined : JSON.parse(text)) as T;
      },
      options,
    );
  }

  /**
   * Sends a request and reads a 2xx answer with `read`. The timeout covers the answer and the read; a
   * non-2xx answer throws a TuskApiError, no answer a TuskConnectionError.
   */
  async request<T>(method: string, path: string, read: (res: Response) => Promise<T>, options: RequestOptions = {}): Promise<T> {
    const timeoutMs = this.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await this.send(
        method,
        path,
        { body: options.body, headers: this.headers(options.headers), signal: controller.signal },
        timeoutMs,
        options.alsoOk,
      );
      try {
        return await read(res);
      } catch (err) {
        if (controller.signal.aborted)
          throw new TuskConnectionError(`${method} ${path}: no complete answer from ${this.where} within ${timeoutMs / 1000}s`);
        throw err;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Opens a streaming response (server-sent events). The timeout covers only the wait for the headers;
   * the caller reads the body and aborts through `signal` when done.
   */
  async stream(path: string, signal?: AbortSignal, options: RequestOptions = {}): Promise<Response> {
    const timeoutMs = this.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers = this.headers({ accept: 'text/event-stream', ...options.headers });
      return await this.send('GET', path, { headers, signal: controller.signal }, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  private get where(): string {
    return this.baseUrl || 'the driver';
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const token = typeof this.token === 'function' ? this.token() : this.token;
    return token ? { ...extra, authorization: `Bearer ${token}` } : { ...extra };
  }

  private async send(method: string, path: string, init: RequestInit, timeoutMs: number, alsoOk: number[] = []): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.baseUrl}${path}`, { ...init, method });
    } catch (err) {
      if (init.signal?.aborted)
        throw new TuskConnectionError(`${method} ${path}: no answer from ${this.where} within ${timeoutMs / 1000}s`);
      const cause = (err as { cause?: { message?: string; code?: string } }).cause;
      throw new TuskConnectionError(`cannot reach the driver at ${this.where}: ${cause?.message ?? cause?.code ?? (err as Error).message}`);
    }
    if (!res.ok && !alsoOk.includes(res.status)) {
      const body = await res.text().catch(() => '');
      const error = TuskApiError.fromBody(res.status, body, { statusText: res.statusText, method, path });
      this.onRefused?.(error);
      throw error;
    }
    return res;
  }

  private datasetForm(upload: DatasetUpload): FormData {
    const form = new FormData();
    const list = (v: string | string[]) => (Array.isArray(v) ? v.join(',') : v);
    form.set('format', upload.format);
    if (upload.name !== undefined) form.set('name', upload.name);
    if (upload.partitions !== undefined) form.set('partitions', String(upload.partitions));
    if (upload.seed !== undefined) form.set('seed', String(upload.seed));
    if (upload.labelColumns !== undefined) form.set('labelColumns', list(upload.labelColumns));
    if (upload.featureColumns !== undefined) form.set('featureColumns', list(upload.featureColumns));
    if (upload.scale !== undefined) form.set('scale', String(upload.scale));
    // Fields before files: the driver reads the form as a stream.
    for (const field of ['file', 'features', 'images', 'labels'] as const) {
      const file = upload[field];
      if (file !== undefined) form.set(field, ...fileOf(file, `${field}.${upload.format}`));
    }
    return form;
  }
}
