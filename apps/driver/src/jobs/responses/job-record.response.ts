import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  JOB_STATUSES,
  TRAINING_MODES,
  type CheckpointRecord,
  type EvaluationRecord,
  type JobRecord,
  type JobSpec,
  type JobStatus,
  type JobSummary,
  type PushStats,
  type ResumeRecord,
  type RoundRecord,
  type TrainingMode,
  type VersionPoint,
  type WorkerRoundStat,
} from '@tusk/contracts';
import { FREE_OBJECT, NUMBER_MAP } from '../../api-docs/schemas.js';

// OpenAPI shapes of the contracts' job types: `implements` keeps them in step with the interfaces.

export class WorkerRoundStatResponse implements WorkerRoundStat {
  @ApiProperty() workerId!: string;
  @ApiProperty({ type: 'integer' }) partition!: number;
  @ApiProperty({ type: 'integer' }) samples!: number;
  @ApiProperty() seconds!: number;
  @ApiProperty() samplesPerSecond!: number;
  @ApiProperty({ example: 'wasm' }) backend!: string;
  @ApiPropertyOptional({ description: 'the task attempt whose result the round used' }) attempt?: string;
  @ApiPropertyOptional({ type: 'integer' }) pushes?: number;
}

export class RoundRecordResponse implements RoundRecord {
  @ApiProperty({ type: 'integer' }) round!: number;
  @ApiProperty({ description: 'epochs completed once this round is averaged: fractional with roundsPerEpoch (0.5, 1, 1.5...)' })
  epoch!: number;
  @ApiProperty({ ...NUMBER_MAP, example: { loss: 0.41, accuracy: 0.86 } }) metrics!: Record<string, number>;
  @ApiProperty({ type: 'integer' }) samples!: number;
  @ApiProperty() seconds!: number;
  @ApiProperty() samplesPerSecond!: number;
  @ApiProperty({ type: [WorkerRoundStatResponse] }) workers!: WorkerRoundStatResponse[];
  @ApiPropertyOptional({ description: 'sha256 of the weights this round produced' }) weightsSha256?: string;
  @ApiPropertyOptional({
    description: "the round's learning rate; asynchronous and hogwild (rate set per step): the schedule's rate at the job's last epoch",
  })
  learningRate?: number;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'number' },
    minItems: 2,
    maxItems: 2,
    description: 'asynchronous and hogwild: the lowest and highest learning rate of the schedule over the job',
  })
  learningRateRange?: [number, number];
}

export class EvaluationRecordResponse implements EvaluationRecord {
  @ApiProperty() id!: string;
  @ApiProperty() datasetId!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) status!: 'running' | 'succeeded' | 'failed';
  @ApiProperty({ type: 'integer' }) samples!: number;
  @ApiProperty(NUMBER_MAP) metrics!: Record<string, number>;
  @ApiPropertyOptional() error?: string;
}

export class PushStatsResponse implements PushStats {
  @ApiProperty({ type: 'integer' }) pushes!: number;
  @ApiProperty({ type: 'integer' }) stale!: number;
  @ApiProperty({ type: 'integer' }) rejected!: number;
  @ApiProperty({ type: 'integer' }) scaled!: number;
  @ApiPropertyOptional({ type: 'integer' }) duplicates?: number;
  @ApiPropertyOptional({ type: 'integer' }) busy?: number;
  @ApiProperty({ type: 'integer' }) version!: number;
}

export class VersionPointResponse implements VersionPoint {
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() at!: string;
  @ApiProperty({ type: 'integer' }) partition!: number;
  @ApiPropertyOptional() workerId?: string;
  @ApiProperty({ type: 'integer' }) staleness!: number;
  @ApiProperty({ enum: ['applied', 'scaled', 'rejected'] }) outcome!: 'applied' | 'scaled' | 'rejected';
  @ApiProperty(NUMBER_MAP) metrics!: Record<string, number>;
}

export class CheckpointRecordResponse implements CheckpointRecord {
  @ApiProperty({ type: 'integer', description: 'the weights after this many rounds' }) round!: number;
  @ApiProperty({ description: 'epochs completed by then: fractional with roundsPerEpoch' }) epoch!: number;
  @ApiProperty({ description: "sha256 of the checkpoint's weights.bin" }) weightsSha256!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ResumeRecordResponse implements ResumeRecord {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['failed', 'cancelled'] }) from!: JobStatus;
  @ApiProperty({ type: 'integer', description: 'the checkpoint round it went on from' }) round!: number;
}

