import type { AsyncSpec, PushReply } from '@tusk/contracts';
import { BlobNotFoundError, HeadClosedError, type HeadEntry, type VersionedWeights, type WeightsState } from '@tusk/messaging';
import { bytesToFloat32, hasNonFinite } from '@tusk/model';
import { answeredBefore } from './push-ledger.js';
import type { PushRequest } from './push-request.js';
import { noCounts, type UnsavedCounts } from './push-stats.js';

/** This replica dropped a job's in-memory weights after an error; the push should go to a fresh copy loaded from KV. */
export class WeightsDiscardedError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId}: in-memory weights were dropped after an error`);
    this.name = 'WeightsDiscardedError';
  }
}

/** A push as the parameter server received it; `load` fetches its delta (inline or from a blob) once it is admitted. */
export interface PushInput extends PushRequest {
  load: () => Promise<Float32Array>;
}

/** An admitted push whose delta has been loaded and checked. */
export interface LoadedPush extends PushRequest {
  delta: Float32Array;
}

export interface JobWeightsOptions {
  jobId: string;
  spec: AsyncSpec;
  versions: VersionedWeights;
  /** Pushes admitted and not yet answered (queued, loading, or applied but not persisted) before more get "busy". */
  maxQueue: number;
  /** Told once when this copy drops itself after an unexpected error: the service forgets it and reloads from KV. */
  onDiscard: (err: unknown) => void;
}

export const MAX_CAS_RETRIES = 50;

/**
 * One job's live weights in memory, persisted in KV before a push is acknowledged. Every push has an id
 * (partition, task attempt, step); the ids answered are kept in the head's ledger, written in the same
 * compare-and-set as the version, so a retried push is answered again and never applied twice, even
 * when another replica applied the first copy. The asynchronous and hogwild subclasses apply and persist.
 */
export abstract class JobWeights {
  lastUsed = Date.now();
  protected weights: Float32Array;
  /** Newest version in memory (hogwild: ahead of KV by the pushes not yet persisted). */
  protected version: number;
  /** The head as this replica last wrote or read it: its revision, stats and ledger. */
  protected persisted: HeadEntry;
  protected readonly unsaved: UnsavedCounts = noCounts();
  protected discarded = false;
  protected readonly jobId: string;
  protected readonly spec: AsyncSpec;
  protected readonly versions: VersionedWeights;
  /** Admitted pushes by id until answered: a copy arriving meanwhile waits for the same outcome. */
  private readonly inflight = new Map<string, { stream: string; step: number; outcome: Promise<PushReply> }>();

  constructor(
    private readonly options: JobWeightsOptions,
    state: WeightsState,
  ) {
    this.jobId = options.jobId;
    this.spec = options.spec;
    this.versions = options.versions;
    this.weights = bytesToFloat32(new Uint8Array(state.bytes));
    this.version = state.version;
    this.persisted = headOf(state);
  }

  /** Answers a push: again from the ledger or from the copy in flight, "busy" when the queue is full, else applies it. */
  async push(input: PushInput): Promise<PushReply> {
    this.lastUsed = Date.now();
    if (this.discarded) throw new WeightsDiscardedError(this.jobId);
    if (this.persisted.closed) return this.refuseClosed();
    const idKey = `${input.stream}#${input.step}`;
    const running = this.inflight.get(idKey);
    if (running) return this.copyOf(running.outcome);
    const known =
      answeredBefore({ ledger: this.persisted.ledger, stream: input.stream, step: input.step, version: this.version }) ??
      this.olderThanInFlight(input);
    if (known) return this.duplicate(known);
    if (this.inflight.size >= this.options.maxQueue) {
      this.unsaved.busy += 1;
      return { accepted: false, busy: true, version: this.version, staleness: 0, scale: 0 };
    }
    const outcome = this.admit(input);
    this.inflight.set(idKey, { stream: input.stream, step: input.step, outcome });
    outcome.finally(() => this.inflight.delete(idKey)).catch(() => undefined);
    const reply = await outcome;
    // Found applied elsewhere only after a reload: already counted; persist the count before answering.
    if (reply.duplicate) await this.saveCounts().catch(() => undefined);
    return reply;
  }

  /** Pushes admitted and not answered yet. */
  get queued(): number {
    return this.inflight.size;
  }

  /**
   * A later step of the same stream in flight here proves this step was answered (by another replica,
   * if this one's ledger does not have it yet): a late copy, never applied.
   */
  private olderThanInFlight({ stream, step }: PushRequest): PushReply | null {
    for (const f of this.inflight.values()) {
      if (f.stream === stream && f.step > step) return { accepted: false, version: this.version, staleness: 0, scale: 0, duplicate: true };
    }
    return null;
  }

  private async copyOf(running: Promise<PushReply>): Promise<PushReply> {
    const reply = await running;
    return reply.error ? reply : this.duplicate(reply);
  }

  /** Counts a duplicate and has the count written (by now, or by a write already queued) before answering. */
  private async duplicate(reply: PushReply): Promise<PushReply> {
    this.unsaved.duplicates += 1;
    await this.saveCounts().catch(() => undefined);
    return { ...reply, duplicate: true };
  }

  private async admit(input: PushInput): Promise<PushReply> {
    let delta: Float32Array;
    try {
      delta = await input.load();
    } catch (err) {
      if (!(err instanceof BlobNotFoundError)) throw err;
      return this.answerMissingBlob(input);
    }
    if (delta.length !== this.weights.length) return this.refuse(`delta has ${delta.length} values, the model has ${this.weights.length}`);
    if (hasNonFinite(delta)) return this.refuse('delta holds NaN or Infinity');
    return this.apply({ ...input, delta });
  }

  /** A push's blob is deleted once the push is answered: a late copy finds it gone, and KV's ledger tells what was answered. */
  private async answerMissingBlob(input: PushInput): Promise<PushReply> {
    const head = await this.versions.head(this.jobId);
    const known = answeredBefore({ ledger: head?.ledger, stream: input.stream, step: input.step, version: head?.version ?? this.version });
    if (!known) return this.refuse(`delta blob ${input.deltaKey} is missing`);
    this.unsaved.duplicates += 1;
    return known;
  }

  /** The driver closed the head: the job's weights are final and this push is too late to count. */
  protected refuseClosed(): PushReply {
    return this.refuse(new HeadClosedError(this.jobId).message);
  }

  protected refuse(error: string): PushReply {
    return { accepted: false, version: this.version, staleness: 0, scale: 0, error };
  }

  /** Drops this copy after an unexpected error (its memory may be half-applied or behind an unknown write). */
  protected discard(err: unknown): void {
    if (this.discarded) return;
    this.discarded = true;
    this.options.onDiscard(err);
  }

  /** Applies (or rejects as stale) a new push and resolves once the answer is in KV, ledger included. */
  protected abstract apply(push: LoadedPush): Promise<PushReply>;

  /** Gets the unsaved counters into the head: a counters-only write unless a write still to come carries them. */
  protected abstract saveCounts(): Promise<void>;
}

/** The head part of a read. */
export const headOf = ({ version, key, revision, stats, ledger, closed }: WeightsState | HeadEntry): HeadEntry => ({
  version,
  key,
  revision,
  stats,
  ledger,
  closed,
});
