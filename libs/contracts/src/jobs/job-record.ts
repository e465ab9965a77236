export const TRAINING_MODES = ['synchronous', 'asynchronous', 'hogwild'] as const;
export type TrainingMode = (typeof TRAINING_MODES)[number];

/**
 * `stopped`: ended early by a sweep's scheduler (ASHA), with the model it had then; not a failure.
 * `waiting`: a running job with fewer live workers than its `minWorkers`, paused until they come back.
 */
export const JOB_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'stopped'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'stopped'];
/** A job its training loop is driving: `waiting` is `running` short of workers. */
export const isTraining = (status: JobStatus): boolean => status === 'running' || status === 'waiting';

export interface CompileSpec {
  optimizer: string | { className: string; config?: Record<string, unknown> };
  loss: string;
  metrics: string[];
}

/**
 * Synchronous jobs: where each task's optimizer state (Adam's moments...) comes from. `reset`: a fresh
 * optimizer every task. `partition`: the state the partition's task ended the previous round with, kept in
 * the store, so it follows the partition whichever worker trains it.
 */
export const OPTIMIZER_STATES = ['reset', 'partition'] as const;
export type OptimizerState = (typeof OPTIMIZER_STATES)[number];

export const DELTA_ENCODINGS = ['float32', 'float16'] as const;
export type DeltaEncoding = (typeof DELTA_ENCODINGS)[number];

export const PUSH_FREQUENCIES = ['epoch', 'batch'] as const;
export type PushFrequency = (typeof PUSH_FREQUENCIES)[number];
export const STALE_POLICIES = ['reject', 'scale'] as const;
export type StalePolicy = (typeof STALE_POLICIES)[number];

/** How the learning rate grows with the partition count P: ×1, ×P (Goyal et al. 2017) or ×√P. */
export const LR_SCALINGS = ['none', 'linear', 'sqrt'] as const;
export type LrScaling = (typeof LR_SCALINGS)[number];

export const LR_SCHEDULE_TYPES = ['step', 'exponential', 'cosine'] as const;
export type LrScheduleType = (typeof LR_SCHEDULE_TYPES)[number];

/**
 * The decay after warmup, over the epochs since warmup ended (s): `step` multiplies by `gamma` every `stepEpochs`,
 * `exponential` by `gamma` per epoch (gamma^s), `cosine` goes from the scaled rate to `minLr` over the rest of the job.
 */
export type LrSchedule =
  { type: 'step'; stepEpochs: number; gamma: number } | { type: 'exponential'; gamma: number } | { type: 'cosine'; minLr: number };

/**
 * What the learning rate at any point of a job follows from (libs/model `learningRateAt`): computed once by the
 * driver, carried by asynchronous tasks so that workers set it per step.
 */
export interface LearningRatePlan {
  /** The compile optimizer's learning rate. */
  base: number;
  /** The rate after warmup: base × 1, P or √P (`lrScaling`). */
  peak: number;
  /** Linear ramp from `base` to `peak` over this many epochs (0: none). */
  warmupEpochs: number;
  /** The job's epochs: the cosine schedule reaches `minLr` there. */
  epochs: number;
  schedule?: LrSchedule;
}

export const EARLY_STOPPING_MODES = ['min', 'max'] as const;
export type EarlyStoppingMode = (typeof EARLY_STOPPING_MODES)[number];

/** Keras' EarlyStopping over rounds: stop after `patience` rounds without an improvement larger than `minDelta`. */
export interface EarlyStoppingSpec {
  /** A metric the rounds record: `loss`, a compiled metric, or `val_` of either. */
  metric: string;
  mode: EarlyStoppingMode;
  patience: number;
  minDelta: number;
}

/** How asynchronous and hogwild workers talk to the parameter server (Elephas' `frequency`). */
export interface AsyncSpec {
  frequency: PushFrequency;
  /** With frequency `batch`: pull and push every this many batches. */
  pushEvery: number;
  /** A delta computed on a version more than this many versions old is stale; null: no bound. */
  maxStaleness: number | null;
  stalePolicy: StalePolicy;
}

