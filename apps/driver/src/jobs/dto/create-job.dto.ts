import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString,
  Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { DELTA_ENCODINGS, OPTIMIZER_STATES, type OptimizerState, PUSH_FREQUENCIES, type DeltaEncoding, STALE_POLICIES, TRAINING_MODES, type PushFrequency, type StalePolicy, type TrainingMode } from '@tusk/contracts';

/** Keras' optimizer form: `{ className: 'Adam', config: { learning_rate: 0.001 } }`. */
const OPTIMIZER_OBJECT = {
  type: 'object',
  properties: { className: { type: 'string' }, config: { type: 'object', additionalProperties: true } },
  required: ['className'],
};

export class CompileDto {
  /** A name (`"adam"`) or Keras' `{ className, config }`; checked against the known optimizers. */
  @ApiProperty({ oneOf: [{ type: 'string', example: 'adam' }, OPTIMIZER_OBJECT], description: 'a name or Keras\' { className, config }' })
  @IsDefined() optimizer: string | { className: string; config?: Record<string, unknown> };
  @ApiProperty({ maxLength: 100, example: 'categoricalCrossentropy' })
  @IsString() @MaxLength(100) loss: string;
  @ApiPropertyOptional({ type: [String], maxItems: 16, example: ['accuracy'] })
  @IsOptional() @IsArray() @ArrayMaxSize(16) @IsString({ each: true }) metrics?: string[];
}

export class TrainingDto {
  @ApiPropertyOptional({ enum: TRAINING_MODES, default: 'synchronous' })
  @IsOptional() @IsIn(TRAINING_MODES) mode?: TrainingMode;
  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsInt() @Min(1) epochs: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) batchSize?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'tasks per round (default: the dataset\'s partitions)' })
  @IsOptional() @IsInt() @Min(1) partitions?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @IsOptional() @IsInt() @Min(1) localEpochs?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 0.9 })
  @IsOptional() @IsNumber() @Min(0) @Max(0.9) validationSplit?: number;
  /** A dataset the averaged model is evaluated on after every round (instead of, or with, validationSplit). */
  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'training.validationDatasetId must be a dataset id' }) validationDatasetId?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 })
  @IsOptional() @IsInt() @Min(0) @Max(2 ** 31 - 1) seed?: number;
  /** Asynchronous and hogwild: pull and push every epoch or every `pushEvery` batches. */
  @ApiPropertyOptional({ enum: PUSH_FREQUENCIES })
  @IsOptional() @IsIn(PUSH_FREQUENCIES) frequency?: PushFrequency;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) pushEvery?: number;
  /** Asynchronous and hogwild: deltas more than this many versions behind are stale. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000 })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) maxStaleness?: number;
  @ApiPropertyOptional({ enum: STALE_POLICIES })
  @IsOptional() @IsIn(STALE_POLICIES) stalePolicy?: StalePolicy;
  /** Synchronous: `float16` halves the bytes of every delta. */
  @ApiPropertyOptional({ enum: DELTA_ENCODINGS })
  @IsOptional() @IsIn(DELTA_ENCODINGS) deltaEncoding?: DeltaEncoding;
  /** Synchronous: a fresh optimizer every task (`reset`), or each partition's state carried from round to round. */
  @ApiPropertyOptional({ enum: OPTIMIZER_STATES })
  @IsOptional() @IsIn(OPTIMIZER_STATES) optimizerState?: OptimizerState;
}

/** `POST /jobs`: the model, how to compile it, the data and how to train. */
export class CreateJobDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Keras / tfjs-layers JSON (`model.to_json()`)' })
  @IsObject() model: Record<string, unknown>;
  @ApiProperty({ type: () => CompileDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => CompileDto) compile: CompileDto;
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'datasetId must be a dataset id' }) datasetId: string;
  @ApiProperty({ type: () => TrainingDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TrainingDto) training: TrainingDto;
}
