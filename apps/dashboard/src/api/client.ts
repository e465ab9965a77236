import { TuskClient } from '@tusk/client';
import { apiToken } from './token.js';

export type { JobWithProgress } from '@tusk/client';

/** Called on every 401, so the app can ask for the token. */
let unauthorized: () => void = () => {};
export const onUnauthorized = (handler: () => void): void => {
  unauthorized = handler;
};

/** The SDK on this page's origin, with the token kept in this browser (read at every call: it can change). */
export const client = new TuskClient({
  baseUrl: '',
  token: () => apiToken.get(),
  onRefused: (error) => {
    if (error.status === 401) unauthorized();
  },
});

/** The calls the pages make, as plain functions (usePoll takes them unbound). */
export const api = {
  jobs: () => client.jobSummaries(),
  job: (id: string) => client.job(id),
  createJob: (body: Record<string, unknown>) => client.createJob(body),
  cancelJob: (id: string) => client.cancelJob(id),
  evaluate: (id: string, datasetId: string) => client.evaluate(id, datasetId),
  jobLogs: (id: string, limit = 200) => client.jobLogs(id, { limit }),
  modelFile: async (id: string, file: 'model.json' | 'weights.bin'): Promise<Blob> => new Blob([await client.modelFile(id, file)]),
  sweeps: () => client.sweeps(),
  sweep: (id: string) => client.sweep(id),
  cancelSweep: (id: string) => client.cancelSweep(id),
  workers: () => client.workers(),
  datasets: () => client.datasets(),
  dataset: (id: string) => client.dataset(id),
  health: () => client.health(),
};
