import type { SweepRecord } from '@tusk/contracts';

/** Base URL when neither --url nor TUSK_URL is given. */
export const DEFAULT_URL = 'http://127.0.0.1:8080';
/** Timeout of an ordinary API call. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Timeout of calls that move files (dataset upload, model download) unless --timeout says otherwise. */
export const TRANSFER_TIMEOUT_MS = 600_000;

/** A non-2xx answer from the driver: the HTTP status and the server's own message. */
export class ApiError extends Error {
  constructor(readonly method: string, readonly path: string, readonly status: number, readonly serverMessage: string) {
    super(`${method} ${path} failed with HTTP ${status}: ${serverMessage}`);
    this.name = 'ApiError';
  }
}

/** The driver could not be reached, or did not answer in time. */
export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/**
 * The message of an error body: Nest's JSON `{ statusCode, message, error }` (message may be a list
 * of validation errors), or the text as sent, or the status text when the body is empty.
 */
export function serverMessage(body: string, statusText: string): string {
  const text = body.trim();
  if (text === '') return statusText || 'no message';
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (Array.isArray(parsed.message)) return parsed.message.map(String).join('; ');
    if (typeof parsed.message === 'string' && parsed.message !== '') return parsed.message;
    if (typeof parsed.error === 'string' && parsed.error !== '') return parsed.error;
  } catch {
    // not JSON: the text itself
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export interface ClientOptions {
  baseUrl?: string;
  token?: string;
  /** Overrides the per-call default timeouts when set. */
  timeoutMs?: number;
}

export interface CallOptions {
  body?: BodyInit;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** A thin fetch wrapper over the driver's REST API: bearer token, timeouts, errors with the server's message. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly token?: string;
  private readonly timeoutMs?: number;

  constructor({ baseUrl = DEFAULT_URL, token, timeoutMs }: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token || undefined;
    this.timeoutMs = timeoutMs;
  }

  /** Client settings from the flags, then the environment, then the defaults. */
  static fromEnv(env: NodeJS.ProcessEnv, flags: { url?: string; timeoutMs?: number } = {}): ApiClient {
    return new ApiClient({ baseUrl: flags.url ?? env.TUSK_URL ?? DEFAULT_URL, token: env.TUSK_API_TOKEN, timeoutMs: flags.timeoutMs });
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}`, ...extra } : { ...extra };
  }

  /**
   * Sends a request and returns the response once its status is 2xx. The timeout covers the answer's
   * headers; `read` (when given) runs under the same deadline, so body reads are covered too.
   */
  async call<T>(method: string, path: string, read: (res: Response) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const timeoutMs = this.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await this.fetch(method, path, { body: options.body, headers: this.headers(options.headers), signal: controller.signal }, timeoutMs);
      try {
        return await read(res);
      } catch (err) {
        if (controller.signal.aborted) throw new ConnectionError(`${method} ${path}: no complete answer from ${this.baseUrl} within ${timeoutMs / 1000}s`);
        throw err;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Opens a streaming response (server-sent events). The timeout covers only the wait for the
   * headers; the caller reads the body and aborts through `signal` when done.
   */
  async stream(path: string, signal: AbortSignal, options: CallOptions = {}): Promise<Response> {
    const timeoutMs = this.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await this.fetch('GET', path, { headers: this.headers({ accept: 'text/event-stream', ...options.headers }), signal: controller.signal }, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetch(method: string, path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { ...init, method });
    } catch (err) {
      if (init.signal?.aborted) throw new ConnectionError(`${method} ${path}: no answer from ${this.baseUrl} within ${timeoutMs / 1000}s`);
      const cause = (err as { cause?: { message?: string; code?: string } }).cause;
      throw new ConnectionError(`cannot reach the driver at ${this.baseUrl}: ${cause?.message ?? cause?.code ?? (err as Error).message}`);
    }
    if (!res.ok) {
      const body = await res.text().catch(() => '');
      throw new ApiError(method, path, res.status, serverMessage(body, res.statusText));
    }
    return res;
  }

  json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const options: CallOptions = body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    return this.call(method, path, async (res) => {
      const text = await res.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    }, options);
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  /** Sends nothing back but the status (e.g. 204 of a delete). */
  async delete(path: string): Promise<unknown> {
    return this.json<unknown>('DELETE', path);
  }

  postForm<T>(path: string, form: FormData): Promise<T> {
    return this.call('POST', path, async (res) => (await res.json()) as T, { body: form, timeoutMs: TRANSFER_TIMEOUT_MS });
  }

  bytes(path: string): Promise<Uint8Array> {
    return this.call('GET', path, async (res) => new Uint8Array(await res.arrayBuffer()), { timeoutMs: TRANSFER_TIMEOUT_MS });
  }

  // Sweeps: typed calls for `tusk sweep …`.

  createSweep(body: unknown): Promise<SweepRecord> {
    return this.json<SweepRecord>('POST', '/sweeps', body);
  }

  /** Newest first. */
  sweeps(): Promise<SweepRecord[]> {
    return this.get<SweepRecord[]>('/sweeps');
  }

  sweep(id: string): Promise<SweepRecord> {
    return this.get<SweepRecord>(`/sweeps/${encodeURIComponent(id)}`);
  }

  /** Cancels the trials still running; answers the sweep as it is then. */
  cancelSweep(id: string): Promise<SweepRecord> {
    return this.json<SweepRecord>('DELETE', `/sweeps/${encodeURIComponent(id)}`);
  }

  /** `GET /sweeps/:id/events`: server-sent `SweepEvent`s, the current state first; ends when the sweep does. */
  sweepEvents(id: string, signal: AbortSignal): Promise<Response> {
    return this.stream(`/sweeps/${encodeURIComponent(id)}/events`, signal);
  }
}
