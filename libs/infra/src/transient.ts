const TRANSIENT_NAMES = new Set(['StorageUnavailableError', 'TimeoutError', 'ConnectionError', 'RequestError', 'NoRespondersError', 'AbortError', 'BlobNotFoundError']);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True for errors that a retry may cure: NATS or S3 unreachable or slow for a while. Errors
 * about the request itself (bad input, missing object, permissions) are not transient.
 */
export function isTransientError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; cause?: unknown; $metadata?: { httpStatusCode?: number } };
  if (TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (/timeout|disconnect|connection (closed|refused|reset)|socket hang up|jetstream not enabled|no responders/i.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isTransientError(e.cause);
}

/** Retries `fn` with exponential backoff while its errors are transient, up to `attempts` tries. */
export async function withRetries<T>(fn: () => Promise<T>, { attempts, baseDelayMs = 500, maxDelayMs = 10_000, onRetry }: { attempts: number; baseDelayMs?: number; maxDelayMs?: number; onRetry?: (err: unknown, attempt: number) => void }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isTransientError(err)) throw err;
      onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))));
    }
  }
}
