import { NETWORK_ERROR_CODES } from '@tusk/storage';

const TRANSIENT_NAMES = new Set([
  'StorageUnavailableError',
  'TimeoutError',
  'ConnectionError',
  'RequestError',
  'NoRespondersError',
  'AbortError',
  'BlobNotFoundError',
]);

/**
 * True for errors that a retry may cure: NATS or S3 unreachable or slow for a while. Errors
 * about the request itself (bad input, missing object, permissions) are not transient.
 */
export function isTransientError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; cause?: unknown; transient?: boolean; $metadata?: { httpStatusCode?: number } };
  // An error may say for itself whether a retry can help (its message may still mention a timeout).
  if (typeof e.transient === 'boolean') return e.transient;
  if (TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_ERROR_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (
    /timeout|disconnect|connection (closed|refused|reset)|socket hang up|jetstream (is )?not enabled|jetstream system temporarily unavailable|no responders/i.test(
      e.message,
    )
  )
    return true;
  return e.cause !== undefined && e.cause !== err && isTransientError(e.cause);
}
