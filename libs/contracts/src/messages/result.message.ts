import { IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Min } from 'class-validator';
import { ATTEMPT_ID_PATTERN, taskId } from '../names/nats-names.js';
import { TASK_KINDS, type TaskKind, type TaskMessage } from './task.message.js';

/** A worker's answer to one task, published on `tusk.results.<job>`; keyed by (job, round, partition). */
export class ResultMessage {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) jobId: string;
  @IsIn(TASK_KINDS) kind: TaskKind;
  @IsInt() @Min(0) round: number;
  @IsInt() @Min(0) partition: number;
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/) evaluationId?: string;
  /** The task's `run`. */
  @IsOptional() @IsInt() @Min(0) run?: number;
  @IsString() workerId: string;
  /** The delivery that produced this result (see `attemptId`). */
  @Matches(ATTEMPT_ID_PATTERN) attempt: string;
  @IsString() backend: string;
  @IsBoolean() ok: boolean;
  /** Why the task failed for good (retries exhausted or the input can never work). */
  @IsOptional() @IsString() error?: string;
  @IsOptional() @IsIn(['float32', 'float16']) deltaEncoding?: 'float32' | 'float16';
  /** KV key of the delta blob (training tasks): it names the attempt, see `deltaKey`. */
  @IsOptional() @IsString() deltaKey?: string;
  /**
   * `weights`: the blob holds the trained weights, not their delta. A job of one partition sends them (float32): the
   * mean of one is its weights, and a delta added back to the round's weights can lose a bit where a weight crosses 0.
   */
  @IsOptional() @IsIn(['delta', 'weights']) deltaHolds?: 'delta' | 'weights';
  /** KV key of the optimizer state this attempt ended with (`optimizerState: "partition"`). */
  @IsOptional() @IsString() optimizerKey?: string;
  @IsInt() @Min(0) samples: number;
  /** Loss and metrics, averaged over the task's samples (last epoch for training). */
  @IsObject() metrics: Record<string, number>;
  @IsNumber() seconds: number;
}

/**
 * The id a result is deduplicated by inside the results stream: one per task and run of the job (a resumed job trains
 * its rounds again inside the duplicate window), whichever attempt sends it.
 */
export const resultMessageId = (result: Pick<ResultMessage, 'jobId' | 'kind' | 'round' | 'partition' | 'evaluationId' | 'run'>): string =>
  result.run ? `${taskId(result)}.run${result.run}` : taskId(result);

/** The fields of a result that say which task it answers (copied from the task) and which delivery ran it. */
export function resultOrigin(
  task: TaskMessage,
  { workerId, attempt, backend }: { workerId: string; attempt: string; backend: string },
): Pick<ResultMessage, 'jobId' | 'kind' | 'round' | 'partition' | 'evaluationId' | 'run' | 'workerId' | 'attempt' | 'backend'> {
  const { jobId, kind, round, partition, evaluationId, run } = task;
  return { jobId, kind, round, partition, evaluationId, run, workerId, attempt, backend };
}
