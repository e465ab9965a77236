import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

/** One dimension of the search space: choice (values), or uniform / loguniform / int (min, max). */
const PARAM_DOMAIN = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['choice', 'uniform', 'loguniform', 'int'] },
    values: { type: 'array', items: { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] } },
    min: { type: 'number' },
    max: { type: 'number' },
  },
  required: ['type'],
};

export class SamplerDto {
  @ApiProperty({ enum: ['grid', 'random'] })
  @IsIn(['grid', 'random'])
  type: 'grid' | 'random';
  /** Random sampling: the same seed draws the same trials. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;
}

export class SchedulerDto {
  @ApiProperty({ enum: ['none', 'asha'] })
  @IsIn(['none', 'asha'])
  type: 'none' | 'asha';
  /** ASHA: rounds every trial runs before its first decision. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  gracePeriod?: number;
  /** ASHA: each rung keeps the top 1/reductionFactor. */
  @ApiPropertyOptional({ type: 'integer', minimum: 2, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(100)
  reductionFactor?: number;
  /** ASHA: the rounds of a trial that is never stopped. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxRounds?: number;
}

/** `POST /sweeps`: a base job, the space to search, how to sample it and how to stop weak trials. */
export class CreateSweepDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
  /** A `POST /jobs` body; checked trial by trial once the space's values are in. */
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'a POST /jobs body; its model may hold "{{name}}" placeholders' })
  @IsDefined()
  @IsObject()
  baseJob: Record<string, unknown>;
  /** Per key (`training.<field>`, `compile.<path>`, `model.<placeholder>`): `{ type: choice | uniform | loguniform | int, ... }`. */
  @ApiProperty({
    type: 'object',
    additionalProperties: PARAM_DOMAIN,
    example: { 'training.batchSize': { type: 'choice', values: [32, 64] } },
  })
  @IsDefined()
  @IsObject()
  space: Record<string, unknown>;
  @ApiPropertyOptional({ type: () => SamplerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SamplerDto)
  sampler?: SamplerDto;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxTrials?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 64 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  maxConcurrentTrials?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  maxFailedTrials?: number;
  /** A metric of the trials' rounds: `loss`, a compiled metric, or either with `val_`. */
  @ApiProperty({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', example: 'val_accuracy' })
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: 'metric must be a metric name such as val_accuracy' })
  metric: string;
  @ApiPropertyOptional({ enum: ['min', 'max'] })
  @IsOptional()
  @IsIn(['min', 'max'])
  mode?: 'min' | 'max';
  @ApiPropertyOptional({ type: () => SchedulerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SchedulerDto)
  scheduler?: SchedulerDto;
}
