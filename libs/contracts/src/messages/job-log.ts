export const LOGS_STREAM = 'TUSK_LOGS';
export const LOGS_SUBJECT_PREFIX = 'tusk.logs';
/** Log lines about one job, from every service: `tusk.logs.<job>`. */
export const jobLogSubject = (jobId: string): string => `${LOGS_SUBJECT_PREFIX}.${jobId}`;

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** One log line about a job, as `GET /jobs/:id/logs` returns it (JSON stdout lines carry the same fields, with `time` for `at`). */
export interface JobLogLine {
  at: string;
  level: LogLevel;
  service: 'driver' | 'worker' | 'parameter-server';
  /** Which instance wrote it: a worker id, or the service's host name. */
  instance: string;
  /** The class or module that logged (Nest's logger context). */
  context?: string;
  jobId: string;
  round?: number;
  partition?: number;
  message: string;
}
