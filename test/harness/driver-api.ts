import type { JobRecord } from '@tusk/contracts';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { eventually } from './test-env.js';
import { blobsCsv, blobsModel } from '../e2e/synthetic-data.js';

const ADAM_001 = { optimizer: { className: 'adam', config: { learning_rate: 0.01 } }, loss: 'categorical_crossentropy', metrics: ['accuracy'] };

/** Small typed HTTP helpers against a cluster's driver; with `token`, every call sends it as the bearer token. */
export function driverApi(cluster: LocalCluster, { token }: { token?: string } = {}) {
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const headers = new Headers(init?.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`${cluster.driverUrl}${path}`, { ...init, headers });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };
  return {
    call,
    async uploadBlobs({ rows, partitions, seed = 1 }: { rows: number; partitions: number; seed?: number }): Promise<string> {
      const form = new FormData();
      form.set('format', 'csv');
      form.set('labelColumns', 'label');
      form.set('partitions', String(partitions));
      form.set('file', new Blob([blobsCsv({ rows, seed })]), 'blobs.csv');
      return (await call<{ id: string }>('/datasets', { method: 'POST', body: form })).id;
    },
    submit(datasetId: string, training: Record<string, unknown>, compile: Record<string, unknown> = ADAM_001): Promise<JobRecord> {
      return call<JobRecord>('/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: blobsModel, compile, datasetId, training }),
      });
    },
    /** Polls until the job ends; tolerates a driver that is down for a while. */
    finished(jobId: string, timeoutMs: number): Promise<JobRecord> {
      return eventually(async () => {
        const j = await call<JobRecord>(`/jobs/${jobId}`).catch(() => null);
        return j && ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : null;
      }, { timeoutMs, what: `job ${jobId} to finish` });
    },
    reachedStatus(jobId: string, status: JobRecord['status']): Promise<JobRecord> {
      return eventually(async () => {
        const j = await call<JobRecord>(`/jobs/${jobId}`);
        return j.status === status ? j : null;
      }, { timeoutMs: 60_000, what: `job ${jobId} to be ${status}` });
    },
    /** Waits until the job has completed at least `round` rounds. */
    reachedRound(jobId: string, round: number): Promise<JobRecord> {
      return eventually(async () => {
        const j = await call<JobRecord>(`/jobs/${jobId}`);
        return j.round >= round ? j : null;
      }, { timeoutMs: 60_000, what: `job ${jobId} to reach round ${round}` });
    },
  };
}
