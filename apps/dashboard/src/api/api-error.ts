/** A refused request: the status, the driver's message(s), and the messages by the field they name. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    /** `training.epochs` → its message; from the 422 body's `field` or the leading word of a 400's messages. */
    readonly fields: Record<string, string>,
  ) {
    super(messages.join('; '));
  }
}

/** What Nest sends: `{ message: string | string[], field?: string }`. */
export function apiErrorOf(status: number, body: unknown, statusText = ''): ApiError {
  const b = (body ?? {}) as { message?: unknown; field?: unknown };
  const messages = Array.isArray(b.message) ? b.message.map(String) : [String(b.message ?? (statusText || `HTTP ${status}`))];
  const fields: Record<string, string> = {};
  if (typeof b.field === 'string') fields[b.field] = messages.join('; ');
  else {
    for (const message of messages) {
      const field = /^([A-Za-z_][\w.[\]]*)[\s:]/.exec(message)?.[1];
      if (field && !(field in fields)) fields[field] = message;
    }
  }
  return new ApiError(status, messages, fields);
}

/** The message for one form field: its own, or one about a nested field under it (`model.config…` → `model`). */
export function messageFor(error: ApiError | null, field: string): string | undefined {
  if (!error) return undefined;
  const key = Object.keys(error.fields).find((k) => k === field || k.startsWith(`${field}.`) || k.startsWith(`${field}[`));
  return key === undefined ? undefined : error.fields[key];
}
