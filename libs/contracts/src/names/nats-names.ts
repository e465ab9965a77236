/** NATS stream, consumer, bucket and subject names: apps never spell these as literals. */
export const TASKS_STREAM = 'TUSK_TASKS';
export const TASKS_SUBJECT_PREFIX = 'tusk.tasks';
/** One durable pull consumer shared by every worker, so that adding workers adds throughput. */
export const TASKS_CONSUMER = 'tusk-workers';
export const RESULTS_STREAM = 'TUSK_RESULTS';
export const RESULTS_SUBJECT_PREFIX = 'tusk.results';
export const EVENTS_SUBJECT_PREFIX = 'tusk.events';
export const PS_SUBJECT_PREFIX = 'tusk.ps';

export const WEIGHTS_BUCKET = 'tusk-weights';
export const JOBS_BUCKET = 'tusk-jobs';
export const WORKERS_BUCKET = 'tusk-workers';

export const taskSubject = (jobId: string): string => `${TASKS_SUBJECT_PREFIX}.${jobId}`;
export const resultSubject = (jobId: string): string => `${RESULTS_SUBJECT_PREFIX}.${jobId}`;
export const eventSubject = (jobId: string): string => `${EVENTS_SUBJECT_PREFIX}.${jobId}`;
export const psPushSubject = (jobId: string): string => `${PS_SUBJECT_PREFIX}.${jobId}.push`;

/** KV keys of weight versions and of deltas in the weights bucket. */
export const weightsKey = (jobId: string, version: number | 'final'): string => `w.${jobId}.${version}`;
export const deltaKey = (jobId: string, round: number, partition: number): string => `d.${jobId}.${round}.${partition}`;
export const jobRecordKey = (jobId: string): string => `job.${jobId}`;
export const workerHeartbeatKey = (workerId: string): string => `worker.${workerId}`;
/** Newest-version pointer of an asynchronous job's weights (updated with compare-and-set). */
export const weightsHeadKey = (jobId: string): string => `h.${jobId}`;
/** One queue group: any parameter-server replica may take any push; compare-and-set keeps them consistent. */
export const PS_QUEUE_GROUP = 'tusk-parameter-servers';
export const psPushWildcard = (): string => `${PS_SUBJECT_PREFIX}.*.push`;
