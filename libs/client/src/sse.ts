/**
 * The one parser of the driver's server-sent events (SDK, CLI, tests and dashboard), incremental: feed it
 * text as it arrives, get back the `data` payload of every event completed so far (JSON-parsed). Lines may end in \n, \r\n or \r and
 * may be split across chunks; an event ends at a blank line; several `data:` lines join with \n.
 * `event:`, `id:`, `retry:` and `:` comments carry nothing the driver's streams use and are skipped.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  /** A chunk ended in \r: a \n starting the next chunk belongs to the same line ending. */
  private pendingCr = false;

  push(chunk: string): unknown[] {
    if (this.pendingCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCr = chunk.endsWith('\r');
    this.buffer += chunk;
    const out: unknown[] = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line, out);
    return out;
  }

  /** The stream ended: an event not yet closed by a blank line still counts. */
  end(): unknown[] {
    const out: unknown[] = [];
    if (this.buffer !== '') this.line(this.buffer, out);
    this.buffer = '';
    this.dispatch(out);
    return out;
  }

  private line(line: string, out: unknown[]): void {
    if (line === '') return this.dispatch(out);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    const value = colon < 0 ? '' : line.slice(colon + 1);
    this.data.push(value.startsWith(' ') ? value.slice(1) : value);
  }

  private dispatch(out: unknown[]): void {
    if (this.data.length === 0) return;
    const payload = this.data.join('\n');
    this.data = [];
    try {
      out.push(JSON.parse(payload));
    } catch {
      out.push(payload);
    }
  }
}

/** Every `data` payload of an event-stream body, as it arrives; ends with the body (or throws when it breaks). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let finished = false;
  try {
    while (!finished) {
      const { done, value } = await reader.read();
      finished = done;
      const events = done ? parser.end() : parser.push(decoder.decode(value, { stream: true }));
      for (const event of events) yield event;
    }
  } finally {
    // The caller stopped early: close the connection rather than leave it open.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}