/** `spec`: the accepted job body with defaults filled in (see CreateJobDto for its fields). */
export class JobSpecResponse implements JobSpec {
  @ApiProperty() name!: string;
  @ApiProperty({ ...FREE_OBJECT, description: 'Keras / tfjs-layers JSON topology' }) model!: Record<string, unknown>;
  @ApiProperty({ ...FREE_OBJECT, description: 'optimizer, loss, metrics (CompileDto)' }) compile!: JobSpec['compile'];
  @ApiProperty() datasetId!: string;
  @ApiProperty({ ...FREE_OBJECT, description: 'mode, epochs, batchSize, partitions, seed, ... (TrainingDto)' })
  training!: JobSpec['training'];
  @ApiPropertyOptional({ ...FREE_OBJECT, description: '{ jobId, round? } (InitialWeightsDto)' })
  initialWeights?: JobSpec['initialWeights'];
}

export class JobRecordResponse implements JobRecord {
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ description: "set on a sweep's trials" }) sweepId?: string;
  @ApiProperty({ type: JobSpecResponse }) spec!: JobSpecResponse;
  @ApiProperty({ enum: JOB_STATUSES }) status!: JobStatus;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
  @ApiProperty({ type: 'integer', description: 'rounds completed' }) round!: number;
  @ApiProperty({ type: 'integer' }) totalRounds!: number;
  @ApiProperty({ type: 'integer', description: 'trainable parameters' }) params!: number;
  @ApiProperty({ type: [RoundRecordResponse] }) history!: RoundRecordResponse[];
  @ApiProperty({ type: [String] }) backends!: string[];
  @ApiProperty() modelReady!: boolean;
  @ApiPropertyOptional({ type: [EvaluationRecordResponse] }) evaluations?: EvaluationRecordResponse[];
  @ApiPropertyOptional({ type: PushStatsResponse }) pushStats?: PushStatsResponse;
  @ApiPropertyOptional({ type: [VersionPointResponse] }) versions?: VersionPointResponse[];
  @ApiPropertyOptional({ description: 'sha256 of the weights the job started from' }) initialWeightsSha256?: string;
  @ApiPropertyOptional({ type: [CheckpointRecordResponse], description: 'the checkpoints kept, oldest first' })
  checkpoints?: CheckpointRecordResponse[];
  @ApiPropertyOptional({ type: [ResumeRecordResponse] }) resumes?: ResumeRecordResponse[];
  @ApiPropertyOptional({ type: 'integer', description: 'with earlyStopping: the round whose weights are (or become) the model' })
  bestRound?: number;
  @ApiPropertyOptional({ description: 'with earlyStopping, once ended: true when the metric stopped improving before the last round' })
  stoppedEarly?: boolean;
}

/** `GET /jobs/:id`: the record plus its progress and an ETA. */
export class JobDetailResponse extends JobRecordResponse {
  @ApiProperty({ minimum: 0, maximum: 1 }) progress!: number;
  @ApiProperty({ type: 'number', nullable: true }) etaSeconds!: number | null;
}

export class JobSummaryResponse implements JobSummary {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TRAINING_MODES }) mode!: TrainingMode;
  @ApiProperty() datasetId!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: JobStatus;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ description: 'with earlyStopping, once ended: true when it stopped before the last round' })
  stoppedEarly?: boolean;
  @ApiProperty({ type: 'integer' }) round!: number;
  @ApiProperty({ type: 'integer' }) totalRounds!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) progress!: number;
  @ApiProperty({ type: 'number', nullable: true }) etaSeconds!: number | null;
  @ApiProperty(NUMBER_MAP) lastMetrics!: Record<string, number>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
}

export class PredictionsResponse {
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: 'one row of outputs per instance' })
  predictions!: number[][];
}

/** tfjs' `model.json` (what `tf.loadLayersModel` reads). */
export class ModelJsonResponse {
  @ApiProperty(FREE_OBJECT) modelTopology!: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { paths: { type: 'array', items: { type: 'string' } }, weights: { type: 'array', items: FREE_OBJECT } },
    },
  })
  weightsManifest!: unknown[];
  @ApiPropertyOptional() format?: string;
  @ApiPropertyOptional() generatedBy?: string;
}
