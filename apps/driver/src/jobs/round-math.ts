import {
  carriesOptimizerState,
  optimizerStateKey,
  type DatasetManifest,
  type JobRecord,
  type ResultMessage,
  type RoundRecord,
  type TaskMessage,
  type TrainingSpec,
  type WorkerRoundStat,
} from '@tusk/contracts';

type RoundTraining = Pick<TrainingSpec, 'mode' | 'epochs' | 'localEpochs' | 'roundsPerEpoch'>;

/** Rounds a job runs: one per `localEpochs` epochs, `roundsPerEpoch` per epoch (local SGD), or one (asynchronous). */
export function totalRounds(training: RoundTraining): number {
  if (training.mode !== 'synchronous') return 1;
  return Math.ceil(training.epochs / training.localEpochs) * (training.roundsPerEpoch ?? 1);
}

/**
 * What synchronous round `round` trains. `seedRound`: the round of the job without local SGD that trained the same
 * epochs, whose task seeds (so shuffle orders and dropout masks) it reuses; `slice`: with `roundsPerEpoch` R > 1, slice
 * round mod R of epoch ⌊round / R⌋. `epochs`: epochs its tasks run; `startEpoch` and `endEpoch`: the job's epochs
 * completed before and after it, fractional with local SGD.
 */
export function roundPlan(
  training: RoundTraining,
  round: number,
): { seedRound: number; slice?: TaskMessage['slice']; epochs: number; startEpoch: number; endEpoch: number } {
  // Asynchronous and hogwild jobs are one round in which every worker trains all its epochs.
  if (training.mode !== 'synchronous') return { seedRound: round, epochs: training.epochs, startEpoch: 0, endEpoch: training.epochs };
  const perEpoch = training.roundsPerEpoch ?? 1;
  if (perEpoch > 1) {
    const slice = { index: round % perEpoch, count: perEpoch };
    return { seedRound: Math.floor(round / perEpoch), slice, epochs: 1, startEpoch: round / perEpoch, endEpoch: (round + 1) / perEpoch };
  }
  const startEpoch = round * training.localEpochs;
  const epochs = Math.min(training.localEpochs, training.epochs - startEpoch);
  return { seedRound: round, epochs, startEpoch, endEpoch: startEpoch + epochs };
}

/**
 * Where partition `p` starts its optimizer from: the state its accepted attempt left in the previous round
 * (`optimizerState: "partition"`, or the epoch's earlier slices with `roundsPerEpoch`). None at the round a resume
 * went on from: the states of the run that stopped were swept with it.
 */
export function previousOptimizerState(job: JobRecord, partition: number): string | undefined {
  if (!carriesOptimizerState(job.spec.training, job.round) || job.resumes?.at(-1)?.round === job.round) return undefined;
  const previous = job.history[job.round - 1]?.workers.find((w) => w.partition === partition);
  return previous?.attempt ? optimizerStateKey({ jobId: job.id, round: job.round - 1, partition, attempt: previous.attempt }) : undefined;
}

/** Metrics averaged over partitions, weighted by how many samples each saw. */
export function weightedMetrics(results: Pick<ResultMessage, 'samples' | 'metrics'>[]): Record<string, number> {
  const total = results.reduce((n, r) => n + r.samples, 0);
  const sums: Record<string, number> = {};
  for (const r of results) {
    for (const [name, value] of Object.entries(r.metrics)) sums[name] = (sums[name] ?? 0) + value * (total > 0 ? r.samples / total : 0);
  }
  return sums;
}

/** The history entry of one averaged round. */
export function roundRecord({
  round,
  epoch,
  epochsTrained,
  results,
  seconds,
}: {
  round: number;
  epoch: number;
  epochsTrained: number;
  results: ResultMessage[];
  seconds: number;
}): RoundRecord {
  const samples = results.reduce((n, r) => n + r.samples, 0);
  const workers: WorkerRoundStat[] = results.map((r) => ({
    workerId: r.workerId,
    partition: r.partition,
    samples: r.samples,
    seconds: r.seconds,
    samplesPerSecond: r.seconds > 0 ? Math.round((r.samples * epochsTrained) / r.seconds) : 0,
    backend: r.backend,
    attempt: r.attempt,
    ...(r.metrics.pushes !== undefined ? { pushes: r.metrics.pushes } : {}),
  }));
  return {
    round,
    epoch,
    metrics: weightedMetrics(results),
    samples,
    seconds,
    samplesPerSecond: seconds > 0 ? Math.round((samples * epochsTrained) / seconds) : 0,
    workers,
  };
}

/** Pushes an asynchronous job makes when no step is refused: steps per epoch × epochs, over every partition. */
export function expectedPushes(training: TrainingSpec, manifest: Pick<DatasetManifest, 'partitions'>): number {
  const { async: spec, partitions, epochs, batchSize } = training;
  let total = 0;
  for (let p = 0; p < partitions; p++) {
    const rows = manifest.partitions.filter((part) => part.index % partitions === p).reduce((n, part) => n + part.rows, 0);
    const steps = spec?.frequency === 'batch' ? Math.ceil(rows / (Math.max(1, spec.pushEvery) * batchSize)) : 1;
    total += steps * epochs;
  }
  return Math.max(1, total);
}
