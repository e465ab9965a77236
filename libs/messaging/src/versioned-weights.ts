import { randomBytes } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import { weightsHeadKey, weightsKey, type AppliedPushes, type PushStats, type WeightsHead } from '@tusk/contracts';
import { BlobNotFoundError, type BlobStore } from './blob-store.js';

/** Another writer moved the head first; reload and try again. */
export class HeadConflictError extends Error {
  constructor(jobId: string) {
    super(`weights head of job ${jobId} moved concurrently`);
    this.name = 'HeadConflictError';
  }
}

export interface HeadEntry extends WeightsHead {
  revision: number;
  stats?: PushStats;
}

/** The newest version's bytes with its head. */
export interface WeightsState extends HeadEntry {
  bytes: Uint8Array;
}

type Ledger = Record<string, AppliedPushes>;

/** The head as stored: the ledger travels in the same value as the version, so one compare-and-set moves both. */
const headValue = ({
  version,
  key,
  stats,
  ledger,
  closed,
}: {
  version: number;
  key: string;
  stats?: PushStats;
  ledger?: Ledger;
  closed?: boolean;
}): string => JSON.stringify({ version, key, stats, ledger, ...(closed ? { closed } : {}) });

/** Someone tried to move a head the driver has closed: the job's weights are final. */
export class HeadClosedError extends Error {
  readonly transient = false;

  constructor(jobId: string) {
    super(`job ${jobId} has finished training: its weights are final and take no more pushes`);
    this.name = 'HeadClosedError';
  }
}

/** nats.js reports a lost compare-and-set as "wrong last sequence". */
const isCasConflict = (err: unknown): boolean => /wrong last sequence/i.test(String(err));

const READ_RETRIES = 5;

/**
 * The live weights of an asynchronous job: immutable versions `w.<job>.<v>` plus a head `h.<job>`
 * that names the newest. A new version is written first and the head moved after with
 * compare-and-set, so a reader never sees half a version and two writers cannot both win.
 */
export class VersionedWeights {
  constructor(
    private readonly kv: KV,
    private readonly blobs: BlobStore,
  ) {}

  async head(jobId: string): Promise<HeadEntry | null> {
    const entry = await this.kv.get(weightsHeadKey(jobId));
    if (!entry || entry.operation !== 'PUT') return null;
    const head = entry.json<WeightsHead & { stats?: PushStats }>();
    return { ...head, revision: entry.revision };
  }

  /** The newest version with its head (stats, ledger); retried when a version is pruned between reading the head and the blob. */
  async read(jobId: string): Promise<WeightsState> {
    for (let attempt = 0; ; attempt++) {
      const head = await this.head(jobId);
      if (!head) throw new Error(`job ${jobId} has no weights head`);
      try {
        return { ...head, bytes: await this.blobs.get(head.key) };
      } catch (err) {
        if (!(err instanceof BlobNotFoundError) || attempt >= READ_RETRIES) throw err;
      }
    }
  }

  async init(jobId: string, bytes: Uint8Array): Promise<void> {
    const key = weightsKey(jobId, 0);
    await this.blobs.put(key, bytes);
    await this.kv.put(weightsHeadKey(jobId), headValue({ version: 0, key }));
  }

  /**
   * Writes `version` and moves the head to it, with the push ledger that led there. With
   * `expectedRevision` the move is a compare-and-set; without it, a plain put.
   */
  async commit({
    jobId,
    version,
    bytes,
    expectedRevision,
    stats,
    ledger,
  }: {
    jobId: string;
    version: number;
    bytes: Uint8Array;
    expectedRevision?: number;
    stats?: PushStats;
    ledger?: Ledger;
  }): Promise<{ revision: number; key: string }> {
    const key = `${weightsKey(jobId, version)}-${randomBytes(4).toString('hex')}`;
    await this.blobs.put(key, bytes);
    const head = headValue({ version, key, stats, ledger });
    if (expectedRevision === undefined) return { revision: await this.kv.put(weightsHeadKey(jobId), head), key };
    try {
      return { revision: await this.kv.update(weightsHeadKey(jobId), head, expectedRevision), key };
    } catch (err) {
      if (!isCasConflict(err)) throw err;
      await this.blobs.delete(key).catch(() => undefined);
      throw new HeadConflictError(jobId);
    }
  }

  /** Rewrites the head's counters and ledger without a new version (a refused stale push), with compare-and-set. */
  async touch({
    jobId,
    version,
    key,
    stats,
    ledger,
    expectedRevision,
  }: {
    jobId: string;
    version: number;
    key: string;
    stats: PushStats;
    ledger?: Ledger;
    expectedRevision: number;
  }): Promise<number> {
    try {
      return await this.kv.update(weightsHeadKey(jobId), headValue({ version, key, stats, ledger }), expectedRevision);
    } catch (err) {
      if (!isCasConflict(err)) throw err;
      throw new HeadConflictError(jobId);
    }
  }

  /**
   * Marks the head final, with compare-and-set: a parameter server's next write then loses the race, reloads
   * and sees the mark, so no push lands after the version this returns. Closing twice returns the same state.
   */
  async close(jobId: string): Promise<WeightsState> {
    for (;;) {
      const entry = await this.kv.get(weightsHeadKey(jobId));
      if (!entry || entry.operation !== 'PUT') throw new Error(`job ${jobId} has no weights head`);
      const head = entry.json<WeightsHead & { stats?: PushStats }>();
      if (head.closed) return { ...head, revision: entry.revision, bytes: await this.blobs.get(head.key) };
      try {
        const revision = await this.kv.update(weightsHeadKey(jobId), headValue({ ...head, closed: true }), entry.revision);
        return { ...head, closed: true, revision, bytes: await this.blobs.get(head.key) };
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
  }

  /** Deletes a superseded version (readers that raced with it retry from the head). */
  async prune(key: string): Promise<void> {
    await this.blobs.delete(key);
  }
}
