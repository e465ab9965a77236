import { Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import * as tf from '@tensorflow/tfjs';
import { modelJsonKey, modelWeightsKey } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { LRUCache } from 'lru-cache';
import { DriverEnv } from '../driver-env.js';

/** Answers small prediction batches inline from the job's saved model (the TUSK_PREDICT_CACHE_MODELS most recent kept loaded). */
@Injectable()
export class Predictor {
  private readonly models: LRUCache<string, Promise<tf.LayersModel>>;

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(DriverEnv) env: DriverEnv,
  ) {
    this.models = new LRUCache({
      max: env.TUSK_PREDICT_CACHE_MODELS,
      // An evicted model's weights are freed; a load that failed has nothing to free.
      dispose: (model) =>
        void model.then(
          (m) => m.dispose(),
          () => undefined,
        ),
    });
  }

  async predict(jobId: string, instances: unknown[]): Promise<number[][]> {
    const model = await this.model(jobId);
    const inputShape = model.inputs[0].shape.slice(1) as number[];
    const size = inputShape.reduce((a, b) => a * b, 1);
    const flat = new Float32Array(instances.length * size);
    instances.forEach((instance, i) => {
      const values = Array.isArray(instance) ? (instance as unknown[]).flat(Infinity) : [instance];
      if (values.length !== size || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new UnprocessableEntityException({
          statusCode: 422,
          field: `instances[${i}]`,
          message: `instances[${i}]: expected ${size} finite numbers (input shape [${inputShape}])`,
        });
      }
      flat.set(values as number[], i * size);
    });
    const output = tf.tidy(() => model.predict(tf.tensor(flat, [instances.length, ...inputShape])) as tf.Tensor);
    const rows = (await output.array()) as number[][];
    output.dispose();
    return rows;
  }

  private model(jobId: string): Promise<tf.LayersModel> {
    let cached = this.models.get(jobId);
    if (!cached) {
      cached = this.load(jobId);
      this.models.set(jobId, cached);
      const loading = cached;
      loading.catch(() => this.models.peek(jobId) === loading && this.models.delete(jobId));
    }
    return cached;
  }

  /** Jobs whose model is loaded, most recently used first. */
  cachedJobs(): string[] {
    return [...this.models.keys()];
  }

  private async load(jobId: string): Promise<tf.LayersModel> {
    const [json, weights] = await Promise.all([
      this.infra.store.getJson<{ modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] }>(
        modelJsonKey(jobId),
      ),
      this.infra.store.getBytes(modelWeightsKey(jobId)),
    ]).catch(() => {
      throw new NotFoundException(`job ${jobId} has no model yet`);
    });
    return tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: new Uint8Array(weights).buffer,
      }),
    );
  }
}
