import type { JobRecord, RoundRecord } from '@tusk/contracts';

/** Round `n` of a synthetic synchronous job: decaying loss, rising accuracy, `workers` workers with jittered speed. */
export function syntheticRound(n: number, workers: number): RoundRecord {
  const loss = 2 * Math.exp(-n / 200) + 0.05 * Math.sin(n);
  return {
    round: n,
    epoch: n,
    samples: workers * 1000,
    seconds: 2,
    samplesPerSecond: workers * 500,
    metrics: { loss, accuracy: 1 - loss / 2.2, val_loss: loss * 1.1, val_accuracy: 1 - (loss * 1.1) / 2.2 },
    workers: Array.from({ length: workers }, (_, p) => {
      const rate = 500 * (1 + 0.3 * Math.sin(n * 7 + p * 13)) * (p === n % workers ? 0.5 : 1);
      return { workerId: `worker-${p + 1}`, partition: p, samples: 1000, seconds: 1000 / rate, samplesPerSecond: rate, backend: 'wasm' };
    }),
  };
}

/** A running synchronous job with `rounds` rounds done of `totalRounds`, each on `workers` workers. */
export function syntheticJob({
  id,
  rounds,
  workers,
  totalRounds,
}: {
  id: string;
  rounds: number;
  workers: number;
  totalRounds: number;
}): JobRecord & { progress: number; etaSeconds: number } {
  const now = new Date().toISOString();
  return {
    id,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    round: rounds,
    totalRounds,
    params: 101_770,
    history: Array.from({ length: rounds }, (_, i) => syntheticRound(i + 1, workers)),
    backends: ['wasm'],
    modelReady: false,
    progress: rounds / totalRounds,
    etaSeconds: 2 * (totalRounds - rounds),
    spec: {
      name: id,
      datasetId: 'ds-synthetic',
      model: {
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'Dense', config: { units: 128, activation: 'relu', batch_input_shape: [null, 784] } },
            { class_name: 'Dense', config: { units: 10, activation: 'softmax' } },
          ],
        },
      },
      compile: { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] },
      training: {
        mode: 'synchronous',
        epochs: totalRounds,
        batchSize: 64,
        partitions: workers,
        localEpochs: 1,
        validationSplit: 0.1,
        seed: 1,
      },
    },
  };
}
