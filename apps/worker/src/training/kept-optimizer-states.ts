import { LRUCache } from 'lru-cache';

/** Enough for the Adam states of the partitions a worker trains in turn, even of a 10M-parameter model. */
const BUDGET_BYTES = 256 * 1024 * 1024;

/**
 * The optimizer states this worker stored, by key: the partition's next task names the state it must go on from,
 * and when that is the one this worker wrote (it kept the partition), it is read here instead of from the store.
 * Keys name the attempt, so a state another attempt wrote is never mistaken for this one's.
 */
export class KeptOptimizerStates {
  private readonly states = new LRUCache<string, Uint8Array>({
    maxSize: BUDGET_BYTES,
    sizeCalculation: (bytes) => Math.max(1, bytes.byteLength),
  });

  keep(key: string, bytes: Uint8Array): void {
    if (bytes.byteLength <= BUDGET_BYTES) this.states.set(key, bytes);
  }

  /** The state stored under `key`, removed: each is read by one task, the partition's next. */
  take(key: string): Uint8Array | undefined {
    const bytes = this.states.get(key);
    this.states.delete(key);
    return bytes;
  }

  clear(): void {
    this.states.clear();
  }
}
