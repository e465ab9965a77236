import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  SWEEP_STATUSES,
  JOB_STATUSES,
  type RungResult,
  type SweepRecord,
  type SweepSpec,
  type SweepStatus,
  type TrialRecord,
  type TrialStatus,
} from '@tusk/contracts';
import { FREE_OBJECT } from '../../api-docs/schemas.js';

// OpenAPI shapes of the contracts' sweep types: `implements` keeps them in step with the interfaces.

export class RungResultResponse implements RungResult {
  @ApiProperty({ type: 'integer' }) round!: number;
  @ApiProperty() value!: number;
  @ApiProperty({ enum: ['continue', 'stop'] }) decision!: 'continue' | 'stop';
}

export class TrialRecordResponse implements TrialRecord {
  @ApiProperty({ type: 'integer' }) index!: number;
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] } })
  params!: Record<string, number | string | boolean>;
  @ApiProperty({ enum: ['pending', ...JOB_STATUSES] }) status!: TrialStatus;
  @ApiPropertyOptional() jobId?: string;
  @ApiPropertyOptional({ description: "the best value of the sweep's metric over the trial's rounds" }) best?: number;
  @ApiPropertyOptional({ type: 'integer' }) bestRound?: number;
  @ApiProperty({ type: 'integer' }) roundsRun!: number;
  @ApiProperty({ type: [RungResultResponse] }) rungs!: RungResultResponse[];
  @ApiPropertyOptional() error?: string;
}

/** `spec`: the accepted sweep body with defaults filled in (see CreateSweepDto for its fields). */
export class SweepSpecResponse implements SweepSpec {
  @ApiProperty() name!: string;
  @ApiProperty(FREE_OBJECT) baseJob!: Record<string, unknown>;
  @ApiProperty({ ...FREE_OBJECT, description: 'per key: { type: choice | uniform | loguniform | int, ... }' }) space!: SweepSpec['space'];
  @ApiProperty({ ...FREE_OBJECT, description: '{ type: grid } or { type: random, seed }' }) sampler!: SweepSpec['sampler'];
  @ApiProperty({ type: 'integer' }) maxTrials!: number;
  @ApiProperty({ type: 'integer' }) maxConcurrentTrials!: number;
  @ApiProperty({ type: 'integer' }) maxFailedTrials!: number;
  @ApiProperty() metric!: string;
  @ApiProperty({ enum: ['min', 'max'] }) mode!: 'min' | 'max';
  @ApiProperty({ ...FREE_OBJECT, description: '{ type: none } or { type: asha, gracePeriod, reductionFactor, maxRounds }' })
  scheduler!: SweepSpec['scheduler'];
}

export class SweepRecordResponse implements SweepRecord {
  @ApiProperty() id!: string;
  @ApiProperty({ type: SweepSpecResponse }) spec!: SweepSpecResponse;
  @ApiProperty({ enum: SWEEP_STATUSES }) status!: SweepStatus;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
  @ApiProperty({ type: [TrialRecordResponse], description: 'the leaderboard' }) trials!: TrialRecordResponse[];
  @ApiPropertyOptional({ type: 'integer' }) bestTrial?: number;
}
