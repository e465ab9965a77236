import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@tusk/model';
import type { ModelFiles } from '@tusk/client';
import type { DecodedSplit } from './fashion-mnist.js';

/** Sets this process up as the workers are (wasm with Tusk's training kernels), so local baselines are fair. */
export async function useWasmBackend(): Promise<string> {
  return selectBackend('wasm');
}

/** Opens downloaded `model.json` + `weights.bin` bytes. */
export async function modelFromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  const json = files.modelJson as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: files.weightsBin }));
}

export interface Evaluation {
  samples: number;
  accuracy: number;
  loss: number;
  /** Accuracy per class id. */
  perClass: number[];
  seconds: number;
}

/** Accuracy and mean cross-entropy of a classifier over a decoded split, in batches. */
export function evaluateClassifier(model: tf.LayersModel, split: DecodedSplit, batchSize = 1000): Evaluation {
  const started = performance.now();
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const classes = (model.outputs[0].shape[model.outputs[0].shape.length - 1] ?? 1) as number;
  let correct = 0;
  let lossSum = 0;
  const hits = new Array<number>(classes).fill(0);
  const counts = new Array<number>(classes).fill(0);
  for (let start = 0; start < split.rows; start += batchSize) {
    const n = Math.min(batchSize, split.rows - start);
    const probs = tf.tidy(() => {
      const x = tf.tensor(split.images.subarray(start * split.rowSize, (start + n) * split.rowSize), [n, ...inputShape]);
      return model.predict(x) as tf.Tensor;
    });
    const p = probs.dataSync();
    probs.dispose();
    for (let i = 0; i < n; i++) {
      const label = split.labels[start + i];
      let best = 0;
      for (let c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
      counts[label]++;
      if (best === label) {
        correct++;
        hits[label]++;
      }
      lossSum -= Math.log(Math.max(p[i * classes + label], 1e-7));
    }
  }
  return {
    samples: split.rows,
    accuracy: correct / split.rows,
    loss: lossSum / split.rows,
    perClass: counts.map((c, i) => (c > 0 ? hits[i] / c : 0)),
    seconds: (performance.now() - started) / 1000,
  };
}
