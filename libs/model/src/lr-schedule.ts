import type { CompileSpec, LearningRatePlan, TrainingSpec } from '@tusk/contracts';
import { baseLearningRate } from './learning-rate.js';

const SCALE: Record<NonNullable<TrainingSpec['lrScaling']>, (partitions: number) => number> = {
  none: () => 1,
  linear: (p) => p,
  sqrt: (p) => Math.sqrt(p),
};

/** What the job's learning rate follows from: the compile optimizer's rate, scaled by the partition count, and the schedule. */
export function learningRatePlan({
  training,
  compile,
}: {
  training: Pick<TrainingSpec, 'partitions' | 'epochs' | 'lrScaling' | 'warmupEpochs' | 'lrSchedule'>;
  compile: Pick<CompileSpec, 'optimizer'>;
}): LearningRatePlan {
  const base = baseLearningRate(compile.optimizer);
  return {
    base,
    peak: base * SCALE[training.lrScaling ?? 'none'](training.partitions),
    warmupEpochs: training.warmupEpochs ?? 0,
    epochs: training.epochs,
    ...(training.lrSchedule ? { schedule: training.lrSchedule } : {}),
  };
}

/**
 * The learning rate `epoch` epochs into the job (fractional within an epoch): a linear ramp from the base to the
 * peak rate over the warmup (Goyal et al. 2017), then the schedule over the epochs since the warmup ended.
 * Synchronous rounds use the rate at their first epoch; asynchronous workers the rate at each step's start.
 */
export function learningRateAt(plan: LearningRatePlan, epoch: number): number {
  const { base, peak, warmupEpochs, epochs, schedule } = plan;
  if (epoch < warmupEpochs) return base + (peak - base) * (epoch / warmupEpochs);
  const since = epoch - warmupEpochs;
  if (!schedule) return peak;
  switch (schedule.type) {
    case 'step':
      return peak * schedule.gamma ** Math.floor(since / schedule.stepEpochs);
    case 'exponential':
      return peak * schedule.gamma ** since;
    case 'cosine': {
      const span = epochs - warmupEpochs;
      const done = span > 0 ? Math.min(1, since / span) : 1;
      return schedule.minLr + ((peak - schedule.minLr) * (1 + Math.cos(Math.PI * done))) / 2;
    }
  }
}

/**
 * The lowest and highest rate over the whole job [0, epochs]: the warmup only rises and every schedule only falls
 * (gamma ≤ 1, minLr below the peak), so they are among the rates at the start, at the end of the warmup and at the end.
 */
export function learningRateRange(plan: LearningRatePlan): [number, number] {
  const rates = [0, Math.min(plan.warmupEpochs, plan.epochs), plan.epochs].map((epoch) => learningRateAt(plan, epoch));
  return [Math.min(...rates), Math.max(...rates)];
}
