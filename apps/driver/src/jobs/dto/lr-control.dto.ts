import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsPositive, Matches, Max, Min } from 'class-validator';
import { EARLY_STOPPING_MODES, LR_SCHEDULE_TYPES, type EarlyStoppingMode, type LrScheduleType } from '@tusk/contracts';

/** `training.lrSchedule`: the decay after warmup; each type takes its own parameters (others get a 422 naming them). */
export class LrScheduleDto {
  @ApiProperty({
    enum: LR_SCHEDULE_TYPES,
    description:
      'Over the epochs s since warmup ended: `step` multiplies the rate by `gamma` every `stepEpochs` epochs, `exponential` ' +
      'by gamma^s, `cosine` follows a half cosine from the scaled rate down to `minLr` at the last epoch.',
  })
  @IsIn(LR_SCHEDULE_TYPES)
  type: LrScheduleType;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: '`step` (required): epochs between two decays' })
  @IsOptional()
  @IsInt()
  @Min(1)
  stepEpochs?: number;
  @ApiPropertyOptional({
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    description: '`step` (default 0.1) and `exponential` (required): the factor per step or per epoch, in (0, 1]',
  })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(1)
  gamma?: number;
  @ApiPropertyOptional({ minimum: 0, description: '`cosine` (default 0): the rate at the last epoch, below the scaled rate' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  minLr?: number;
}

/** `training.earlyStopping`: Keras' EarlyStopping over rounds, keeping the best round's weights as the model. */
export class EarlyStoppingDto {
  @ApiProperty({
    pattern: '^(val_)?[A-Za-z0-9_]{1,64}$',
    description: 'A metric the rounds record: `loss`, a compiled metric (`accuracy`), or `val_` of either with validation',
    example: 'val_loss',
  })
  @Matches(/^(val_)?[A-Za-z0-9_]{1,64}$/, { message: 'training.earlyStopping.metric must be a metric name' })
  metric: string;
  @ApiPropertyOptional({ enum: EARLY_STOPPING_MODES, description: 'default: `max` when the metric names an accuracy, else `min`' })
  @IsOptional()
  @IsIn(EARLY_STOPPING_MODES)
  mode?: EarlyStoppingMode;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    default: 0,
    description: 'rounds without improvement before the job stops (0 stops at the first, as Keras)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  patience?: number;
  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'the least change of the metric that counts as an improvement' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  minDelta?: number;
}
