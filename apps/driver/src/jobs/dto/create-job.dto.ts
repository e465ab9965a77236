import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString,
  Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { DELTA_ENCODINGS, OPTIMIZER_STATES, type OptimizerState, PUSH_FREQUENCIES, type DeltaEncoding, STALE_POLICIES, TRAINING_MODES, type PushFrequency, type StalePolicy, type TrainingMode } from '@tusk/contracts';

export class CompileDto {
  /** A name (`"adam"`) or Keras' `{ className, config }`; checked against the known optimizers. */
  @IsDefined() optimizer: string | { className: string; config?: Record<string, unknown> };
  @IsString() @MaxLength(100) loss: string;
  @IsOptional() @IsArray() @ArrayMaxSize(16) @IsString({ each: true }) metrics?: string[];
}

export class TrainingDto {
  @IsOptional() @IsIn(TRAINING_MODES) mode?: TrainingMode;
  @IsInt() @Min(1) epochs: number;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) batchSize?: number;
  @IsOptional() @IsInt() @Min(1) partitions?: number;
  @IsOptional() @IsInt() @Min(1) localEpochs?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(0.9) validationSplit?: number;
  /** A dataset the averaged model is evaluated on after every round (instead of, or with, validationSplit). */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'training.validationDatasetId must be a dataset id' }) validationDatasetId?: string;
  @IsOptional() @IsInt() @Min(0) @Max(2 ** 31 - 1) seed?: number;
  /** Asynchronous and hogwild: pull and push every epoch or every `pushEvery` batches. */
  @IsOptional() @IsIn(PUSH_FREQUENCIES) frequency?: PushFrequency;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) pushEvery?: number;
  /** Asynchronous and hogwild: deltas more than this many versions behind are stale. */
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) maxStaleness?: number;
  @IsOptional() @IsIn(STALE_POLICIES) stalePolicy?: StalePolicy;
  /** Synchronous: `float16` halves the bytes of every delta. */
  @IsOptional() @IsIn(DELTA_ENCODINGS) deltaEncoding?: DeltaEncoding;
  /** Synchronous: a fresh optimizer every task (`reset`), or each partition's state carried from round to round. */
  @IsOptional() @IsIn(OPTIMIZER_STATES) optimizerState?: OptimizerState;
}

/** `POST /jobs`: the model, how to compile it, the data and how to train. */
export class CreateJobDto {
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @IsObject() model: Record<string, unknown>;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => CompileDto) compile: CompileDto;
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'datasetId must be a dataset id' }) datasetId: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TrainingDto) training: TrainingDto;
}
