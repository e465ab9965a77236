/** Nothing moved for a job for TUSK_STALL_TIMEOUT_S: no result, no push, no heartbeat from a worker holding its tasks. */
export class JobStalledError extends Error {
  /** Waiting longer is what the stall timeout already did: never retried as an outage. */
  readonly transient = false;

  constructor({
    group,
    partitions,
    workers,
    seconds,
    liveWorkers,
  }: {
    group: string;
    partitions: number[];
    workers: string[];
    seconds: number;
    liveWorkers: number;
  }) {
    const held = workers.length > 0 ? `last held by ${workers.join(', ')}` : `no worker took them (${liveWorkers} live worker(s))`;
    super(
      `stalled: nothing moved for ${seconds} s (TUSK_STALL_TIMEOUT_S); ` +
        `${group} partitions [${partitions.join(', ')}] have no result, ${held}`,
    );
    this.name = 'JobStalledError';
  }
}

/** A wait was given up because the job was cancelled or the driver is stopping. */
export class WaitAbortedError extends Error {
  constructor() {
    super('wait aborted');
    this.name = 'WaitAbortedError';
  }
}
