import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  DELTA_ENCODINGS,
  LR_SCALINGS,
  OPTIMIZER_STATES,
  type LrScaling,
  type OptimizerState,
  PUSH_FREQUENCIES,
  type DeltaEncoding,
  STALE_POLICIES,
  TRAINING_MODES,
  type PushFrequency,
  type StalePolicy,
  type TrainingMode,
} from '@tusk/contracts';
import { InitialWeightsDto } from './initial-weights.dto.js';
import { EarlyStoppingDto, LrScheduleDto } from './lr-control.dto.js';

const COMPILE_DESCRIPTION =
  "Keras-style compile settings: Tusk's `{ optimizer, loss, metrics? }` or Keras' `model.get_compile_config()` " +
  'unchanged (Keras 2.x or 3.x). Unsupported settings (loss weights, weighted metrics, clipping, schedules, from_logits) ' +
  'get a 422 naming the field.';

/** A serialized Keras object (Keras 3 adds `module` and `registered_name`). */
const KERAS_OBJECT = {
  type: 'object',
  properties: {
    class_name: { type: 'string' },
    config: { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] },
    module: { type: 'string', nullable: true },
    registered_name: { type: 'string', nullable: true },
  },
  required: ['class_name'],
};
/** An optimizer as Tusk's `{ className, config }` or as Keras serializes it. */
const OPTIMIZER_CONFIG = {
  oneOf: [
    {
      type: 'object',
      properties: { className: { type: 'string' }, config: { type: 'object', additionalProperties: true } },
      required: ['className'],
    },
    KERAS_OBJECT,
  ],
};

