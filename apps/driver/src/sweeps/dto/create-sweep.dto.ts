import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class SamplerDto {
  @IsIn(['grid', 'random']) type: 'grid' | 'random';
  /** Random sampling: the same seed draws the same trials. */
  @IsOptional() @IsInt() @Min(0) @Max(2 ** 31 - 1) seed?: number;
}

export class SchedulerDto {
  @IsIn(['none', 'asha']) type: 'none' | 'asha';
  /** ASHA: rounds every trial runs before its first decision. */
  @IsOptional() @IsInt() @Min(1) @Max(100_000) gracePeriod?: number;
  /** ASHA: each rung keeps the top 1/reductionFactor. */
  @IsOptional() @IsInt() @Min(2) @Max(100) reductionFactor?: number;
  /** ASHA: the rounds of a trial that is never stopped. */
  @IsOptional() @IsInt() @Min(1) @Max(100_000) maxRounds?: number;
}

/** `POST /sweeps`: a base job, the space to search, how to sample it and how to stop weak trials. */
export class CreateSweepDto {
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  /** A `POST /jobs` body; checked trial by trial once the space's values are in. */
  @IsDefined() @IsObject() baseJob: Record<string, unknown>;
  /** Per key (`training.<field>`, `compile.<path>`, `model.<placeholder>`): `{ type: choice | uniform | loguniform | int, ... }`. */
  @IsDefined() @IsObject() space: Record<string, unknown>;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => SamplerDto) sampler?: SamplerDto;
  @IsOptional() @IsInt() @Min(1) @Max(1000) maxTrials?: number;
  @IsOptional() @IsInt() @Min(1) @Max(64) maxConcurrentTrials?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1000) maxFailedTrials?: number;
  /** A metric of the trials' rounds: `loss`, a compiled metric, or either with `val_`. */
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: 'metric must be a metric name such as val_accuracy' }) metric: string;
  @IsOptional() @IsIn(['min', 'max']) mode?: 'min' | 'max';
  @IsOptional() @IsObject() @ValidateNested() @Type(() => SchedulerDto) scheduler?: SchedulerDto;
}
