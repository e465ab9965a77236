import type { JobStatus, TrainingMode } from './job-record.js';

/** One row of `GET /jobs?view=summary`: a job without its history, for tables that refresh often. */
export interface JobSummary {
  id: string;
  name: string;
  mode: TrainingMode;
  datasetId: string;
  status: JobStatus;
  error?: string;
  /** With earlyStopping, once ended: true when it stopped before the last round. */
  stoppedEarly?: boolean;
  round: number;
  totalRounds: number;
  progress: number;
  etaSeconds: number | null;
  /** The newest round's metrics (loss, accuracy, val_*), empty before the first round. */
  lastMetrics: Record<string, number>;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}
