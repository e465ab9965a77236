import * as tf from '@tensorflow/tfjs';
import type { PartitionTensors } from './partition-tensors.js';

/** Partition tensors kept across rounds within a memory budget; the least recently used go first. */
export class PartitionCache {
  private readonly entries = new Map<string, PartitionTensors & { lastUsed: number; label: string }>();

  constructor(private readonly budgetBytes: number) {}

  /** `label` names the entry in heartbeats (`<datasetId>/<partition>`); `key` is what shapes its tensors. */
  async getOrLoad({ key, label, load }: { key: string; label: string; load: () => Promise<PartitionTensors> }): Promise<PartitionTensors> {
    const hit = this.entries.get(key);
    if (hit) {
      hit.lastUsed = Date.now();
      return hit;
    }
    const loaded = await load();
    this.entries.set(key, { ...loaded, lastUsed: Date.now(), label });
    this.evict(key);
    return loaded;
  }

  private evict(keep: string): void {
    let used = [...this.entries.values()].reduce((n, e) => n + e.bytes, 0);
    const byAge = [...this.entries.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, entry] of byAge) {
      if (used <= this.budgetBytes) break;
      if (key === keep) continue;
      tf.dispose([entry.x, entry.y]);
      this.entries.delete(key);
      used -= entry.bytes;
    }
  }

  /** The partitions held, as `<datasetId>/<partition>`, each once, sorted. */
  labels(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.label))].sort();
  }

  clear(): void {
    for (const e of this.entries.values()) tf.dispose([e.x, e.y]);
    this.entries.clear();
  }
}
