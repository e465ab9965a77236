import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { BaseEnv } from '@tusk/config';

/** The driver's environment, validated at boot (see the README's table). */
export class DriverEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535) PORT: number = 8080;
  /** When set, every API call but /health and /metrics needs `Authorization: Bearer <token>`. */
  @IsOptional() @IsString() @MinLength(8) TUSK_API_TOKEN?: string;
  @IsInt() @Min(1024) TUSK_MAX_UPLOAD_BYTES: number = 512 * 1024 * 1024;
  /** Dataset creations (upload + partitioning) at once; one more is refused with 429 until one ends. */
  @IsInt() @Min(1) TUSK_MAX_CONCURRENT_UPLOADS: number = 2;
  /** Trained models kept loaded for POST /jobs/:id/predict; the least recently used is disposed past this. */
  @IsInt() @Min(1) TUSK_PREDICT_CACHE_MODELS: number = 8;
  @IsInt() @Min(1) TUSK_MAX_PARAMS: number = 50_000_000;
  @IsInt() @Min(1) @Max(1024) TUSK_MAX_PARTITIONS: number = 256;
  @IsInt() @Min(1) @Max(100_000) TUSK_MAX_EPOCHS: number = 1_000;
  /** A job fails only when nothing moved for this long: no result, no push, no heartbeat from a worker holding its tasks. */
  @IsInt() @Min(1) TUSK_STALL_TIMEOUT_S: number = 600;
  @IsInt() @Min(1) @Max(1024) TUSK_DATASET_PARTITIONS: number = 8;
  /**
   * Partition affinity: a task goes first to the worker holding its partition, and back to the shared queue when that
   * worker has not started it after this long (0: every task goes to the shared queue).
   */
  @IsInt() @Min(0) @Max(600_000) TUSK_LOCALITY_WAIT_MS: number = 3_000;
  /** Queued plus running jobs; one more is refused with 429 until one ends. */
  @IsInt() @Min(1) TUSK_MAX_ACTIVE_JOBS: number = 100;
  /** How long a job waits out NATS or S3 being unreachable before it fails and says so. */
  @IsInt() @Min(1) TUSK_OUTAGE_LIMIT_S: number = 300;
  /** Deltas a synchronous round fetches ahead of the one it folds in: its memory is the running sum plus this many. */
  @IsInt() @Min(1) @Max(64) TUSK_DELTA_FETCH_AHEAD: number = 4;
}
