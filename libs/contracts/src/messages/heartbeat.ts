/** The task a worker holds: enough for the driver to give it to another worker if this one goes silent. */
export interface HeldTask {
  jobId: string;
  kind: string;
  round: number;
  partition: number;
  evaluationId?: string;
  /** Stream sequence of the task message (the driver deletes it by sequence when it reassigns the task). */
  seq: number;
  attempt: string;
}

/** A worker's heartbeat in the `tusk-workers` KV bucket (expires with the bucket's TTL). */
export interface WorkerHeartbeat {
  id: string;
  backend: string;
  startedAt: string;
  updatedAt: string;
  /** The heartbeat period: the driver counts a worker silent after a few periods without a beat. */
  everyMs: number;
  /**
   * The longest the worker's event loop was blocked lately (one long synchronous training step blocks its
   * beats too): the driver waits at least twice this before it counts the worker silent.
   */
  blockedMs?: number;
  currentTask: HeldTask | null;
  tasksDone: number;
  samplesPerSecond: number;
  /** Partitions held decoded in memory, as `partitionLabel` names them (`<datasetId>/<p>of<n>`): the driver addresses their tasks here. */
  cachedPartitions?: string[];
  memory?: WorkerMemory;
}

export interface WorkerMemory {
  rssBytes: number;
  heapUsedBytes: number;
  /** Bytes held by live tfjs tensors (`tf.memory().numBytes`). */
  tensorBytes: number;
}
