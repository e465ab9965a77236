import type * as tf from '@tensorflow/tfjs';
import type { JobRecord } from '@tusk/contracts';
import { buildModel, disposeOptimizer } from '@tusk/model';

interface CachedModel {
  model: tf.LayersModel;
  lastUsed: number;
}

/** Compiled models kept across rounds of a job, so a round costs a weight load, not a rebuild (each task resets the optimizer). */
export class JobModels {
  private readonly models = new Map<string, CachedModel>();

  constructor(private readonly capacity = 2) {}

  async get(job: JobRecord): Promise<tf.LayersModel> {
    const hit = this.models.get(job.id);
    if (hit) {
      hit.lastUsed = Date.now();
      return hit.model;
    }
    const { model: topology, compile, training } = job.spec;
    const model = await buildModel({ topology, compile, seed: training.seed });
    this.models.set(job.id, { model, lastUsed: Date.now() });
    this.evict();
    return model;
  }

  private evict(): void {
    while (this.models.size > this.capacity) {
      const [oldest] = [...this.models.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      this.drop(oldest);
    }
  }

  drop(jobId: string): void {
    const cached = this.models.get(jobId);
    if (!cached) return;
    if (cached.model.optimizer) disposeOptimizer(cached.model.optimizer);
    cached.model.dispose();
    this.models.delete(jobId);
  }

  clear(): void {
    for (const id of [...this.models.keys()]) this.drop(id);
  }
}
