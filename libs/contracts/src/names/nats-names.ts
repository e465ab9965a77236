/** NATS stream, consumer, bucket and subject names: apps never spell these as literals. */
export const TASKS_STREAM = 'TUSK_TASKS';
export const TASKS_SUBJECT_PREFIX = 'tusk.tasks';
/** One durable pull consumer shared by every worker, so that adding workers adds throughput: it reads unaddressed tasks only. */
export const TASKS_CONSUMER = 'tusk-workers';
/** Tasks addressed to no worker (`tusk.tasks.<job>.<kind>.<round>.<partition>`): the shared consumer's filter. */
export const UNADDRESSED_TASKS_FILTER = `${TASKS_SUBJECT_PREFIX}.*.*.*.*`;
/** Each worker's own durable consumer of the tasks addressed to it (partition affinity). */
export const workerTasksConsumer = (workerId: string): string => `tusk-worker-${workerId}`;
/** The tasks addressed to one worker: a token more than an unaddressed task, so the two filters never overlap. */
export const addressedTasksFilter = (workerId: string): string => `${UNADDRESSED_TASKS_FILTER}.${workerId}`;
/** A worker drops its consumer after this long without pulling (it left); it makes it again when it pulls. */
export const WORKER_CONSUMER_INACTIVE_MS = 15 * 60_000;
/**
 * What a worker holds decoded, as named in its heartbeat: `<dataset>/<p>of<n>` is the rows of dataset parts p, p+n, p+2n…,
 * which a training task of an n-partition job (or evaluation part p of an n-part dataset) reads.
 */
export const partitionLabel = ({ datasetId, partition, of }: { datasetId: string; partition: number; of: number }): string =>
  `${datasetId}/${partition}of${of}`;
export const RESULTS_STREAM = 'TUSK_RESULTS';
export const RESULTS_SUBJECT_PREFIX = 'tusk.results';
export const EVENTS_SUBJECT_PREFIX = 'tusk.events';
export const PS_SUBJECT_PREFIX = 'tusk.ps';

export const WEIGHTS_BUCKET = 'tusk-weights';
export const JOBS_BUCKET = 'tusk-jobs';
export const WORKERS_BUCKET = 'tusk-workers';

/** What names one task: a training round's partition, or one part of an evaluation. */
export interface TaskRef {
  jobId: string;
  kind: string;
  round: number;
  partition: number;
  evaluationId?: string;
}

/** `<job>.<kind>.<round or evaluation>`: the group a task belongs to (one training round, or one evaluation). */
export const taskGroupId = (t: Omit<TaskRef, 'partition'>): string => `${t.jobId}.${t.kind}.${t.evaluationId ?? t.round}`;
/** `<job>.<kind>.<round or evaluation>.<partition>`: a task's identity, shared by its subject, its result and its logs. */
export const taskId = (t: TaskRef): string => `${taskGroupId(t)}.${t.partition}`;
/** One subject per task, so the driver can ask the stream whether a task is still queued or held by a worker. */
export const taskSubject = (t: TaskRef): string => `${TASKS_SUBJECT_PREFIX}.${taskId(t)}`;
/** A task addressed to the worker that holds its partition: read only by that worker's own consumer. */
export const addressedTaskSubject = (t: TaskRef, workerId: string): string => `${taskSubject(t)}.${workerId}`;
/** The worker a task's subject is addressed to, if any. */
export const addresseeOf = (subject: string): string | undefined => subject.split('.')[6];
/** Every task of a job (to purge them on cancel or failure). */
export const jobTasksFilter = (jobId: string): string => `${TASKS_SUBJECT_PREFIX}.${jobId}.>`;
export const resultSubject = (jobId: string): string => `${RESULTS_SUBJECT_PREFIX}.${jobId}`;
export const eventSubject = (jobId: string): string => `${EVENTS_SUBJECT_PREFIX}.${jobId}`;
export const psPushSubject = (jobId: string): string => `${PS_SUBJECT_PREFIX}.${jobId}.push`;

/**
 * One delivery of a task: the task message's stream sequence and its delivery count. A copy the driver
 * publishes again has a new sequence, so every delivery of every copy has an id of its own.
 */
export const attemptId = ({ streamSeq, deliveryCount }: { streamSeq: number; deliveryCount: number }): string =>
  `${streamSeq}-${deliveryCount}`;
export const ATTEMPT_ID_PATTERN = /^\d+-\d+$/;

/** KV keys of weight versions and of deltas in the weights bucket. */
export const weightsKey = (jobId: string, version: number | 'final'): string => `w.${jobId}.${version}`;
/** A delta is keyed by the attempt that wrote it, so a late or duplicate write never mixes with the one the driver reads. */
export const deltaKey = ({
  jobId,
  round,
  partition,
  attempt,
}: {
  jobId: string;
  round: number;
  partition: number;
  attempt: string;
}): string => `d.${jobId}.${round}.${partition}.${attempt}`;
/** Every delta blob (heads and chunks) of one round, or of the whole job without `round`. */
export const deltasPrefix = (jobId: string, round?: number): string => (round === undefined ? `d.${jobId}.` : `d.${jobId}.${round}.`);
/** A partition's optimizer state at the end of a round, written by one attempt (`optimizerState: "partition"`). */
export const optimizerStateKey = ({
  jobId,
  round,
  partition,
  attempt,
}: {
  jobId: string;
  round: number;
  partition: number;
  attempt: string;
}): string => `o.${jobId}.${round}.${partition}.${attempt}`;
export const optimizerStatesPrefix = (jobId: string, round?: number): string =>
  round === undefined ? `o.${jobId}.` : `o.${jobId}.${round}.`;
/** FedAvgM's server velocity that produced weights version `version` (`serverMomentum` > 0); round r reads version r's. */
export const velocityKey = (jobId: string, version: number): string => `v.${jobId}.${version}`;
export const velocitiesPrefix = (jobId: string): string => `v.${jobId}.`;
/** A push too large for one message waits here; the key carries the push id. */
export const pushBlobKey = ({
  jobId,
  partition,
  attempt,
  step,
}: {
  jobId: string;
  partition: number;
  attempt: string;
  step: number;
}): string => `p.${jobId}.${partition}.${attempt}.${step}`;
export const pushBlobsPrefix = (jobId: string): string => `p.${jobId}.`;
export const jobRecordKey = (jobId: string): string => `job.${jobId}`;
export const workerHeartbeatKey = (workerId: string): string => `worker.${workerId}`;
/** Newest-version pointer of an asynchronous job's weights (updated with compare-and-set). */
export const weightsHeadKey = (jobId: string): string => `h.${jobId}`;
/** One queue group: any parameter-server replica may take any push; compare-and-set keeps them consistent. */
export const PS_QUEUE_GROUP = 'tusk-parameter-servers';
export const psPushWildcard = (): string => `${PS_SUBJECT_PREFIX}.*.push`;
