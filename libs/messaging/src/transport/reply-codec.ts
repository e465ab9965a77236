/** A handler's answer on the wire: bytes and strings as they are, anything else as JSON (undefined as an empty body). */
export function encodeReply(reply: unknown): Uint8Array | string {
  if (reply instanceof Uint8Array || typeof reply === 'string') return reply;
  return reply === undefined ? '' : JSON.stringify(reply);
}

/** The text of whatever was thrown: an Error, an RpcException's error object (`{ message }`) or a string. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : JSON.stringify(err);
}
