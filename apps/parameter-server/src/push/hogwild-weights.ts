import type { PushReply, PushStats } from '@tusk/contracts';
import { HeadConflictError } from '@tusk/messaging';
import { bytesToFloat32, float32ToBytes } from '@tusk/model';
import { headOf, JobWeights, MAX_CAS_RETRIES, WeightsDiscardedError, type LoadedPush } from './job-weights.js';
import { answeredBefore, recordAnswers, type LedgerAnswer } from './push-ledger.js';
import { countAnswer, initialStats, subtractCounts, withCounts } from './push-stats.js';
import { decideStaleness } from './staleness.js';

/** A push applied in memory (or rejected as stale) whose answer waits for the next group commit. */
interface PendingPush {
  stream: string;
  step: number;
  /** Null when rejected as stale: nothing to add, only the answer to record. */
  delta: Float32Array | null;
  scale: number;
  staleness: number;
  stale: boolean;
}

/** Something the next write must cover: a push, or (push null) only the unsaved counters. */
interface PendingWrite {
  push: PendingPush | null;
  /** With the push's answer (null for a counters-only write). */
  resolve: (reply: PushReply | null) => void;
  reject: (err: unknown) => void;
}

/**
 * Hogwild mode: pushes are added to the weights in place as they arrive, without a lock, and persisted
 * by group commit (one compare-and-set covers every push applied before it, with their ledger entries).
 * Pending pushes are kept one by one: if another replica moved the head, its weights and ledger are
 * reloaded, pushes it already applied are answered from its ledger, and only the others are re-added.
 */
export class HogwildWeights extends JobWeights {
  private pending: PendingWrite[] = [];
  private flushing = false;

  protected apply(push: LoadedPush): Promise<PushReply> {
    if (this.discarded) return Promise.reject(new WeightsDiscardedError(this.jobId));
    if (this.persisted.closed) return Promise.resolve(this.refuseClosed());
    // Checked again now: a reload while the delta was loading may have brought this id in.
    const known = answeredBefore({ ledger: this.persisted.ledger, stream: push.stream, step: push.step, version: this.version });
    if (known) {
      this.unsaved.duplicates += 1;
      return Promise.resolve(known);
    }
    const staleness = Math.max(0, this.version - push.baseVersion);
    const decision = decideStaleness(staleness, this.spec);
    if (decision.accept) {
      const { weights: w } = this;
      const { delta } = push;
      for (let i = 0; i < w.length; i++) w[i] += decision.scale * delta[i];
      this.version += 1;
    }
    const pending: PendingPush = {
      stream: push.stream,
      step: push.step,
      delta: decision.accept ? push.delta : null,
      scale: decision.scale,
      staleness,
      stale: decision.stale,
    };
    return this.afterWrite(pending);
  }

  protected async saveCounts(): Promise<void> {
    await this.afterWrite(null);
  }

  /** Resolves with the push's answer once a group commit that covers it is in KV. */
  private afterWrite(push: PendingPush): Promise<PushReply>;
  private afterWrite(push: null): Promise<null>;
  private afterWrite(push: PendingPush | null): Promise<PushReply | null> {
    return new Promise<PushReply | null>((resolve, reject) => {
      this.pending.push({ push, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      void this.flushAll();
    });
  }

  private async flushAll(): Promise<void> {
    try {
      let conflicts = 0;
      while (this.pending.length > 0) {
        if (await this.flushOnce()) conflicts = 0;
        else if (++conflicts >= MAX_CAS_RETRIES) throw new Error(`job ${this.jobId}: gave up after ${MAX_CAS_RETRIES} concurrent updates`);
      }
    } catch (err) {
      // The weights in memory hold pushes KV may not have: drop them all; their pushes go to a fresh copy.
      const failed = this.pending;
      this.pending = [];
      this.discard(err);
      for (const w of failed) w.reject(new WeightsDiscardedError(this.jobId));
    } finally {
      this.flushing = false; // in the same synchronous step as the last check of `pending`
    }
  }

  /** One group commit of everything pending now; false when another replica moved the head (merged then). */
  private async flushOnce(): Promise<boolean> {
    const batch = this.pending.slice();
    if (this.persisted.closed) {
      // Never reopen a head the driver closed: pushes still pending were not persisted, so they were never applied.
      this.pending.splice(0, batch.length);
      for (const w of batch) w.resolve(w.push ? this.refuseClosed() : null);
      return true;
    }
    const counts = { ...this.unsaved };
    let version = this.persisted.version;
    let stats: PushStats = this.persisted.stats ?? initialStats(version);
    const answers: LedgerAnswer[] = [];
    const replies = batch.map(({ push: p }) => {
      if (!p) return null;
      const reply: PushReply = p.delta
        ? { accepted: true, version: ++version, staleness: p.staleness, scale: p.scale }
        : { accepted: false, version, staleness: p.staleness, scale: 0 };
      stats = countAnswer(stats, { accepted: !!p.delta, stale: p.stale });
      answers.push({ stream: p.stream, step: p.step, reply });
      return reply;
    });
    if (version !== this.version)
      throw new Error(
        `job ${this.jobId}: memory is ${this.version - this.persisted.version} pushes ahead of KV, ` +
          `but ${version - this.persisted.version} are pending`,
      );
    const ledger = recordAnswers(this.persisted.ledger, answers);
    const full = withCounts(stats, counts, version);
    const expectedRevision = this.persisted.revision;
    try {
      if (version !== this.persisted.version) {
        // A copy: pushes keep landing in the live buffer while the blob is written.
        const bytes = float32ToBytes(this.weights.slice());
        const { revision, key } = await this.versions.commit({ jobId: this.jobId, version, bytes, expectedRevision, stats: full, ledger });
        void this.versions.prune(this.persisted.key).catch(() => undefined);
        this.persisted = { version, key, revision, stats: full, ledger };
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
    } catch (err) {
      if (!(err instanceof HeadConflictError)) throw err;
      await this.merge();
      return false;
    }
    subtractCounts(this.unsaved, counts);
    this.pending.splice(0, batch.length);
    batch.forEach((w, i) => w.resolve(replies[i]));
    return true;
  }

  /**
   * Another replica moved the head: start from its weights and ledger, answer the pending pushes it
   * already applied from its ledger (a copy was sent to both), and add the others again.
   */
  private async merge(): Promise<void> {
    const latest = await this.versions.read(this.jobId);
    const weights = bytesToFloat32(new Uint8Array(latest.bytes));
    let version = latest.version;
    const kept: PendingWrite[] = [];
    for (const w of this.pending) {
      const p = w.push;
      const known = p && answeredBefore({ ledger: latest.ledger, stream: p.stream, step: p.step, version: latest.version });
      if (known) {
        this.unsaved.duplicates += 1;
        w.resolve(known);
        continue;
      }
      if (p?.delta) {
        for (let i = 0; i < weights.length; i++) weights[i] += p.scale * p.delta[i];
        version += 1;
      }
      kept.push(w);
    }
    this.pending = kept;
    this.weights = weights;
    this.version = version;
    this.persisted = headOf(latest);
  }
}
