import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import {
  LOGS_STREAM,
  LOGS_SUBJECT_PREFIX,
  RESULTS_STREAM,
  RESULTS_SUBJECT_PREFIX,
  TASKS_CONSUMER,
  TASKS_STREAM,
  TASKS_SUBJECT_PREFIX,
  UNADDRESSED_TASKS_FILTER,
  WORKER_CONSUMER_INACTIVE_MS,
  addressedTasksFilter,
  workerTasksConsumer,
} from '@tusk/contracts';

const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;
const NS_PER_MS = 1e6;

/** How many copies of every stream and KV bucket the servers keep (TUSK_NATS_REPLICAS); 1 unless given. */
export interface ReplicaOptions {
  replicas?: number;
}

/** The server refused a stream's replica count: the message names TUSK_NATS_REPLICAS and the server's reason. */
export class StreamReplicasError extends Error {
  constructor(stream: string, replicas: number, cause: unknown) {
    super(
      `TUSK_NATS_REPLICAS=${replicas}: NATS refused ${replicas} replica(s) for stream ${stream} ` +
        `(a single server takes 1 only, a cluster at most its size): ${(cause as Error)?.message ?? cause}`,
      { cause },
    );
    this.name = 'StreamReplicasError';
  }
}

const REPLICAS_REFUSED = /replicas|insufficient resources|non-clustered/i;

/**
 * Creates the stream, or updates an existing one to this config. A stream made with other replicas is scaled
 * to `num_replicas` in place (NATS copies the data; nothing is lost), so raising TUSK_NATS_REPLICAS needs no migration;
 * a count the servers cannot hold fails with StreamReplicasError.
 */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  await createOrUpdate(jsm, config).catch((err: unknown) => {
    throw explainReplicaRefusal({ err, stream: config.name, replicas: config.num_replicas ?? 1 });
  });
}

/** The error to throw for a failed create or update: a StreamReplicasError when the servers refused the replica count. */
export function explainReplicaRefusal({ err, stream, replicas }: { err: unknown; stream: string; replicas: number }): unknown {
  return REPLICAS_REFUSED.test(String(err)) ? new StreamReplicasError(stream, replicas, err) : err;
}

async function createOrUpdate(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch (err) {
    if (!/not found/i.test(String(err))) throw err;
    await jsm.streams.add(config);
    return;
  }
  await jsm.streams.update(config.name, config);
}

/** Creates the work-queue stream of partition tasks: a message is deleted once a worker acks it. */
export async function ensureTaskStream(jsm: JetStreamManager, { replicas = 1 }: ReplicaOptions = {}): Promise<void> {
  await ensureStream(jsm, {
    name: TASKS_STREAM,
    num_replicas: replicas,
    subjects: [`${TASKS_SUBJECT_PREFIX}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: DUPLICATE_WINDOW_NS,
  });
}

/** Creates the results stream; `Nats-Msg-Id` dedupes a result published twice after a redelivery. */
export async function ensureResultStream(jsm: JetStreamManager, { replicas = 1 }: ReplicaOptions = {}): Promise<void> {
  await ensureStream(jsm, {
    name: RESULTS_STREAM,
    num_replicas: replicas,
    subjects: [`${RESULTS_SUBJECT_PREFIX}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: DUPLICATE_WINDOW_NS,
    max_age: 7 * 24 * 3600 * 1e9,
  });
}

/** Most lines kept per job, and for how long: the job log is for reading the recent past, not an archive. */
export const LOG_LINES_PER_JOB = 1000;
const LOG_MAX_AGE_NS = 7 * 24 * 3600 * 1e9;

/** Creates the stream of job log lines: per job (subject) the newest lines, older ones discarded. */
export async function ensureLogStream(jsm: JetStreamManager, { replicas = 1 }: ReplicaOptions = {}): Promise<void> {
  await ensureStream(jsm, {
    name: LOGS_STREAM,
    num_replicas: replicas,
    subjects: [`${LOGS_SUBJECT_PREFIX}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_msgs_per_subject: LOG_LINES_PER_JOB,
    max_age: LOG_MAX_AGE_NS,
    discard: DiscardPolicy.Old,
  });
}

export interface TaskConsumerOptions {
  ackWaitMs: number;
  maxDeliver: number;
}

/**
 * Creates the durable pull consumer that every worker shares, reading the tasks addressed to no worker. One made before
 * partition affinity read every task (`tusk.tasks.>`): its filter is narrowed, or it could not coexist with the workers' own.
 */
export async function ensureTaskConsumer(jsm: JetStreamManager, { ackWaitMs, maxDeliver }: TaskConsumerOptions): Promise<void> {
  const config = {
    durable_name: TASKS_CONSUMER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ackWaitMs * NS_PER_MS,
    max_deliver: maxDeliver,
    filter_subject: UNADDRESSED_TASKS_FILTER,
    max_ack_pending: -1,
  };
  try {
    await jsm.consumers.info(TASKS_STREAM, TASKS_CONSUMER);
    await jsm.consumers.update(TASKS_STREAM, TASKS_CONSUMER, {
      ack_wait: config.ack_wait,
      max_deliver: maxDeliver,
      filter_subject: UNADDRESSED_TASKS_FILTER,
    });
  } catch (err) {
    if (!/not found/i.test(String(err))) throw err;
    await jsm.consumers.add(TASKS_STREAM, config);
  }
}

/**
 * Creates a worker's own durable consumer of the tasks addressed to it. It vanishes after a while without pulls (a
 * worker that left); its tasks stay in the stream, and the driver hands them back to the shared consumer.
 */
export async function ensureWorkerTaskConsumer(
  jsm: JetStreamManager,
  { workerId, ackWaitMs, maxDeliver }: TaskConsumerOptions & { workerId: string },
): Promise<void> {
  const name = workerTasksConsumer(workerId);
  const config = {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ackWaitMs * NS_PER_MS,
    max_deliver: maxDeliver,
    filter_subject: addressedTasksFilter(workerId),
    max_ack_pending: -1,
    inactive_threshold: WORKER_CONSUMER_INACTIVE_MS * NS_PER_MS,
  };
  try {
    await jsm.consumers.add(TASKS_STREAM, config);
  } catch (err) {
    // Made before by a worker of the same id with other settings.
    if (!/already (exists|in use)/i.test(String(err))) throw err;
    await jsm.consumers.update(TASKS_STREAM, name, { ack_wait: config.ack_wait, max_deliver: maxDeliver });
  }
}
