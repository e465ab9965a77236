import { request } from 'node:http';
import { connect } from 'node:net';

/** One hostile request: what a generator produced, and how it is sent. */
export interface HostileRequest {
  /** Name of the generator that produced it. */
  gen: string;
  /** What this variant is about (printed for offenders). */
  label: string;
  method: string;
  /** Sent as-is on the request line (no URL normalisation: `..` stays). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Bytes written to a raw socket instead (for request lines Node's client refuses to send). */
  raw?: Buffer;
  /** A 4xx without a JSON body is acceptable (Node's own HTTP parser answers before Express). */
  allowNonJson?: boolean;
}

export interface Outcome {
  /** HTTP status, or 0 when no response arrived (see error). */
  status: number;
  error?: string;
  body: string;
  contentType: string;
  ms: number;
}

const MAX_KEEP = 64 * 1024;

/**
 * Sends one request to 127.0.0.1 on a fresh connection, with a hard timeout. The body is written in chunks
 * and writing stops as soon as a response arrives, so a server that answers 413 early is not raced by a
 * client still pushing megabytes into a closing socket.
 */
export function send(port: number, req: HostileRequest, timeoutMs: number): Promise<Outcome> {
  if (req.raw) return sendRaw(port, req.raw, timeoutMs);
  const started = performance.now();
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let status = 0;
    let contentType = '';
    const chunks: Buffer[] = [];
    let kept = 0;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const body = Buffer.concat(chunks).toString('utf8');
      resolve({ status, error: status ? undefined : error, body, contentType, ms: performance.now() - started });
      r.destroy();
    };
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const headers: Record<string, string> = { connection: 'close', ...(req.headers ?? {}) };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) {
      headers['content-length'] = String(body.length);
    }
    const r = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: false });
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs} ms`), timeoutMs);
    r.on('response', (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type'] ?? '');
      if (contentType.startsWith('text/event-stream') && status < 300) {
        chunks.push(Buffer.from('(event stream opened)'));
        return finish();
      }
      res.on('data', (c: Buffer) => {
        if (kept < MAX_KEEP) {
          chunks.push(c);
          kept += c.length;
        }
      });
      res.on('end', () => finish());
      res.on('error', (e) => finish(String(e.message)));
      res.on('aborted', () => finish('response aborted'));
    });
    r.on('error', (e: NodeJS.ErrnoException) => {
      // An answer that arrived before the socket broke still counts; give its body a moment.
      if (status) setTimeout(() => finish(), 50);
      else finish(`${e.code ?? 'error'}: ${e.message}`);
    });
    void (async () => {
      try {
        if (body) {
          const CHUNK = 64 * 1024;
          for (let off = 0; off < body.length && !status && !settled; off += CHUNK) {
            const ok = r.write(body.subarray(off, off + CHUNK));
            if (!ok) {
              await new Promise<void>((res) => {
                const done = () => {
                  r.off('drain', done);
                  r.off('close', done);
                  res();
                };
                r.on('drain', done);
                r.on('close', done);
              });
            } else await new Promise((res) => setImmediate(res));
          }
        }
        if (!settled) r.end();
      } catch (e) {
        if (!status) finish(`write failed: ${(e as Error).message}`);
      }
    })();
  });
}

/** Raw bytes on a socket; the status line is parsed from whatever comes back. */
function sendRaw(port: number, raw: Buffer, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise<Outcome>((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const sock = connect({ host: '127.0.0.1', port });
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      const head = split >= 0 ? text.slice(0, split) : text;
      const ct = /\r\ncontent-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? '';
      resolve({
        status: m ? Number(m[1]) : 0,
        error: m ? undefined : (error ?? 'no HTTP response'),
        body: split >= 0 ? text.slice(split + 4) : '',
        contentType: ct,
        ms: performance.now() - started,
      });
    };
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs} ms`), timeoutMs);
    sock.on('connect', () => sock.write(raw));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e: NodeJS.ErrnoException) => finish(`${e.code ?? 'error'}: ${e.message}`));
  });
}

/** Runs tasks with at most `limit` in flight, keeping their order in the result. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return out;
}
