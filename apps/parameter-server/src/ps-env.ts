import { IsInt, Max, Min } from 'class-validator';
import { BaseEnv } from '@tusk/config';

/** The parameter server's environment, validated at boot. */
export class ParameterServerEnv extends BaseEnv {
  /** `GET /health` port for compose and the launcher; 0 picks a free one. */
  @IsInt() @Min(0) @Max(65535) HEALTH_PORT: number = 8082;
}
