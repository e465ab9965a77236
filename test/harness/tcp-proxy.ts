import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between one service and NATS, so a test can cut that service's link alone, at a chosen
 * moment: at once, or right after the server sent it bytes that match a pattern (a result with
 * `"ok":false`, say). While cut, connections are closed as soon as they open.
 */
export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private isCut = false;
  private trigger: { pattern: Buffer; hit: () => void } | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start({ targetPort, targetHost = '127.0.0.1' }: { targetPort: number; targetHost?: string }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => proxy.accept(client, targetHost, targetPort));
    return proxy;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = connect({ host, port });
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    let tail = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      if (!this.trigger) return;
      // Keep the end of the previous chunk, so a pattern split across two chunks still matches.
      const window = Buffer.concat([tail, chunk]);
      tail = window.subarray(Math.max(0, window.length - this.trigger.pattern.length));
      if (window.includes(this.trigger.pattern)) {
        const { hit } = this.trigger;
        this.trigger = null;
        // Let the matching bytes reach the client first, then cut.
        client.end(() => this.cut());
        hit();
      }
    });
  }

  /** Closes every connection and refuses new ones until restore(). */
  cut(): void {
    this.isCut = true;
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Cuts as soon as the server has sent `pattern` to the client; resolves when it did. */
  cutAfter(pattern: string): Promise<void> {
    return new Promise((resolve) => {
      this.trigger = { pattern: Buffer.from(pattern), hit: resolve };
    });
  }

  restore(): void {
    this.isCut = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
