import { Logger } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { InvalidMessageError, parseMessage, RESULTS_STREAM, ResultMessage, resultSubject } from '@tusk/contracts';

/** The results stream could not be read to its end in time (NATS unreachable): retried as an outage. */
export class ResultReplayTimeoutError extends Error {
  readonly transient = true;

  constructor(jobId: string, seconds: number) {
    super(`replaying the results of job ${jobId} timed out after ${seconds} s`);
    this.name = 'ResultReplayTimeoutError';
  }
}

const REOPEN_DELAY_MS = 1_000;
const CONSUME_EXPIRES_MS = 4_000;
/** Silent this long while the stream holds results it has not delivered: the consumer is stuck, and is reopened. */
const STALL_CHECK_MS = 3_000;

export interface ResultCollectorOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  jobId: string;
  /** Results not kept (other evaluations, rounds already done) are dropped; none by default. */
  keep?: (result: ResultMessage) => boolean;
  /** Told about results that arrived live but will never be used: their blobs can go. */
  onStray?: (result: ResultMessage) => void;
  replayTimeoutMs?: number;
}

/**
 * Reads a job's results from the start of its subject with an ordered consumer and accepts the first
 * result per (group, partition) in stream order: a result delivered twice counts once, and a restarted
 * driver replays every result and accepts the same ones.
 */
export class ResultCollector {
  private readonly logger = new Logger(ResultCollector.name);
  private readonly groups = new Map<string, Map<number, ResultMessage>>();
  private readonly wakers = new Set<() => void>();
  private lastSeq = 0;
  /** The stream's last result when the collector started: later ones arrive live. */
  private replayEnd = 0;
  private messages?: ConsumerMessages;
  private stopped = false;
  private watchdog?: NodeJS.Timeout;
  private lastDeliveryAt = Date.now();
  private checking = false;
  /** When the last result of any group arrived (driver clock). */
  lastResultAt = 0;

  constructor(private readonly options: ResultCollectorOptions) {}

  static groupOf(r: { kind: string; round: number; evaluationId?: string }): string {
    return r.kind === 'evaluate' ? `evaluate.${r.evaluationId}` : `train.${r.round}`;
  }

  /** Opens the consumer (throws if NATS is unreachable), then reads in the background until stopped. */
  async start(): Promise<void> {
    this.replayEnd = await this.lastStoredSeq();
    await this.open();
    void this.readForever();
    this.watchdog = setInterval(() => void this.reopenIfStuck(), STALL_CHECK_MS).unref();
  }

  /**
   * When the node that held the consumer dies (a NATS cluster losing a server), the ordered consumer can stop
   * delivering without an error; behind the stream and silent for STALL_CHECK_MS, it is closed and read again.
   */
  private async reopenIfStuck(): Promise<void> {
    if (this.stopped || this.checking || Date.now() - this.lastDeliveryAt < STALL_CHECK_MS) return;
    this.checking = true;
    try {
      if ((await this.lastStoredSeq()) > this.lastSeq) {
        this.logger.warn(`the result consumer stopped short of the stream's end; reopening`, { jobId: this.options.jobId });
        this.lastDeliveryAt = Date.now();
        await this.messages?.close();
      }
    } catch {
      // NATS unreachable: the consumer's own reconnect handles it.
    } finally {
      this.checking = false;
    }
  }

  private async open(): Promise<void> {
    const { js, jobId } = this.options;
    const from = this.lastSeq + 1;
    const consumer = await js.consumers.get(RESULTS_STREAM, {
      filter_subjects: resultSubject(jobId),
      ...(from > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from } : { deliver_policy: DeliverPolicy.All }),
    });
    // Short pulls: after a nats-server restart the consumer is gone, and two missed heartbeats (half of this each) recreate it.
    this.messages = await consumer.consume({ expires: CONSUME_EXPIRES_MS });
  }

  /** The consumer loop; it reopens after the connection or the consumer goes away, from the next sequence. */
  private async readForever(): Promise<void> {
    while (!this.stopped) {
      try {
        for await (const m of this.messages!) this.receive(m.seq, m.data);
      } catch (err) {
        this.logger.warn(`reading results failed (${(err as Error).message}); reopening`, { jobId: this.options.jobId });
      }
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, REOPEN_DELAY_MS));
      try {
        if (!this.stopped) await this.open();
      } catch (err) {
        this.logger.warn(`reopening the result consumer failed (${(err as Error).message}); retrying`, { jobId: this.options.jobId });
      }
    }
  }

  private receive(seq: number, data: Uint8Array): void {
    this.lastDeliveryAt = Date.now();
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    try {
      const result = parseMessage(ResultMessage, data);
      if (this.options.keep && !this.options.keep(result)) {
        if (seq > this.replayEnd) this.options.onStray?.(result);
      } else {
        const group = ResultCollector.groupOf(result);
        if (!this.groups.has(group)) this.groups.set(group, new Map());
        const seen = this.groups.get(group)!;
        const accepted = seen.get(result.partition);
        if (!accepted) seen.set(result.partition, result);
        else if (accepted.deltaKey !== result.deltaKey && seq > this.replayEnd) this.options.onStray?.(result);
        this.lastResultAt = Date.now();
      }
    } catch (err) {
      if (!(err instanceof InvalidMessageError)) throw err;
      this.logger.warn(`dropped a malformed result: ${err.message}`, { jobId: this.options.jobId });
    }
    for (const wake of this.wakers) wake();
  }

  private async lastStoredSeq(): Promise<number> {
    const last = await this.options.jsm.streams.getMessage(RESULTS_STREAM, { last_by_subj: resultSubject(this.options.jobId) });
    return last?.seq ?? 0;
  }

  /**
   * Resolves once every result stored so far has been read: what the driver decides from is then
   * complete, not a guess from the duplicate window.
   */
  async caughtUp(): Promise<void> {
    const target = await this.lastStoredSeq();
    const timeoutMs = this.options.replayTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    while (this.lastSeq < target) {
      if (this.stopped) throw new Error('result collector stopped');
      if (Date.now() >= deadline) throw new ResultReplayTimeoutError(this.options.jobId, Math.round(timeoutMs / 1000));
      await this.changed(250);
    }
  }

  /** Waits until a result arrives or `ms` pass, whichever is first. */
  changed(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  received(group: string): Map<number, ResultMessage> {
    return this.groups.get(group) ?? new Map();
  }

  forget(group: string): void {
    this.groups.delete(group);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    for (const wake of this.wakers) wake();
    await this.messages?.close();
  }
}
