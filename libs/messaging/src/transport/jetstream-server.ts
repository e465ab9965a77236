import type { Consumer, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { TransportExtras } from './handler-extras.js';
import { JetStreamContext } from './jetstream-context.js';
import { isOutcomeError, retryBackoffMs } from './message-outcomes.js';
import { NatsRequestContext } from './nats-request-context.js';
import { PreferredPull, type OwnConsumer } from './preferred-pull.js';
import { encodeReply, errorText } from './reply-codec.js';

/** The connections the server uses (an `Infra` is one). */
export interface JetStreamConnection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export interface JetStreamServerOptions {
  /** Called at listen time, so the app's own connection (a provider) can be handed over once it exists. */
  connection: () => JetStreamConnection;
  /** The consumers' ack wait: a message in hand is reported in progress (`working()`) three times per wait. */
  ackWaitMs: number;
  /** On close, how long the messages in hand may take to finish before they are handed back (nak). */
  graceMs: number;
  /** How often to check that the message in hand is still in its stream (it is aborted once it left). */
  goneCheckMs?: number;
  fetchExpiresMs?: number;
  /** Read before the shared consumer of a handler on the same stream, one message at a time across both. */
  ownConsumer?: OwnConsumer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Nest transport over NATS: `@EventPattern`/`@MessagePattern` handlers whose extras name a JetStream durable
 * consumer (`fromConsumer`) are fed one message at a time from it; the others serve a core-NATS subject, in a queue
 * group if the extras give one (`inQueueGroup`), and reply with what they return.
 *
 * A consumer's message is acked (and the ack confirmed) once its handler returned, naked with backoff when it threw
 * (`RetryMessage` sets the delay, `TerminateMessage` terms it), unless the handler or an exception filter settled it
 * through its `JetStreamContext` first. While it runs the message is kept alive with `working()`, and the context's
 * signal aborts once the message left the stream; a handler that fails after that leaves it alone (nothing to ack).
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private connection?: JetStreamConnection;
  private stopping = false;
  private readonly subscriptions: Subscription[] = [];
  private readonly pulls: Promise<void>[] = [];
  private readonly inHand = new Set<JetStreamContext>();
  private readonly requests = new Set<Promise<void>>();

  constructor(private readonly options: JetStreamServerOptions) {
    super();
    this.initializeSerializer({});
    this.initializeDeserializer({});
  }

  listen(callback: (err?: unknown) => void): void {
    try {
      const connection = (this.connection = this.options.connection());
      for (const [pattern, handler] of this.messageHandlers) {
        const extras = (handler.extras ?? {}) as TransportExtras;
        if (extras.jetstream) {
          this.pulls.push(this.pull(connection, handler, extras, pattern));
          this.logger.log(`pulling ${pattern} from ${extras.jetstream.stream}/${extras.jetstream.consumer}`);
        } else {
          const queue = extras.queue;
          this.subscriptions.push(
            connection.nc.subscribe(pattern, {
              queue,
              callback: (err, msg) => {
                if (err) return this.logger.error(`subscription to ${pattern}: ${err.message}`);
                this.track(this.request(handler, extras, msg));
              },
            }),
          );
          this.logger.log(`serving ${pattern}${queue ? ` in queue group ${queue}` : ''}`);
        }
      }
      this._status$.next('connected');
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Stops taking messages; those in hand finish within the grace period, else go back for redelivery. */
  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await Promise.all(this.subscriptions.map((s) => s.drain().catch(() => undefined)));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((r) => (timer = setTimeout(() => r(false), this.options.graceMs)));
    const finished = await Promise.race([Promise.all([...this.pulls, ...this.requests]).then(() => true), graceOver]);
    clearTimeout(timer);
    if (!finished) {
      for (const ctx of this.inHand) {
        this.logger.warn(`handing the unfinished message on ${ctx.getSubject()} back for redelivery`);
        ctx.nak();
      }
    }
    this._status$.next('disconnected');
  }

  on(): never {
    throw new Error('JetStreamServer has no events to listen to; watch the connection instead');
  }

  unwrap<T>(): T {
    if (!this.connection) throw new Error('JetStreamServer is not listening yet');
    return this.connection as T;
  }

  private track(request: Promise<void>): void {
    this.requests.add(request);
    void request.finally(() => this.requests.delete(request));
  }

  private async pull(connection: JetStreamConnection, handler: MessageHandler, extras: TransportExtras, pattern: string): Promise<void> {
    const { stream, consumer: name } = extras.jetstream!;
    const own = this.options.ownConsumer?.stream === stream ? this.options.ownConsumer : undefined;
    const preferred = own && this.preferOwn(connection, own, name, pattern);
    let consumer: Consumer | null = null;
    while (!this.stopping) {
      let msg: JsMsg | null;
      try {
        if (preferred) msg = await preferred.next();
        else {
          consumer ??= await connection.js.consumers.get(stream, name);
          msg = await consumer.next({ expires: this.options.fetchExpiresMs ?? 5_000 });
        }
      } catch (err) {
        if (this.stopping) break;
        this.logger.warn(`fetching from ${stream}/${name} failed (${String(err)}); retrying`);
        await sleep(1_000);
        continue;
      }
      if (!msg) continue;
      // A message fetched while closing goes straight back rather than waiting out its ack wait.
      if (this.stopping) {
        msg.nak();
        break;
      }
      await this.consume(connection, handler, extras, msg);
    }
    preferred?.stop();
  }

  private preferOwn(connection: JetStreamConnection, own: OwnConsumer, shared: string, pattern: string): PreferredPull {
    const ensure = async (name: string) => {
      if (name === own.name) await own.ensure();
    };
    this.logger.log(`pulling ${own.stream}/${own.name} before ${own.stream}/${shared}`);
    return new PreferredPull(connection, { stream: own.stream, names: [own.name, shared], bellSubject: pattern, ensure });
  }

  private async consume(connection: JetStreamConnection, handler: MessageHandler, extras: TransportExtras, msg: JsMsg): Promise<void> {
    const abort = new AbortController();
    const ctx = new JetStreamContext([msg, abort.signal]);
    let data: unknown;
    try {
      data = extras.payload === 'bytes' ? msg.data : msg.json();
    } catch (err) {
      this.logger.error(`terminating a malformed message on ${msg.subject}: ${errorText(err)}`);
      ctx.term('malformed');
      return;
    }
    this.inHand.add(ctx);
    // Tell the server we are alive while a long handler runs, well inside the ack wait.
    const keepAlive = setInterval(() => msg.working(), Math.max(1_000, this.options.ackWaitMs / 3));
    const seq = msg.info.streamSequence;
    const goneCheck = setInterval(
      () => void this.abortIfGone(connection, extras.jetstream!.stream, seq, abort),
      this.options.goneCheckMs ?? 3_000,
    );
    try {
      await lastValueFrom(this.transformToObservable(await handler(data, ctx)), { defaultValue: undefined });
      if (!ctx.outcome) {
        // What the handler did is stored: a failed ack (the message was reassigned or purged meanwhile) costs only a redelivery.
        const acked = await ctx.ack().catch((err) => this.logger.warn(`ack on ${msg.subject} failed: ${errorText(err)}`));
        if (acked === false) this.logger.warn(`ack on ${msg.subject} was not confirmed`);
      }
    } catch (err) {
      if (!ctx.outcome) this.settleFailed(ctx, err);
    } finally {
      clearInterval(keepAlive);
      clearInterval(goneCheck);
      this.inHand.delete(ctx);
    }
  }

  private settleFailed(ctx: JetStreamContext, err: unknown): void {
    if (ctx.getSignal().aborted) return ctx.leave();
    if (isOutcomeError(err) && err.outcome === 'term') return ctx.term(err.message);
    const delayMs = isOutcomeError(err) && err.delayMs !== undefined ? err.delayMs : retryBackoffMs(ctx.getDeliveryCount());
    this.logger.warn(
      `message on ${ctx.getSubject()} (delivery ${ctx.getDeliveryCount()}) failed: ${errorText(err)}; retrying in ${delayMs} ms`,
    );
    ctx.nak(delayMs);
  }

  /** Aborts the message in hand once it has left the stream; an unreachable NATS proves nothing. */
  private async abortIfGone(connection: JetStreamConnection, stream: string, seq: number, abort: AbortController): Promise<void> {
    const stored = await connection.jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
    if (stored === null) abort.abort();
  }

  private async request(handler: MessageHandler, extras: TransportExtras, msg: Msg): Promise<void> {
    const ctx = new NatsRequestContext([msg]);
    let reply: unknown;
    try {
      const data = extras.payload === 'bytes' ? msg.data : msg.json();
      reply = await lastValueFrom(this.transformToObservable(await handler(data, ctx)), { defaultValue: undefined });
    } catch (err) {
      reply = { error: errorText(err) };
    }
    if (msg.reply) {
      try {
        msg.respond(encodeReply(reply));
      } catch (err) {
        this.logger.error(`replying on ${msg.subject} failed: ${errorText(err)}`);
      }
    }
    ctx.replied();
  }
}
