import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsNatsUrlList } from './nats-url-list.js';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** Variables every Tusk service reads: where NATS and S3 are, and how to log. */
export class BaseEnv {
  @IsNatsUrlList() NATS_URL: string = 'nats://127.0.0.1:4222';
  /** Replicas of every stream and KV bucket Tusk creates: 1 on a single server, 3 on a cluster of three or more. */
  @IsInt() @Min(1) @Max(5) TUSK_NATS_REPLICAS: number = 1;
  @IsOptional() @IsString() NATS_USER?: string;
  @IsOptional() @IsString() NATS_PASS?: string;
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s):// URL' })
  S3_ENDPOINT: string = 'http://127.0.0.1:9000';
  @IsString() S3_REGION: string = 'us-east-1';
  @IsString() S3_ACCESS_KEY: string = 'S3RVER';
  @IsString() S3_SECRET_KEY: string = 'S3RVER';
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a valid S3 bucket name' })
  S3_BUCKET: string = 'tusk';
  @IsIn(BACKEND_CHOICES) TUSK_BACKEND: (typeof BACKEND_CHOICES)[number] = 'auto';
  @IsIn(['text', 'json']) LOG_FORMAT: 'text' | 'json' = 'text';
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose']) LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
  /** Every wait on NATS or S3 ends after this many milliseconds with a clear error. */
  @IsInt() @Min(100) @Max(600_000) TUSK_REQUEST_TIMEOUT_MS: number = 30_000;
  /** A task whose worker went silent this long is redelivered to another worker. */
  @IsInt() @Min(1) TUSK_TASK_ACK_WAIT_S: number = 60;
  /** Deliveries of a task before it fails its job. */
  @IsInt() @Min(1) @Max(100) TUSK_TASK_MAX_ATTEMPTS: number = 5;
}

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
/** Nest's logger levels up to and including LOG_LEVEL. */
export const logLevels = (level: BaseEnv['LOG_LEVEL']): (typeof LEVELS)[number][] => LEVELS.slice(0, LEVELS.indexOf(level) + 1);
