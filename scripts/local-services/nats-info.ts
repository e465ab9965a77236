import { createConnection } from 'node:net';

/**
 * The INFO a NATS server sends first on every connection (server_name, server_id, ...): null when nothing
 * accepts on the port, `{}` when something does but says nothing NATS-like within the timeout.
 */
export function readNatsInfo({ port, timeoutMs = 2_000 }: { port: number; timeoutMs?: number }): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let buffered = '';
    const done = (info: Record<string, unknown> | null) => {
      socket.destroy();
      resolve(info);
    };
    socket.setTimeout(timeoutMs, () => done({}));
    socket.once('error', () => done(null));
    socket.once('close', () => done({}));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\r\n');
      if (end < 0 && buffered.length < 64 * 1024) return;
      const line = end < 0 ? buffered : buffered.slice(0, end);
      try {
        done(line.startsWith('INFO ') ? JSON.parse(line.slice(5)) : {});
      } catch {
        done({});
      }
    });
  });
}
