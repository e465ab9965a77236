import type {
  CompileSpec,
  InitialWeightsSource,
  JobRecord,
  LogLevel,
  ParamDomain,
  SweepSampler,
  SweepScheduler,
  TrainingSpec,
} from '@tusk/contracts';

/** The body of `POST /jobs` (the driver fills in the defaults it shows in `spec`). */
export interface CreateJobRequest {
  name?: string;
  /** Keras / tfjs-layers JSON topology (`model.to_json()` / `model.toJSON()`). */
  model: Record<string, unknown>;
  compile: CompileSpec | Record<string, unknown>;
  datasetId: string;
  training: Partial<TrainingSpec> & Record<string, unknown>;
  /** Start from another job's checkpoint of `round`, or its model without one. */
  initialWeights?: InitialWeightsSource;
}

/** `GET /jobs/:id`: the record plus its progress (0..1) and an ETA from the mean round time. */
export type JobWithProgress = JobRecord & { progress: number; etaSeconds: number | null };

/** The body of `POST /sweeps` (the driver fills in the defaults it shows in `spec`). */
export interface CreateSweepRequest {
  name?: string;
  baseJob: Record<string, unknown>;
  space: Record<string, ParamDomain>;
  sampler?: SweepSampler;
  maxTrials?: number;
  maxConcurrentTrials?: number;
  maxFailedTrials?: number;
  metric: string;
  mode?: 'min' | 'max';
  scheduler?: SweepScheduler;
}

export type DatasetFormat = 'csv' | 'npy' | 'idx';

/** A file of an upload: bytes or a Blob (Node: `fs.openAsBlob(path)` streams it from disk), with its file name. */
export type UploadFile = Blob | Uint8Array | { data: Blob | Uint8Array; filename: string };

/** The fields of `POST /datasets` next to the files (or the S3 keys). */
export interface DatasetOptions {
  format: DatasetFormat;
  name?: string;
  partitions?: number;
  seed?: number;
  /** csv: the label column(s); a list or comma-separated. */
  labelColumns?: string | string[];
  featureColumns?: string | string[];
  /** npy: multiplier applied to the features when training (e.g. 1/255). */
  scale?: number;
}

/** `POST /datasets` as multipart: csv takes `file`; npy `features` and `labels`; idx `images` and `labels`. */
export interface DatasetUpload extends DatasetOptions {
  file?: UploadFile;
  features?: UploadFile;
  images?: UploadFile;
  labels?: UploadFile;
}

/** `POST /datasets` as JSON: objects already in the bucket, by key, in the roles of the upload's files. */
export interface DatasetFromS3 extends DatasetOptions {
  source: { file?: string; features?: string; images?: string; labels?: string };
}

export interface JobLogsQuery {
  /** How many of the last lines (200 by default). */
  limit?: number;
  /** The least severe level wanted. */
  level?: LogLevel;
}

/** One check of a health report (`nats`, `s3`, `backend`, `service`), as @nestjs/terminus reports it. */
export interface HealthCheck {
  status: 'up' | 'down';
  [key: string]: unknown;
}

/** `GET /health` (terminus' shape): 200 when NATS and S3 answer, 503 otherwise; both bodies are returned. */
export interface HealthReport {
  status: 'ok' | 'error' | 'shutting_down';
  info?: Record<string, HealthCheck>;
  error?: Record<string, HealthCheck>;
  details: Record<string, HealthCheck>;
}

/** The trained model's files, as `tf.io.fromMemory` takes them. */
export interface ModelFiles {
  modelJson: Record<string, unknown>;
  weightsBin: ArrayBuffer;
}
