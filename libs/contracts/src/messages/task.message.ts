import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { LR_SCHEDULE_TYPES, type LearningRatePlan, type LrSchedule, type LrScheduleType } from '../jobs/job-record.js';

export const TASK_KINDS = ['train', 'evaluate'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** A task's `LrSchedule`, checked field by field (the parameters of the other types are absent). */
export class LrScheduleMessage {
  @IsIn(LR_SCHEDULE_TYPES) type: LrScheduleType;
  @IsOptional() @IsNumber() @Min(0) stepEpochs?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) gamma?: number;
  @IsOptional() @IsNumber() @Min(0) minLr?: number;
}

/** A task's `LearningRatePlan`. */
export class LearningRatePlanMessage implements LearningRatePlan {
  @IsNumber() @Min(0) base: number;
  @IsNumber() @Min(0) peak: number;
  @IsNumber() @Min(0) warmupEpochs: number;
  @IsInt() @Min(1) epochs: number;
  @IsOptional() @ValidateNested() @Type(() => LrScheduleMessage) schedule?: LrSchedule;
}

/** Local SGD: the task trains slice `index` of `count` of its epoch's batches. */
export class EpochSliceMessage {
  @IsInt() @Min(0) index: number;
  @IsInt() @Min(1) count: number;
}

/** One partition's work for one round, published on `tusk.tasks.<job>`. */
export class TaskMessage {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) jobId: string;
  @IsIn(TASK_KINDS) kind: TaskKind;
  /** Round number (training) or evaluation id's sequence (evaluation). */
  @IsInt() @Min(0) round: number;
  @IsInt() @Min(0) partition: number;
  /** How many times the job was resumed (`POST /jobs/:id/resume`): a rerun's results must not be deduped as the first run's. */
  @IsOptional() @IsInt() @Min(0) run?: number;
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) datasetId: string;
  /** KV key of the weights blob to start from. */
  @IsString() weightsKey: string;
  @IsInt() @Min(0) @Max(10_000) epochs: number;
  @IsInt() @Min(1) @Max(1_000_000) batchSize: number;
  @IsInt() seed: number;
  /**
   * Synchronous jobs with `roundsPerEpoch` > 1: the slice of the epoch this round trains; `seed` is then the seed of
   * the whole epoch, the same for each of its slices.
   */
  @IsOptional() @ValidateNested() @Type(() => EpochSliceMessage) slice?: EpochSliceMessage;
  /** KV key of the optimizer state to start from (`optimizerState: "partition"`, from round 1 on). */
  @IsOptional() @IsString() optimizerKey?: string;
  /** Evaluation tasks report under this id instead of a training round. */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/) evaluationId?: string;
  /** Synchronous training: the round's learning rate, set on the optimizer before training (after any restored state). */
  @IsOptional() @IsNumber() @Min(0) learningRate?: number;
  /** Asynchronous and hogwild training: the worker sets `learningRateAt(plan, epoch + step / steps)` before each step. */
  @IsOptional() @ValidateNested() @Type(() => LearningRatePlanMessage) learningRatePlan?: LearningRatePlan;
}
