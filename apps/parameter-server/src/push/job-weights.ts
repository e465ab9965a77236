import type { AsyncSpec, PushReply, PushStats, TrainingMode } from '@tusk/contracts';
import { HeadConflictError, type VersionedWeights } from '@tusk/messaging';
import { bytesToFloat32, float32ToBytes, hasNonFinite } from '@tusk/model';
import { decideStaleness } from './staleness.js';

const MAX_CAS_RETRIES = 50;

/**
 * One job's live weights in memory, persisted in KV before a push is acknowledged.
 * Asynchronous: pushes are applied one at a time and the head moves with compare-and-set, so
 * replicas never overwrite each other. Hogwild: pushes are added in place as they come, without
 * a lock, and persisted by group commit (one write covers every push applied before it).
 * Both move the KV head with compare-and-set, so several replicas can serve one job.
 */
export class JobWeights {
  private weights: Float32Array;
  private version: number;
  private revision: number;
  private key: string;
  private readonly stats: PushStats;
  private queue: Promise<unknown> = Promise.resolve();
  private flushing: Promise<void> | null = null;
  lastUsed = Date.now();

  private constructor(
    private readonly jobId: string,
    private readonly mode: TrainingMode,
    private readonly spec: AsyncSpec,
    private readonly versions: VersionedWeights,
    state: { bytes: Uint8Array; version: number; revision: number; key: string; stats?: PushStats },
  ) {
    this.weights = bytesToFloat32(new Uint8Array(state.bytes));
    this.pending = new Float32Array(this.weights.length);
    this.version = state.version;
    this.revision = state.revision;
    this.key = state.key;
    this.stats = state.stats ?? { pushes: 0, stale: 0, rejected: 0, scaled: 0, version: state.version };
  }

  static async load({ jobId, mode, spec, versions }: { jobId: string; mode: TrainingMode; spec: AsyncSpec; versions: VersionedWeights }): Promise<JobWeights> {
    return new JobWeights(jobId, mode, spec, versions, await versions.read(jobId));
  }

  push(delta: Float32Array, baseVersion: number): Promise<PushReply> {
    this.lastUsed = Date.now();
    if (delta.length !== this.weights.length) return Promise.resolve(this.refuse(`delta has ${delta.length} values, the model has ${this.weights.length}`));
    if (hasNonFinite(delta)) return Promise.resolve(this.refuse('delta holds NaN or Infinity'));
    if (this.mode === 'hogwild') return this.pushHogwild(delta, baseVersion);
    const next = this.queue.then(() => this.pushAsynchronous(delta, baseVersion));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private refuse(error: string): PushReply {
    return { accepted: false, version: this.version, staleness: 0, scale: 0, error };
  }

  private async pushAsynchronous(delta: Float32Array, baseVersion: number): Promise<PushReply> {
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const staleness = Math.max(0, this.version - baseVersion);
      const decision = decideStaleness(staleness, this.spec);
      if (!decision.accept) {
        const stats = { ...this.stats, stale: this.stats.stale + 1, rejected: this.stats.rejected + 1 };
        try {
          this.revision = await this.versions.touch({ jobId: this.jobId, version: this.version, key: this.key, stats, expectedRevision: this.revision });
          Object.assign(this.stats, stats);
          return { accepted: false, version: this.version, staleness, scale: 0 };
        } catch (err) {
          if (!(err instanceof HeadConflictError)) throw err;
          await this.reload();
          continue;
        }
      }
      // Written into a spare buffer: the live weights stay intact if the compare-and-set loses.
      const next = this.spare.length === this.weights.length ? this.spare : new Float32Array(this.weights.length);
      const w = this.weights;
      for (let i = 0; i < w.length; i++) next[i] = w[i] + decision.scale * delta[i];
      const stats = this.counted(decision, this.version + 1);
      try {
        const { revision, key } = await this.versions.commit({ jobId: this.jobId, version: this.version + 1, bytes: float32ToBytes(next), expectedRevision: this.revision, stats });
        const superseded = this.key;
        Object.assign(this, { spare: this.weights, weights: next, version: this.version + 1, revision, key });
        Object.assign(this.stats, stats);
        void this.versions.prune(superseded).catch(() => undefined);
        return { accepted: true, version: this.version, staleness, scale: decision.scale };
      } catch (err) {
        if (!(err instanceof HeadConflictError)) throw err;
        await this.reload(); // another replica moved the head: start again from its version
      }
    }
    throw new Error(`job ${this.jobId}: gave up after ${MAX_CAS_RETRIES} concurrent updates`);
  }

