import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { BaseEnv } from '@tusk/config';

/** The worker's environment, validated at boot (see the README's table). */
export class WorkerEnv extends BaseEnv {
  /** Defaults to `<hostname>-<pid>`. */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'WORKER_ID may hold letters, digits, - and _' }) WORKER_ID?: string;
  /** `GET /health` port for compose and the launcher; 0 picks a free one. */
  @IsInt() @Min(0) @Max(65535) HEALTH_PORT: number = 8081;
  @IsInt() @Min(1) @Max(300) TUSK_HEARTBEAT_S: number = 5;
  /** Partitions kept in memory between rounds, in MiB of float32 tensors. */
  @IsInt() @Min(16) TUSK_PARTITION_CACHE_MB: number = 2048;
  /** How long a stopping worker may spend finishing its task before handing it back. */
  @IsInt() @Min(1) TUSK_SHUTDOWN_GRACE_S: number = 20;
}
