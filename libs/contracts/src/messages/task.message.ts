import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const TASK_KINDS = ['train', 'evaluate'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** One partition's work for one round, published on `tusk.tasks.<job>`. */
export class TaskMessage {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) jobId: string;
  @IsIn(TASK_KINDS) kind: TaskKind;
  /** Round number (training) or evaluation id's sequence (evaluation). */
  @IsInt() @Min(0) round: number;
  @IsInt() @Min(0) partition: number;
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) datasetId: string;
  /** KV key of the weights blob to start from. */
  @IsString() weightsKey: string;
  @IsInt() @Min(0) @Max(10_000) epochs: number;
  @IsInt() @Min(1) @Max(1_000_000) batchSize: number;
  @IsInt() seed: number;
  /** KV key of the optimizer state to start from (`optimizerState: "partition"`, from round 1 on). */
  @IsOptional() @IsString() optimizerKey?: string;
  /** Evaluation tasks report under this id instead of a training round. */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/) evaluationId?: string;
}
