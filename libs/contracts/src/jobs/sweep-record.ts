import type { JobStatus } from './job-record.js';

export const SWEEP_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];

/** One dimension of a sweep's search space. */
export type ParamDomain =
  | { type: 'choice'; values: (number | string | boolean)[] }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'loguniform'; min: number; max: number }
  /** Whole numbers from min to max, both included. */
  | { type: 'int'; min: number; max: number };

export type SweepSampler = { type: 'grid' } | { type: 'random'; seed: number };

/** ASHA (Li et al., MLSys 2020), stopping form: at each rung a trial goes on only if it is in the top 1/reductionFactor so far. */
export type SweepScheduler = { type: 'none' } | { type: 'asha'; gracePeriod: number; reductionFactor: number; maxRounds: number };

/** What `POST /sweeps` accepted, after validation and defaults. */
export interface SweepSpec {
  name: string;
  /** A `POST /jobs` body; `model` may hold `"{{name}}"` placeholders filled by `model.<name>` dimensions. */
  baseJob: Record<string, unknown>;
  /** Keys: `training.<field>`, `compile.<path>` (e.g. `compile.optimizer.config.learning_rate`) or `model.<placeholder>`. */
  space: Record<string, ParamDomain>;
  sampler: SweepSampler;
  maxTrials: number;
  maxConcurrentTrials: number;
  maxFailedTrials: number;
  /** A metric of the trials' rounds, e.g. `val_accuracy` or `loss`. */
  metric: string;
  mode: 'min' | 'max';
  scheduler: SweepScheduler;
}

/** A rung a trial reached: its metric there and what the scheduler decided. */
export interface RungResult {
  round: number;
  value: number;
  decision: 'continue' | 'stop';
}

export type TrialStatus = 'pending' | JobStatus;

/** One row of the leaderboard. */
export interface TrialRecord {
  index: number;
  params: Record<string, number | string | boolean>;
  status: TrialStatus;
  jobId?: string;
  /** The best value of the sweep's metric over the trial's rounds. */
  best?: number;
  /** The round that gave `best`. */
  bestRound?: number;
  roundsRun: number;
  rungs: RungResult[];
  error?: string;
}

/** A sweep as stored in the `tusk-jobs` KV bucket under `sweep.<id>` (updated with compare-and-set). */
export interface SweepRecord {
  id: string;
  spec: SweepSpec;
  status: SweepStatus;
  error?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  trials: TrialRecord[];
  /** Index of the trial with the best metric so far. */
  bestTrial?: number;
}

/** An update on `tusk.sweeps.<id>`, streamed by `GET /sweeps/:id/events`: the whole leaderboard each time. */
export interface SweepEvent {
  sweepId: string;
  type: 'status' | 'trial';
  sweep: SweepRecord;
  at: string;
}

export const sweepRecordKey = (id: string): string => `sweep.${id}`;
export const sweepEventSubject = (id: string): string => `tusk.sweeps.${id}`;
