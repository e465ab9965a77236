import type { CompileSpec, EarlyStoppingSpec, LrSchedule, TrainingMode, TrainingSpec } from '@tusk/contracts';
import { learningRatePlan, ModelSpecError } from '@tusk/model';
import type { EarlyStoppingDto, LrScheduleDto } from './dto/lr-control.dto.js';
import type { TrainingDto } from './dto/create-job.dto.js';
import { defaultEarlyStoppingMode } from './early-stopping.js';

type LrFields = Pick<TrainingSpec, 'lrScaling' | 'warmupEpochs' | 'lrSchedule'>;

const SCHEDULE_PARAMS: Record<LrSchedule['type'], readonly (keyof LrScheduleDto)[]> = {
  step: ['stepEpochs', 'gamma'],
  exponential: ['gamma'],
  cosine: ['minLr'],
};

/** The schedule with its defaults, or a ModelSpecError naming the parameter that is missing, misplaced or out of range. */
function scheduleOf(dto: LrScheduleDto, { epochs, warmupEpochs }: { epochs: number; warmupEpochs: number }): LrSchedule {
  const allowed = SCHEDULE_PARAMS[dto.type];
  const misplaced = (['stepEpochs', 'gamma', 'minLr'] as const).find((k) => dto[k] !== undefined && !allowed.includes(k));
  if (misplaced) throw new ModelSpecError(`training.lrSchedule.${misplaced}`, `does not apply to the ${dto.type} schedule`);
  if (warmupEpochs >= epochs)
    throw new ModelSpecError('training.lrSchedule', `the warmup takes all ${epochs} epochs: no epoch is left for a schedule`);
  switch (dto.type) {
    case 'step': {
      if (dto.stepEpochs === undefined) throw new ModelSpecError('training.lrSchedule.stepEpochs', 'required by the step schedule');
      if (warmupEpochs + dto.stepEpochs >= epochs)
        throw new ModelSpecError(
          'training.lrSchedule.stepEpochs',
          `the first decay would come at epoch ${warmupEpochs + dto.stepEpochs}, after the job's last (it has ${epochs})`,
        );
      return { type: 'step', stepEpochs: dto.stepEpochs, gamma: dto.gamma ?? 0.1 };
    }
    case 'exponential':
      if (dto.gamma === undefined) throw new ModelSpecError('training.lrSchedule.gamma', 'required by the exponential schedule');
      return { type: 'exponential', gamma: dto.gamma };
    case 'cosine':
      return { type: 'cosine', minLr: dto.minLr ?? 0 };
  }
}

/**
 * `lrScaling`, `warmupEpochs` and `lrSchedule` as the stored spec keeps them (absent when not asked for), checked
 * against the job's epochs and the rate they scale: warmup within the epochs and only toward a scaled rate, each
 * schedule with its own parameters, cosine's minLr below the scaled rate.
 */
export function learningRateFields({
  dto,
  epochs,
  partitions,
  compile,
}: {
  dto: TrainingDto;
  epochs: number;
  partitions: number;
  compile: CompileSpec;
}): LrFields {
  const lrScaling = dto.lrScaling ?? 'none';
  const warmupEpochs = dto.warmupEpochs ?? 0;
  if (warmupEpochs > epochs) throw new ModelSpecError('training.warmupEpochs', `at most the job's ${epochs} epochs`);
  if (warmupEpochs > 0 && lrScaling === 'none')
    throw new ModelSpecError('training.warmupEpochs', 'ramps from the base to the scaled rate: set lrScaling to linear or sqrt');
  const lrSchedule = dto.lrSchedule ? scheduleOf(dto.lrSchedule, { epochs, warmupEpochs }) : undefined;
  const fields: LrFields = {
    ...(dto.lrScaling ? { lrScaling } : {}),
    ...(warmupEpochs > 0 ? { warmupEpochs } : {}),
    ...(lrSchedule ? { lrSchedule } : {}),
  };
  if (lrSchedule?.type === 'cosine') {
    const { peak } = learningRatePlan({ training: { partitions, epochs, ...fields }, compile });
    if (lrSchedule.minLr >= peak) throw new ModelSpecError('training.lrSchedule.minLr', `must be below the scaled rate ${peak}`);
  }
  return fields;
}

/** Synchronous only (an asynchronous job is one round); the metric must be one the rounds record. */
export function earlyStoppingSpec({
  dto,
  mode,
  recorded,
}: {
  dto: EarlyStoppingDto;
  mode: TrainingMode;
  recorded: string[];
}): EarlyStoppingSpec {
  if (mode !== 'synchronous')
    throw new ModelSpecError('training.earlyStopping', 'applies to synchronous jobs only (an asynchronous job is one round)');
  if (!recorded.includes(dto.metric)) {
    const validation = recorded.some((m) => m.startsWith('val_')) ? '' : ' (val_ metrics need validationSplit or validationDatasetId)';
    throw new ModelSpecError('training.earlyStopping.metric', `the rounds record ${recorded.join(', ')}, not ${dto.metric}${validation}`);
  }
  return {
    metric: dto.metric,
    mode: dto.mode ?? defaultEarlyStoppingMode(dto.metric),
    patience: dto.patience ?? 0,
    minDelta: dto.minDelta ?? 0,
  };
}