export interface TrainingSpec {
  mode: TrainingMode;
  epochs: number;
  batchSize: number;
  partitions: number;
  /** Epochs each worker trains on its partition between two averagings (synchronous). */
  localEpochs: number;
  /**
   * Synchronous local SGD: rounds per epoch, each training every partition on its next slice of the epoch's batches
   * (in the epoch's seeded order) before averaging; 1 when absent. Needs `localEpochs` 1.
   */
  roundsPerEpoch?: number;
  validationSplit: number;
  /** Evaluated on the workers after every round; its metrics join the round's as `val_*`. */
  validationDatasetId?: string;
  seed: number;
  /** Asynchronous and hogwild modes only. */
  async?: AsyncSpec;
  /** How synchronous workers send deltas: float16 halves the bytes at a small cost in precision. */
  deltaEncoding?: DeltaEncoding;
  /** Synchronous jobs; `reset` when absent. */
  optimizerState?: OptimizerState;
  /** The learning rate after warmup is the compile optimizer's × 1, P or √P; `none` when absent. */
  lrScaling?: LrScaling;
  /** Epochs over which the rate ramps linearly from the base to the scaled rate; 0 when absent. */
  warmupEpochs?: number;
  /** Decay after warmup; a constant rate when absent. */
  lrSchedule?: LrSchedule;
  /** Synchronous: FedAvgM's server momentum β on the averaged delta (v ← βv + Δ, w ← w + v); 0 (plain FedAvg) when absent. */
  serverMomentum?: number;
  /** Synchronous: stop once the metric stops improving; the best round's weights become the model. */
  earlyStopping?: EarlyStoppingSpec;
  /** Keep the weights every this many rounds (and always at the end) as a checkpoint; absent: at the end only. */
  checkpointEvery?: number;
  /** How many checkpoints are kept, the newest; older ones are deleted. */
  keepCheckpoints?: number;
  /** Synchronous: with fewer live workers than this, the job is `waiting` instead of training (elastic). */
  minWorkers?: number;
  /** Synchronous: at most this many workers train the job at once; the others leave it alone. */
  maxWorkers?: number;
  /** How long a job may stay `waiting` for `minWorkers` before it fails; 600 when absent. */
  workerWaitSeconds?: number;
}

/**
 * A change in the workers training a job: `joined`, `left` (it said goodbye: a clean stop) or `lost` (it went
 * silent). `members` are the job's workers after the change; `round` is the round the job was at.
 */
export interface MembershipEvent {
  at: string;
  round: number;
  change: 'joined' | 'left' | 'lost';
  workerId: string;
  members: string[];
}

/**
 * Where a job's starting weights come from: another job's checkpoint of round `round` (its model when absent), or a
 * tfjs artifact already in the bucket (object keys of its model.json and its one weights file).
 */
export type InitialWeightsSource = { jobId: string; round?: number } | { modelJson: string; weights: string };

/** One checkpoint kept in S3 (`checkpointJsonKey` / `checkpointWeightsKey`). */
export interface CheckpointRecord {
  /** The weights after this many rounds. */
  round: number;
  epoch: number;
  weightsSha256: string;
  at: string;
}

/** One `POST /jobs/:id/resume`. */
export interface ResumeRecord {
  at: string;
  /** The status the job had (failed or cancelled) and the checkpoint round it went on from. */
  from: JobStatus;
  round: number;
}

/** What the parameter server counted for one asynchronous or hogwild job. */
export interface PushStats {
  /** Pushes that moved the weights (accepted, scaled or not). */
  pushes: number;
  stale: number;
  rejected: number;
  scaled: number;
  /** Pushes seen again (a worker retried after a timeout) and answered without applying them twice. */
  duplicates?: number;
  /** Pushes answered "busy" because the job's push queue was full. */
  busy?: number;
  version: number;
}

/** What `POST /jobs` accepted, after validation and defaults. */
export interface JobSpec {
  name: string;
  /** Keras / tfjs-layers JSON topology (`model.to_json()` / `model.toJSON()`). */
  model: Record<string, unknown>;
  compile: CompileSpec;
  datasetId: string;
  training: TrainingSpec;
  /** Fine-tuning or a warm restart: the weights the job starts from instead of a fresh initialisation. */
  initialWeights?: InitialWeightsSource;
}

