import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JobLogLine, LogLevel } from '@tusk/contracts';
import { LOG_LEVELS } from '../dto/job-logs.query.js';

export class JobLogLineResponse implements JobLogLine {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: LOG_LEVELS }) level!: LogLevel;
  @ApiProperty({ enum: ['driver', 'worker', 'parameter-server'] }) service!: 'driver' | 'worker' | 'parameter-server';
  @ApiProperty({ description: "a worker id, or the service's host name" }) instance!: string;
  @ApiPropertyOptional({ description: 'the class or module that logged' }) context?: string;
  @ApiProperty() jobId!: string;
  @ApiPropertyOptional({ type: 'integer' }) round?: number;
  @ApiPropertyOptional({ type: 'integer' }) partition?: number;
  @ApiProperty() message!: string;
}
