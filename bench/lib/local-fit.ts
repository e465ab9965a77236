import * as tf from '@tensorflow/tfjs';
import { buildModel, trainEpochs } from '@tusk/model';
import type { TrainingSpec } from '@tusk/contracts';
import { evaluateClassifier, type Evaluation } from '../../scripts/demo/evaluate.js';
import type { DecodedSplit } from '../../scripts/demo/fashion-mnist.js';
import { MLP_COMPILE, NUM_CLASSES } from '../../scripts/demo/mlp.js';

export interface RunFigures {
  accuracy: number;
  loss: number;
  seconds: number;
  samplesPerSecond: number;
}

/** The test set's score after one epoch, and the training seconds spent up to its end (scoring excluded). */
export interface EpochScore {
  epoch: number;
  accuracy: number;
  loss: number;
  seconds: number;
}

/**
 * Local training on the whole training set in this process (as bench:sync-parity does), starting from the same
 * seeded initial weights as the driver (@tusk/model's buildModel); timing covers training only.
 * It runs model.fit's own training step (trainEpochs calls the model's train function, as fit does, and is
 * tested bit-identical to model.fit) over shuffles drawn from training.seed instead of Math.random: model.fit's
 * unseeded shuffles move its test accuracy by about half a point from run to run, which would drown the gap
 * this baseline is there to measure, and keep the figures from reproducing on another machine.
 */
export async function trainLocally({
  topology,
  training,
  train,
  test,
  scoreEachEpoch = false,
  readSeconds,
  log = console.log,
}: {
  topology: Record<string, unknown>;
  training: TrainingSpec;
  train: DecodedSplit;
  test: DecodedSplit;
  /** Score the test set after every epoch too (its time is left out of `seconds`). */
  scoreEachEpoch?: boolean;
  /**
   * Time to accuracy as MLPerf Training clocks it, from the first touch of the training data: the seconds the caller
   * spent reading `train`, counted in with building its tensors. Left out, the seconds cover training only.
   */
  readSeconds?: number;
  log?: (line: string) => void;
}): Promise<RunFigures & { evaluation: Evaluation; epochs: EpochScore[] }> {
  const model = await buildModel({ topology, compile: MLP_COMPILE, seed: training.seed });
  const touched = performance.now() - (readSeconds ?? 0) * 1000;
  const x = tf.tensor2d(train.images, [train.rows, train.rowSize]);
  const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), NUM_CLASSES).toFloat();
  try {
    const epochs: EpochScore[] = [];
    let scoringMs = 0;
    const started = readSeconds === undefined ? performance.now() : touched;
    const { epochMetrics } = await trainEpochs({
      model,
      x,
      y,
      epochs: training.epochs,
      batchSize: training.batchSize,
      seed: training.seed,
      onEpochEnd: (epoch) => {
        if (!scoreEachEpoch) return;
        const scoring = performance.now();
        const { accuracy, loss } = evaluateClassifier(model, test);
        epochs.push({ epoch: epoch + 1, accuracy, loss, seconds: (scoring - started - scoringMs) / 1000 });
        scoringMs += performance.now() - scoring;
      },
    });
    epochMetrics.forEach((logs, epoch) =>
      log(`  epoch ${epoch + 1}/${training.epochs}: loss ${logs.loss?.toFixed(4)}  acc ${(logs.acc ?? logs.accuracy)?.toFixed(4)}`),
    );
    const seconds = (performance.now() - started - scoringMs) / 1000;
    const evaluation = evaluateClassifier(model, test);
    return {
      accuracy: evaluation.accuracy,
      loss: evaluation.loss,
      seconds,
      samplesPerSecond: (train.rows * training.epochs) / seconds,
      evaluation,
      epochs,
    };
  } finally {
    tf.dispose([x, y]);
    model.optimizer?.dispose();
    model.dispose();
  }
}