  private async pushHogwild(delta: Float32Array, baseVersion: number): Promise<PushReply> {
    const staleness = Math.max(0, this.version - baseVersion);
    const decision = decideStaleness(staleness, this.spec);
    this.count(decision);
    if (!decision.accept) return { accepted: false, version: this.version, staleness, scale: 0 };
    // Lock-free: added in place as it arrives; `pending` remembers what KV does not have yet.
    const { weights: w, pending } = this;
    for (let i = 0; i < w.length; i++) {
      const step = decision.scale * delta[i];
      w[i] += step;
      pending[i] += step;
    }
    this.version += 1;
    this.stats.pushes += 1;
    const seq = ++this.pushSeq;
    const version = await this.persisted(seq);
    return { accepted: true, version, staleness, scale: decision.scale };
  }

  private pending: Float32Array;
  /** Reused between asynchronous pushes, so a push allocates no new weight buffer. */
  private spare: Float32Array = new Float32Array(0);
  private pushSeq = 0;
  private flushedSeq = 0;
  private pendingPushes = 0;

  /** Resolves once a write that includes push `seq` is in KV; concurrent pushes share one write. */
  private async persisted(seq: number): Promise<number> {
    this.pendingPushes += 1;
    while (this.flushedSeq < seq) {
      if (!this.flushing) this.flushing = this.flush().finally(() => { this.flushing = null; });
      await this.flushing;
    }
    return this.version - this.pendingPushes;
  }

  /**
   * Group commit with compare-and-set: if another replica moved the head, its weights are
   * reloaded and this replica's pending pushes re-added, so no acknowledged push is lost.
   */
  private async flush(): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const seq = this.pushSeq;
      const count = this.pendingPushes;
      const applied = this.pending.slice();
      const version = this.version;
      this.stats.version = version;
      try {
        const { revision, key } = await this.versions.commit({ jobId: this.jobId, version, bytes: float32ToBytes(this.weights.slice()), expectedRevision: this.revision, stats: { ...this.stats } });
        for (let i = 0; i < applied.length; i++) this.pending[i] -= applied[i];
        this.pendingPushes -= count;
        const superseded = this.key;
        Object.assign(this, { revision, key, flushedSeq: seq });
        void this.versions.prune(superseded).catch(() => undefined);
        return;
      } catch (err) {
        if (!(err instanceof HeadConflictError)) throw err;
        const latest = await this.versions.read(this.jobId);
        const merged = bytesToFloat32(new Uint8Array(latest.bytes));
        for (let i = 0; i < merged.length; i++) merged[i] += this.pending[i];
        Object.assign(this, { weights: merged, version: latest.version + this.pendingPushes, revision: latest.revision, key: latest.key });
      }
    }
    throw new Error(`job ${this.jobId}: gave up after ${MAX_CAS_RETRIES} concurrent updates`);
  }

  private counted(decision: { stale: boolean; scale: number }, version: number): PushStats {
    return {
      pushes: this.stats.pushes + 1,
      stale: this.stats.stale + (decision.stale ? 1 : 0),
      rejected: this.stats.rejected,
      scaled: this.stats.scaled + (decision.stale && decision.scale > 0 ? 1 : 0),
      version,
    };
  }

  private count(decision: { stale: boolean; accept: boolean; scale: number }): void {
    if (!decision.stale) return;
    this.stats.stale += 1;
    if (!decision.accept) this.stats.rejected += 1;
    else this.stats.scaled += 1;
  }

  private async reload(): Promise<void> {
    const state = await this.versions.read(this.jobId);
    this.weights = bytesToFloat32(new Uint8Array(state.bytes));
    Object.assign(this, { version: state.version, revision: state.revision, key: state.key });
    if (state.stats) Object.assign(this.stats, state.stats);
  }
}