export interface WorkerRoundStat {
  workerId: string;
  partition: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  backend: string;
  /** The task attempt whose result the round used. */
  attempt?: string;
  /** Asynchronous and hogwild: pushes of that attempt the parameter server acknowledged as applied. */
  pushes?: number;
}

/** Asynchronous and hogwild: one push the parameter server answered, with the training metrics it carried. */
export interface VersionPoint {
  /** The weights version once this push was answered. */
  version: number;
  at: string;
  partition: number;
  workerId?: string;
  staleness: number;
  outcome: 'applied' | 'scaled' | 'rejected';
  /** The worker's training metrics (loss, accuracy, ...) over the steps since its previous push. */
  metrics: Record<string, number>;
}

/** One completed round of a job: what the history and the events carry. */
export interface RoundRecord {
  round: number;
  /** Epochs completed once this round is averaged: fractional with `roundsPerEpoch` (0.5, 1, 1.5... with 2). */
  epoch: number;
  metrics: Record<string, number>;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  workers: WorkerRoundStat[];
  /** sha256 (hex) of the weights this round produced, as little-endian float32: two runs compare round by round. */
  weightsSha256?: string;
  /**
   * The learning rate the round's tasks trained with. Asynchronous and hogwild (one round, the rate set per step):
   * the rate the schedule reaches at the job's last epoch, with `learningRateRange` the lowest and highest it took.
   */
  learningRate?: number;
  /** Asynchronous and hogwild: [lowest, highest] learning rate of the schedule over the job. */
  learningRateRange?: [number, number];
}

export interface EvaluationRecord {
  id: string;
  datasetId: string;
  status: 'running' | 'succeeded' | 'failed';
  samples: number;
  metrics: Record<string, number>;
  error?: string;
}

/** A job as stored in the `tusk-jobs` KV bucket (updated with compare-and-set). */
export interface JobRecord {
  id: string;
  /** Set on a sweep's trials. */
  sweepId?: string;
  spec: JobSpec;
  status: JobStatus;
  error?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Rounds completed; the weights of version `round` are the newest. */
  round: number;
  totalRounds: number;
  params: number;
  history: RoundRecord[];
  backends: string[];
  modelReady: boolean;
  evaluations?: EvaluationRecord[];
  /** Asynchronous and hogwild jobs: what the parameter server applied. */
  pushStats?: PushStats;
  /** Asynchronous and hogwild: the pushes' metrics by version, thinned evenly to at most MAX_VERSION_POINTS. */
  versions?: VersionPoint[];
  /** sha256 of the weights the job started from (round 0), as the rounds' `weightsSha256`. */
  initialWeightsSha256?: string;
  /** The checkpoints kept, oldest first. */
  checkpoints?: CheckpointRecord[];
  resumes?: ResumeRecord[];
  /** Synchronous: every change in the workers training the job, oldest first (at most MAX_MEMBERSHIP_EVENTS). */
  membership?: MembershipEvent[];
  /** Set while the job is `waiting` for workers: since when. */
  waitingSince?: string;
  /** With `earlyStopping`: the round whose weights are the model (the best value of the metric so far). */
  bestRound?: number;
  /** With `earlyStopping`, once the job ended: true when it stopped before `totalRounds`. */
  stoppedEarly?: boolean;
}

/** The most membership events a job record keeps, the newest (the record is one KV entry). */
export const MAX_MEMBERSHIP_EVENTS = 500;

/** The most version points a job record keeps (the record is one KV entry). */
export const MAX_VERSION_POINTS = 2000;

/** A progress event on `tusk.events.<job>`, streamed to clients as server-sent events. */
export interface JobEvent {
  jobId: string;
  type: 'status' | 'round' | 'evaluation' | 'progress' | 'version' | 'membership';
  status: JobStatus;
  round: number;
  totalRounds: number;
  progress: number;
  etaSeconds: number | null;
  record?: RoundRecord;
  /** `version` events: one push the parameter server answered. */
  point?: VersionPoint;
  /** `membership` events: the change. */
  membership?: MembershipEvent;
  error?: string;
  at: string;
}
