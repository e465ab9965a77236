import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { LogLevel } from '@tusk/contracts';

export const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** `GET /jobs/:id/logs?limit=&level=`: how many of the job's last lines, and the least severe level wanted. */
export class JobLogsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200, description: 'the last lines to return' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 200;

  @ApiPropertyOptional({ enum: LOG_LEVELS, description: 'only lines at this level or more severe (error < warn < log)' })
  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `level must be one of ${LOG_LEVELS.join(', ')}` })
  level?: LogLevel;
}
