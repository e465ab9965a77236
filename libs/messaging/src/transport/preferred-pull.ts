import type { Consumer, JsMsg } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import type { JetStreamConnection } from './jetstream-server.js';

/** A consumer of this server's own, read before a handler's shared consumer of the same stream (messages addressed to it). */
export interface OwnConsumer {
  stream: string;
  name: string;
  /** Creates it (again: it vanishes after a while without pulls). */
  ensure: () => Promise<void>;
}

/** How long a pull waits for a message that the consumer's info said was there (another puller may have taken it). */
const PULL_EXPIRES_MS = 1_000;
/** How often to look again with nothing published: a message naked or left unacked comes back without a publish. */
const QUIET_MS = 1_000;

/**
 * Takes one message at a time from several consumers of one stream, the first listed first (this server's own), without
 * ever holding a pull open on one while the other gets a message: a pull is opened only on a consumer whose info shows a
 * message to deliver, and a publish on the stream's subjects (`bell`, a core subscription) wakes the wait.
 */
export class PreferredPull {
  private readonly consumers = new Map<string, Consumer>();
  private readonly bell: Subscription;
  private rung = false;
  private wake?: () => void;

  constructor(
    private readonly connection: JetStreamConnection,
    private readonly options: { stream: string; names: string[]; bellSubject: string; ensure: (name: string) => Promise<void> },
  ) {
    this.bell = connection.nc.subscribe(options.bellSubject, { callback: () => this.ring() });
  }

  /** The next message, or null after a quiet while: the caller loops. */
  async next(): Promise<JsMsg | null> {
    this.rung = false;
    for (const name of this.options.names) {
      const msg = await this.take(name, (info) => info.num_pending > 0);
      if (msg) return msg;
    }
    if (await this.bellRings(QUIET_MS)) return null;
    for (const name of this.options.names) {
      const msg = await this.take(name, (info) => info.num_ack_pending > 0);
      if (msg) return msg;
    }
    return null;
  }

  stop(): void {
    this.bell.unsubscribe();
    this.ring();
  }

  private async take(
    name: string,
    worthPulling: (info: { num_pending: number; num_ack_pending: number }) => boolean,
  ): Promise<JsMsg | null> {
    const consumer = await this.consumer(name);
    try {
      if (!worthPulling(await consumer.info())) return null;
      return await consumer.next({ expires: PULL_EXPIRES_MS });
    } catch (err) {
      if (!/not found/i.test(String(err))) throw err;
      this.consumers.delete(name);
      await this.options.ensure(name);
      return null;
    }
  }

  private async consumer(name: string): Promise<Consumer> {
    let consumer = this.consumers.get(name);
    if (!consumer) {
      try {
        consumer = await this.connection.js.consumers.get(this.options.stream, name);
      } catch (err) {
        if (!/not found/i.test(String(err))) throw err;
        await this.options.ensure(name);
        consumer = await this.connection.js.consumers.get(this.options.stream, name);
      }
      this.consumers.set(name, consumer);
    }
    return consumer;
  }

  private ring(): void {
    this.rung = true;
    this.wake?.();
  }

  /** True when a publish came (since `next` began) before `ms` passed. */
  private bellRings(ms: number): Promise<boolean> {
    if (this.rung) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
    });
  }
}
