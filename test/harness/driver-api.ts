import { isFinalStatus, TuskApiError, TuskClient, type JobWithProgress } from '@tusk/client';
import type { JobEvent, JobRecord } from '@tusk/contracts';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { eventually } from './test-env.js';
import { blobsCsv, blobsModel } from '../e2e/synthetic-data.js';

const ADAM_001 = {
  optimizer: { className: 'adam', config: { learning_rate: 0.01 } },
  loss: 'categorical_crossentropy',
  metrics: ['accuracy'],
};

/** What a refused call answered; fails the test when the call succeeds or fails some other way. */
export async function refusalOf(call: Promise<unknown>): Promise<{ status: number; field?: string; message: string }> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof TuskApiError))
    throw new Error(`expected the driver to refuse the call, got ${err === null ? 'success' : String(err)}`);
  return { status: err.status, field: err.field, message: err.message };
}

/** The SDK against a test cluster's driver, plus the waits and fixtures the specs share. */
export class TestDriverApi extends TuskClient {
  /** A blobs CSV dataset (4 features, 3 classes); resolves to its id. */
  async uploadBlobs({ rows, partitions, seed = 1 }: { rows: number; partitions: number; seed?: number }): Promise<string> {
    const file = { data: new Blob([blobsCsv({ rows, seed })]), filename: 'blobs.csv' };
    return (await this.createDataset({ format: 'csv', labelColumns: 'label', partitions, file })).id;
  }

  /** A job of the blobs model on a dataset. */
  submit(datasetId: string, training: Record<string, unknown>, compile: Record<string, unknown> = ADAM_001): Promise<JobRecord> {
    return this.createJob({ model: blobsModel, compile, datasetId, training });
  }

  /** Polls until the job ends; tolerates a driver that is down for a while. */
  finished(jobId: string, timeoutMs: number): Promise<JobWithProgress> {
    return eventually(
      async () => {
        const j = await this.job(jobId).catch(() => null);
        return j && isFinalStatus(j.status) ? j : null;
      },
      { timeoutMs, what: `job ${jobId} to finish` },
    );
  }

  reachedStatus(jobId: string, status: JobRecord['status']): Promise<JobWithProgress> {
    return eventually(
      async () => {
        const j = await this.job(jobId);
        return j.status === status ? j : null;
      },
      { timeoutMs: 60_000, what: `job ${jobId} to be ${status}` },
    );
  }

  /** Waits until the job has completed at least `round` rounds. */
  reachedRound(jobId: string, round: number): Promise<JobWithProgress> {
    return eventually(
      async () => {
        const j = await this.job(jobId);
        return j.round >= round ? j : null;
      },
      { timeoutMs: 60_000, what: `job ${jobId} to reach round ${round}` },
    );
  }

  /** Reads the job's event stream until it ends (the job ended) or `signal` aborts; resolves with every event. */
  async collectJobEvents(jobId: string, signal?: AbortSignal): Promise<JobEvent[]> {
    const events: JobEvent[] = [];
    try {
      for await (const event of this.jobEvents(jobId, signal)) events.push(event);
    } catch (err) {
      if (!signal?.aborted) throw err;
    }
    return events;
  }
}

/** The SDK for a cluster's driver; with `token`, every call sends it as the bearer token. */
export function driverApi(cluster: LocalCluster, { token }: { token?: string } = {}): TestDriverApi {
  return new TestDriverApi({ baseUrl: cluster.driverUrl, token });
}
