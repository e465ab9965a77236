import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import type { Infra } from '@tusk/infra';
import type { DriverEnv } from '../driver-env.js';
import { Predictor } from './predictor.js';

/** A saved dense model as the trainer writes it: model.json (topology + weights manifest) and the weight bytes. */
async function savedModel(): Promise<{ json: object; weights: Uint8Array }> {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  let saved!: tf.io.ModelArtifacts;
  await model.save(
    tf.io.withSaveHandler(
      async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }),
    ),
  );
  model.dispose();
  return {
    json: { modelTopology: saved.modelTopology, weightsManifest: [{ weights: saved.weightSpecs }] },
    weights: new Uint8Array(saved.weightData as ArrayBuffer),
  };
}

describe('Predictor model cache (lru-cache by count)', () => {
  it('keeps at most TUSK_PREDICT_CACHE_MODELS models loaded and disposes the least recently used', async () => {
    const { json, weights } = await savedModel();
    const loads: string[] = [];
    const store = {
      getJson: async (key: string) => (loads.push(key), json),
      getBytes: async () => weights,
    };
    const predictor = new Predictor({ store } as unknown as Infra, { TUSK_PREDICT_CACHE_MODELS: 2 } as DriverEnv);
    const before = tf.memory().numTensors;
    const predict = (job: string) => predictor.predict(job, [[1, 2, 3]]);
    expect(await predict('a')).toHaveLength(1);
    const perModel = tf.memory().numTensors - before;
    expect(perModel).toBeGreaterThan(0);
    await predict('b');
    await predict('a'); // a becomes the most recent
    await predict('c'); // evicts b
    await new Promise((r) => setImmediate(r));
    expect(predictor.cachedJobs()).toEqual(['c', 'a']);
    expect(tf.memory().numTensors - before).toBe(2 * perModel);
    expect(loads.filter((k) => k.includes('/a/')).length).toBe(1);
    await predict('b'); // loaded again
    expect(loads.filter((k) => k.includes('/b/')).length).toBe(2);
  });

  it('forgets a failed load so the next request tries again', async () => {
    let fail = true;
    const { json, weights } = await savedModel();
    const store = {
      getJson: async () => {
        if (fail) throw new Error('no such key');
        return json;
      },
      getBytes: async () => weights,
    };
    const predictor = new Predictor({ store } as unknown as Infra, { TUSK_PREDICT_CACHE_MODELS: 2 } as DriverEnv);
    await expect(predictor.predict('x', [[1, 2, 3]])).rejects.toThrow('has no model yet');
    await new Promise((r) => setImmediate(r));
    expect(predictor.cachedJobs()).toEqual([]);
    fail = false;
    expect(await predictor.predict('x', [[1, 2, 3]])).toHaveLength(1);
  });
});
