export interface TuskApiErrorInit {
  status: number;
  /** The driver's message(s): Nest sends a list for validation errors. */
  messages: string[];
  /** `training.epochs` → its message; from the body's `field` or the leading word of each message. */
  fields?: Record<string, string>;
  method?: string;
  path?: string;
}

/**
 * A request the driver refused (non-2xx): the HTTP status, the driver's message and the field it names.
 * `message` is what a user should read; `summary` adds the method and path (what a CLI prints).
 */
export class TuskApiError extends Error {
  readonly status: number;
  readonly messages: string[];
  readonly fields: Record<string, string>;
  readonly method?: string;
  readonly path?: string;

  constructor({ status, messages, fields, method, path }: TuskApiErrorInit) {
    super(messages.join('; '));
    this.name = 'TuskApiError';
    this.status = status;
    this.messages = messages;
    this.fields = fields ?? fieldsOf(messages);
    this.method = method;
    this.path = path;
  }

  /** The first field the driver named, if any (`training.epochs`, `labelColumns`…). */
  get field(): string | undefined {
    return Object.keys(this.fields)[0];
  }

  /** `GET /jobs/x failed with HTTP 400: id must be a job id`. */
  get summary(): string {
    const what = this.method && this.path ? `${this.method} ${this.path}` : 'request';
    return `${what} failed with HTTP ${this.status}: ${this.message}`;
  }

  /** The message for one form field: its own, or one about a nested field under it (`model.config…` → `model`). */
  messageFor(field: string): string | undefined {
    const key = Object.keys(this.fields).find((k) => k === field || k.startsWith(`${field}.`) || k.startsWith(`${field}[`));
    return key === undefined ? undefined : this.fields[key];
  }

  /**
   * The error for an answer's body text: Nest's JSON `{ statusCode, message, error, field? }` (message may
   * be a list), or the text as sent (cut at 500 characters), or the status text when the body is empty.
   */
  static fromBody(
    status: number,
    body: string,
    { statusText = '', method, path }: { statusText?: string; method?: string; path?: string } = {},
  ): TuskApiError {
    const text = body.trim();
    let parsed: { message?: unknown; error?: unknown; field?: unknown } | undefined;
    try {
      const json = text === '' ? undefined : (JSON.parse(text) as unknown);
      if (json && typeof json === 'object' && !Array.isArray(json)) parsed = json;
    } catch {
      // not JSON: the text itself
    }
    let messages: string[];
    if (Array.isArray(parsed?.message) && parsed.message.length > 0) messages = parsed.message.map(String);
    else if (typeof parsed?.message === 'string' && parsed.message !== '') messages = [parsed.message];
    else if (typeof parsed?.error === 'string' && parsed.error !== '') messages = [parsed.error];
    else if (text !== '' && !parsed) messages = [text.length > 500 ? `${text.slice(0, 500)}…` : text];
    else messages = [statusText || `HTTP ${status}`];
    const fields = typeof parsed?.field === 'string' ? { [parsed.field]: messages.join('; ') } : undefined;
    return new TuskApiError({ status, messages, fields, method, path });
  }
}

/** Fields named by the leading word of validation messages (`training.epochs must be…`). */
function fieldsOf(messages: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const message of messages) {
    const field = /^([A-Za-z_][\w.[\]]*)[\s:]/.exec(message)?.[1];
    if (field && !(field in fields)) fields[field] = message;
  }
  return fields;
}

/** The driver could not be reached, or did not answer in time. */
export class TuskConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TuskConnectionError';
  }
}
