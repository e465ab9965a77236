import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { S3_OBJECT_KEY } from '../../s3-object-key.js';

/**
 * `initialWeights` of `POST /jobs`: another job's checkpoint (`jobId` + `round`) or model (`jobId`), or a tfjs
 * artifact already in the bucket (`modelJson` + `weights`, as the tfjs converter writes them).
 */
export class InitialWeightsDto {
  @ApiPropertyOptional({ pattern: '^job-[0-9a-f]{32}$', description: 'the job whose weights this job starts from' })
  @IsOptional()
  @Matches(/^job-[0-9a-f]{32}$/, { message: 'initialWeights.jobId must be a job id (job-<32 hex digits>)' })
  jobId?: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description:
      "with jobId: a round that job kept a checkpoint of (its `checkpoints`); absent: the job's model, else its newest checkpoint",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  round?: number;
  @ApiPropertyOptional({ pattern: S3_OBJECT_KEY.source, description: "object key of an uploaded tfjs artifact's model.json" })
  @IsOptional()
  @Matches(S3_OBJECT_KEY, { message: 'initialWeights.modelJson must be an object key' })
  modelJson?: string;
  @ApiPropertyOptional({ pattern: S3_OBJECT_KEY.source, description: "object key of that artifact's weights file (one file, float32)" })
  @IsOptional()
  @Matches(S3_OBJECT_KEY, { message: 'initialWeights.weights must be an object key' })
  weights?: string;
}
