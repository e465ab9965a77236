import * as tf from '@tensorflow/tfjs';
import { buildModel } from '@tusk/model';
import type { TrainingSpec } from '@tusk/contracts';
import { evaluateClassifier, type Evaluation } from '../../scripts/demo/evaluate.js';
import type { DecodedSplit } from '../../scripts/demo/fashion-mnist.js';
import { MLP_COMPILE, NUM_CLASSES } from '../../scripts/demo/mlp.js';
import { formatSeconds } from '../../scripts/demo/progress.js';

export interface RunFigures {
  accuracy: number;
  loss: number;
  seconds: number;
  samplesPerSecond: number;
}

/**
 * model.fit on the whole training set in this process (as bench:sync-parity does), starting from the same
 * seeded initial weights as the driver (@tusk/model's buildModel); timing covers fit only.
 */
export async function trainLocally({ topology, training, train, test, log = console.log }: {
  topology: Record<string, unknown>;
  training: TrainingSpec;
  train: DecodedSplit;
  test: DecodedSplit;
  log?: (line: string) => void;
}): Promise<RunFigures & { evaluation: Evaluation }> {
  const model = await buildModel({ topology, compile: MLP_COMPILE, seed: training.seed });
  const x = tf.tensor2d(train.images, [train.rows, train.rowSize]);
  const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), NUM_CLASSES).toFloat();
  try {
    const started = performance.now();
    await model.fit(x, y, {
      epochs: training.epochs,
      batchSize: training.batchSize,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochEnd: (epoch, logs) => {
          const s = (performance.now() - started) / 1000;
          log(`  epoch ${epoch + 1}/${training.epochs}: loss ${logs?.loss?.toFixed(4)}  acc ${(logs?.acc ?? logs?.accuracy)?.toFixed(4)}  (${formatSeconds(s)} elapsed)`);
        },
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const evaluation = evaluateClassifier(model, test);
    return { accuracy: evaluation.accuracy, loss: evaluation.loss, seconds, samplesPerSecond: (train.rows * training.epochs) / seconds, evaluation };
  } finally {
    tf.dispose([x, y]);
    model.optimizer?.dispose();
    model.dispose();
  }
}
