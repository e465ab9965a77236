import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** `initialWeights` of `POST /jobs`: start from another job's checkpoint (`round`) or, without `round`, its model. */
export class InitialWeightsDto {
  @ApiProperty({ pattern: '^job-[0-9a-f]{32}$', description: 'the job whose weights this job starts from' })
  @Matches(/^job-[0-9a-f]{32}$/, { message: 'initialWeights.jobId must be a job id (job-<32 hex digits>)' })
  jobId: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: "a round that job kept a checkpoint of (its `checkpoints`); absent: the job's model, else its newest checkpoint",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  round?: number;
}
