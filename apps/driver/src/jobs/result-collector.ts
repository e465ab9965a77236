import { Logger } from '@nestjs/common';
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { InvalidMessageError, parseMessage, RESULTS_STREAM, ResultMessage, resultSubject } from '@tusk/contracts';

/** A wait ended without every partition answering. */
export class RoundTimeoutError extends Error {
  constructor(what: string, missing: number[], seconds: number) {
    super(`${what} timed out after ${seconds} s waiting for partitions [${missing.join(', ')}]`);
    this.name = 'RoundTimeoutError';
  }
}

/** A wait was given up because the job was cancelled or the driver is stopping. */
export class WaitAbortedError extends Error {
  constructor() {
    super('wait aborted');
    this.name = 'WaitAbortedError';
  }
}

/**
 * Reads a job's results from the start of its subject with an ordered consumer, keeping one per
 * (group, partition): a result delivered twice counts once, and a restarted driver sees every result again.
 */
export class ResultCollector {
  private readonly logger = new Logger(ResultCollector.name);
  private readonly groups = new Map<string, Map<number, ResultMessage>>();
  private readonly wakers = new Set<() => void>();
  private stopConsumer: () => Promise<void> = async () => undefined;

  constructor(private readonly js: JetStreamClient, private readonly jobId: string) {}

  static groupOf(r: { kind: string; round: number; evaluationId?: string }): string {
    return r.kind === 'evaluate' ? `evaluate.${r.evaluationId}` : `train.${r.round}`;
  }

  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(RESULTS_STREAM, { filter_subjects: resultSubject(this.jobId), deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume();
    this.stopConsumer = async () => { await messages.close(); };
    void (async () => {
      for await (const m of messages) {
        try {
          const result = parseMessage(ResultMessage, m.data);
          const group = ResultCollector.groupOf(result);
          if (!this.groups.has(group)) this.groups.set(group, new Map());
          const seen = this.groups.get(group)!;
          if (!seen.has(result.partition)) seen.set(result.partition, result);
          for (const wake of this.wakers) wake();
        } catch (err) {
          if (err instanceof InvalidMessageError) this.logger.warn(`job ${this.jobId}: dropped a malformed result: ${err.message}`);
          else throw err;
        }
      }
    })();
  }

  received(group: string): Map<number, ResultMessage> {
    return this.groups.get(group) ?? new Map();
  }

  /** Resolves with one result per partition, or rejects on timeout or abort. */
  async waitFor({ group, partitions, timeoutMs, signal }: { group: string; partitions: number[]; timeoutMs: number; signal: AbortSignal }): Promise<ResultMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.received(group);
      const missing = partitions.filter((p) => !seen.has(p));
      if (missing.length === 0) return partitions.map((p) => seen.get(p)!);
      if (signal.aborted) throw new WaitAbortedError();
      if (Date.now() >= deadline) throw new RoundTimeoutError(group, missing, Math.round(timeoutMs / 1000));
      await new Promise<void>((resolve) => {
        const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); this.wakers.delete(done); resolve(); };
        const timer = setTimeout(done, Math.min(1_000, Math.max(0, deadline - Date.now())));
        this.wakers.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  forget(group: string): void {
    this.groups.delete(group);
  }

  async stop(): Promise<void> {
    await this.stopConsumer();
  }
}
