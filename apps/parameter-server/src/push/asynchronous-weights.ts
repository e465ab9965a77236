import type { PushReply, PushStats } from '@tusk/contracts';
import { HeadConflictError } from '@tusk/messaging';
import { bytesToFloat32, float32ToBytes } from '@tusk/model';
import { headOf, JobWeights, MAX_CAS_RETRIES, WeightsDiscardedError, type LoadedPush } from './job-weights.js';
import { answeredBefore, recordAnswers, type PushLedger } from './push-ledger.js';
import { countAnswer, hasCounts, initialStats, subtractCounts, withCounts } from './push-stats.js';
import { decideStaleness } from './staleness.js';

/**
 * Asynchronous mode: pushes are applied one at a time, each moving the head with compare-and-set. When
 * another replica moved it first, this one reloads (weights and ledger) and decides again, so a push
 * that replica already applied is answered from its ledger instead of being applied a second time.
 */
export class AsynchronousWeights extends JobWeights {
  private queue: Promise<unknown> = Promise.resolve();
  /** Tasks queued and not started yet: each will write the head with the unsaved counters as they are then. */
  private notStarted = 0;
  /** Reused between pushes, so a push allocates no new weight buffer. */
  private spare: Float32Array = new Float32Array(0);

  protected apply(push: LoadedPush): Promise<PushReply> {
    return this.serially(() => this.applyNow(push));
  }

  protected saveCounts(): Promise<void> {
    // A queued push will write the counters with its version: a duplicate's answer must not wait for the whole queue.
    if (this.notStarted > 0) return Promise.resolve();
    return this.serially(async () => {
      for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
        if (!hasCounts(this.unsaved)) return;
        if (await this.tryWrite({ ledger: this.persisted.ledger ?? {}, stats: this.stats(), next: null })) return;
      }
      throw new Error(`job ${this.jobId}: gave up after ${MAX_CAS_RETRIES} concurrent updates`);
    });
  }

  /** Runs `task` after every earlier one; an unexpected error drops this copy and sends the rest to a fresh one. */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    this.notStarted += 1;
    const next = this.queue
      .then(() => {
        this.notStarted -= 1;
        if (this.discarded) throw new WeightsDiscardedError(this.jobId);
        return task();
      })
      .catch((err: unknown) => {
        if (err instanceof WeightsDiscardedError) throw err;
        this.discard(err);
        throw new WeightsDiscardedError(this.jobId);
      });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async applyNow(push: LoadedPush): Promise<PushReply> {
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      if (this.persisted.closed) return this.refuseClosed();
      // Checked on every attempt: a reload after a conflict brings the other replica's ledger.
      const known = answeredBefore({ ledger: this.persisted.ledger, stream: push.stream, step: push.step, version: this.version });
      if (known) {
        this.unsaved.duplicates += 1;
        return known;
      }
      const staleness = Math.max(0, this.version - push.baseVersion);
      const decision = decideStaleness(staleness, this.spec);
      const reply: PushReply = decision.accept
        ? { accepted: true, version: this.version + 1, staleness, scale: decision.scale }
        : { accepted: false, version: this.version, staleness, scale: 0 };
      const ledger = recordAnswers(this.persisted.ledger, [{ stream: push.stream, step: push.step, reply }]);
      const stats = countAnswer(this.stats(), { accepted: decision.accept, stale: decision.stale });
      const next = decision.accept ? this.added(push.delta, decision.scale) : null;
      if (await this.tryWrite({ ledger, stats, next })) return reply;
    }
    throw new Error(`job ${this.jobId}: gave up after ${MAX_CAS_RETRIES} concurrent updates`);
  }

  /** The current weights plus `scale` × delta, in a spare buffer: the live weights stay intact if the compare-and-set loses. */
  private added(delta: Float32Array, scale: number): Float32Array {
    const next = this.spare.length === this.weights.length ? this.spare : new Float32Array(this.weights.length);
    const w = this.weights;
    for (let i = 0; i < w.length; i++) next[i] = w[i] + scale * delta[i];
    return next;
  }

  /** The persisted stats (unsaved counters not included). */
  private stats(): PushStats {
    return this.persisted.stats ?? initialStats(this.version);
  }

  /**
   * One compare-and-set of the head with `ledger` and `stats` (plus the unsaved counters), and with a new
   * version when `next` holds new weights. False when another replica moved the head (reloaded then).
   */
  private async tryWrite({ ledger, stats, next }: { ledger: PushLedger; stats: PushStats; next: Float32Array | null }): Promise<boolean> {
    if (this.persisted.closed) return true; // never reopen a head the driver closed: counters of a finished job stay as they are
    const counts = { ...this.unsaved };
    const version = next ? this.version + 1 : this.version;
    const full = withCounts(stats, counts, version);
    const expectedRevision = this.persisted.revision;
    try {
      if (next) {
        const { revision, key } = await this.versions.commit({
          jobId: this.jobId,
          version,
          bytes: float32ToBytes(next),
          expectedRevision,
          stats: full,
          ledger,
        });
        const superseded = this.persisted.key;
        this.spare = this.weights;
        this.weights = next;
        this.persisted = { version, key, revision, stats: full, ledger };
        void this.versions.prune(superseded).catch(() => undefined);
      } else {
        const revision = await this.versions.touch({
          jobId: this.jobId,
          version,
          key: this.persisted.key,
          stats: full,
          ledger,
          expectedRevision,
        });
        this.persisted = { ...this.persisted, revision, stats: full, ledger };
      }
      this.version = version;
      subtractCounts(this.unsaved, counts);
      return true;
    } catch (err) {
      if (!(err instanceof HeadConflictError)) throw err;
      await this.reload(); // another replica moved the head: start again from its version and ledger
      return false;
    }
  }

  private async reload(): Promise<void> {
    const state = await this.versions.read(this.jobId);
    this.weights = bytesToFloat32(new Uint8Array(state.bytes));
    this.version = state.version;
    this.persisted = headOf(state);
  }
}
