import { IsInt, Max, Min } from 'class-validator';
import { BaseEnv } from '@tusk/config';

/** The parameter server's environment, validated at boot. */
export class ParameterServerEnv extends BaseEnv {
  /** `GET /health` port for compose and the launcher; 0 picks a free one. */
  @IsInt() @Min(0) @Max(65535) HEALTH_PORT: number = 8082;
  /** Pushes of one job admitted and not yet answered; one more is answered "busy" so the queue never just grows. */
  @IsInt() @Min(1) @Max(100_000) TUSK_PS_MAX_QUEUE: number = 64;
}
