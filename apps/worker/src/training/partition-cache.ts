import * as tf from '@tensorflow/tfjs';
import { LRUCache } from 'lru-cache';
import type { PartitionTensors } from './partition-tensors.js';

type Entry = PartitionTensors & { label: string };

/**
 * Partition tensors kept across rounds within a byte budget; the least recently used go first and their tensors
 * are disposed. The partition just loaded always stays, even alone over the budget (it is about to be trained on).
 */
export class PartitionCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(budgetBytes: number) {
    this.entries = new LRUCache<string, Entry>({
      maxSize: budgetBytes,
      // Clamped: an entry over the budget evicts all the others but is kept itself.
      sizeCalculation: (e) => Math.max(1, Math.min(e.bytes, budgetBytes)),
      dispose: (e) => tf.dispose([e.x, e.y]),
    });
  }

  /** `label` names the entry in heartbeats (`<datasetId>/<p>of<n>`); `key` is what shapes its tensors. */
  async getOrLoad({ key, label, load }: { key: string; label: string; load: () => Promise<PartitionTensors> }): Promise<PartitionTensors> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const loaded = await load();
    // Loaded twice at once: keep the first, so tensors in use are never replaced under a task.
    const raced = this.entries.get(key);
    if (raced) {
      tf.dispose([loaded.x, loaded.y]);
      return raced;
    }
    this.entries.set(key, { ...loaded, label });
    return loaded;
  }

  /** The partitions held, as `<datasetId>/<p>of<n>`, each once, sorted. */
  labels(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.label))].sort();
  }

  clear(): void {
    this.entries.clear();
  }
}