export class CompileDto {
  /** A name (`"adam"`), `{ className, config }` or Keras' `{ class_name, config }`; checked against the known optimizers. */
  @ApiProperty({
    description:
      'An optimizer name ("adam"), `{ className, config }`, or a Keras optimizer config as Keras 2 and 3 serialize it ' +
      '(`{ "class_name": "Adam", "config": { "learning_rate": 0.001, ... } }`, `module` and `registered_name` allowed). ' +
      'learning_rate (or lr), betas, epsilon, momentum, nesterov, rho are used.',
    oneOf: [{ type: 'string', example: 'adam' }, OPTIMIZER_CONFIG],
  })
  @IsDefined()
  optimizer: unknown;
  @ApiProperty({
    description:
      'A Keras loss name ("categorical_crossentropy", "CategoricalCrossentropy", "mse") or a serialized Keras loss ' +
      '(Keras 3\'s `{ "class_name": "function", "config": "categorical_crossentropy" }`).',
    oneOf: [{ type: 'string', example: 'categorical_crossentropy' }, KERAS_OBJECT],
  })
  @IsDefined()
  loss: unknown;
  @ApiPropertyOptional({
    description: 'Keras metric names ("accuracy", "mae") or serialized Keras metrics; null for none.',
    type: 'array',
    items: {},
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  metrics?: unknown[] | null;
  /** Keras' get_compile_config() keys: accepted so that it can be sent unchanged; loss weights and weighted metrics must be empty. */
  @IsOptional() loss_weights?: unknown;
  @IsOptional() weighted_metrics?: unknown;
  @IsOptional() @IsBoolean() run_eagerly?: boolean;
  @IsOptional() @IsInt() @Min(1) steps_per_execution?: number;
  @IsOptional() jit_compile?: unknown;
}

/** The most rounds an epoch can be cut into. */
export const MAX_ROUNDS_PER_EPOCH = 64;

export class TrainingDto {
  @ApiPropertyOptional({ enum: TRAINING_MODES, default: 'synchronous' })
  @IsOptional()
  @IsIn(TRAINING_MODES)
  mode?: TrainingMode;
  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  epochs: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  batchSize?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: "tasks per round (default: the dataset's partitions)" })
  @IsOptional()
  @IsInt()
  @Min(1)
  partitions?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  localEpochs?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_ROUNDS_PER_EPOCH,
    default: 1,
    description:
      "Synchronous local SGD: averagings per epoch, each round training every partition on its next slice of the epoch's batches",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ROUNDS_PER_EPOCH)
  roundsPerEpoch?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 0.9 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.9)
  validationSplit?: number;
  /** A dataset the averaged model is evaluated on after every round (instead of, or with, validationSplit). */
  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'training.validationDatasetId must be a dataset id' })
  validationDatasetId?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;
  /** Asynchronous and hogwild: pull and push every epoch or every `pushEvery` batches. */
  @ApiPropertyOptional({ enum: PUSH_FREQUENCIES })
  @IsOptional()
  @IsIn(PUSH_FREQUENCIES)
  frequency?: PushFrequency;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  pushEvery?: number;
  /** Asynchronous and hogwild: deltas more than this many versions behind are stale. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  maxStaleness?: number;
  @ApiPropertyOptional({ enum: STALE_POLICIES })
  @IsOptional()
  @IsIn(STALE_POLICIES)
  stalePolicy?: StalePolicy;
  /** Synchronous: `float16` halves the bytes of every delta. */
  @ApiPropertyOptional({ enum: DELTA_ENCODINGS })
  @IsOptional()
  @IsIn(DELTA_ENCODINGS)
  deltaEncoding?: DeltaEncoding;
  /** Synchronous: a fresh optimizer every task (`reset`), or each partition's state carried from round to round. */
  @ApiPropertyOptional({ enum: OPTIMIZER_STATES })
  @IsOptional()
  @IsIn(OPTIMIZER_STATES)
  optimizerState?: OptimizerState;
  @ApiPropertyOptional({
    enum: LR_SCALINGS,
    default: 'none',
    description: "The rate after warmup: the compile optimizer's learning rate × 1, × partitions (linear, Goyal et al.) or × √partitions",
  })
  @IsOptional()
  @IsIn(LR_SCALINGS)
  lrScaling?: LrScaling;
  @ApiPropertyOptional({
    minimum: 0,
    default: 0,
    description: 'Epochs over which the rate ramps linearly from the base to the scaled rate; needs lrScaling, at most epochs',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  warmupEpochs?: number;
  @ApiPropertyOptional({ type: () => LrScheduleDto, description: 'Decay after warmup; a constant rate when absent' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LrScheduleDto)
  lrSchedule?: LrScheduleDto;
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 0.999,
    default: 0,
    description: 'Synchronous: FedAvgM server momentum β on the averaged delta (v ← βv + Δ, w ← w + v); 0 is plain FedAvg',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.999)
  serverMomentum?: number;
  @ApiPropertyOptional({
    type: () => EarlyStoppingDto,
    description: 'Synchronous: stop once the metric stops improving; the job succeeds with stoppedEarly and the best round as model',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EarlyStoppingDto)
  earlyStopping?: EarlyStoppingDto;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'keep the weights every this many rounds as a checkpoint (a tfjs artifact in S3); the last round is always kept',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  checkpointEvery?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 3, description: 'how many checkpoints are kept, the newest' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  keepCheckpoints?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description:
      'synchronous (elastic): with fewer live workers than this, the job is `waiting` instead of training, for at most workerWaitSeconds',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  minWorkers?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'synchronous (elastic): at most this many workers train the job at once; other workers leave its tasks alone',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxWorkers?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 604_800,
    default: 600,
    description: 'how long the job may stay `waiting` for minWorkers before it fails',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(604_800)
  workerWaitSeconds?: number;
}

/** `POST /jobs`: the model, how to compile it, the data and how to train. */
export class CreateJobDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The model: Keras 2.x or 3.x `model.to_json()` unchanged (Sequential or functional, one input and one output), ' +
      "tfjs' `model.toJSON()`, or a whole tfjs model.json. Keras 3 fields (module, registered_name, build_config, " +
      'dtype policies, batch_shape, `{ args, kwargs }` inbound nodes) are converted; what tfjs-layers cannot build gets ' +
      'a 422 whose field is the JSON path (`model.config.layers[2].config.dtype`) and whose message names the layer.',
  })
  @IsObject()
  model: Record<string, unknown>;
  @ApiPropertyOptional({
    type: () => CompileDto,
    description:
      `${COMPILE_DESCRIPTION} Optional when \`model\` carries its own: Keras 3 to_json() of a compiled model (compile_config) ` +
      'or a model.json with training_config.',
  })
  /** Optional when the model is a compiled Keras model's JSON, which carries its compile settings. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CompileDto)
  compile?: CompileDto;
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'datasetId must be a dataset id' })
  datasetId: string;
  @ApiProperty({ type: () => TrainingDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TrainingDto)
  training: TrainingDto;
  @ApiPropertyOptional({
    type: () => InitialWeightsDto,
    description: "fine-tuning or a warm restart: start from another job's checkpoint or model; its weights must fit this model (422)",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InitialWeightsDto)
  initialWeights?: InitialWeightsDto;
}
