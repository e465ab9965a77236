import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsInt, IsOptional, Matches, Max, Min, ArrayMaxSize, ArrayMinSize } from 'class-validator';

/** `POST /jobs/:id/evaluate`: a dataset to evaluate the trained model on, on the workers. */
export class EvaluateDto {
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'datasetId must be a dataset id' })
  datasetId: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 65536 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65536)
  batchSize?: number;
}

/** `POST /jobs/:id/predict`: a small batch of inputs, answered inline by the driver. */
export class PredictDto {
  @ApiProperty({ type: 'array', minItems: 1, maxItems: 1000, items: {}, description: 'inputs shaped like the model input' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  instances: unknown[];
}
