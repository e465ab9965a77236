import type { DatasetManifest, EvaluationRecord, JobRecord, JobSummary, SweepRecord, WorkerHeartbeat } from '@tusk/contracts';
import type { JobLogLine } from '@tusk/contracts';
import { apiErrorOf } from './api-error.js';
import { authHeaders } from './token.js';

/** Called on every 401, so the app can ask for the token. */
let unauthorized: () => void = () => {};
export const onUnauthorized = (handler: () => void): void => {
  unauthorized = handler;
};

async function request<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const headers = authHeaders(json === undefined ? {} : { 'Content-Type': 'application/json' });
  const res = await fetch(path, { ...rest, headers, body: json === undefined ? rest.body : JSON.stringify(json) });
  if (!res.ok) throw await refusal(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export async function refusal(res: Response): Promise<Error> {
  if (res.status === 401) unauthorized();
  const body = await res.json().catch(() => null);
  return apiErrorOf(res.status, body, res.statusText);
}

export type JobWithProgress = JobRecord & { progress: number; etaSeconds: number | null };

/** The driver's REST API, as the dashboard uses it. */
export const api = {
  jobs: () => request<JobSummary[]>('/jobs?view=summary'),
  job: (id: string) => request<JobWithProgress>(`/jobs/${id}`),
  createJob: (body: unknown) => request<JobRecord>('/jobs', { method: 'POST', json: body }),
  cancelJob: (id: string) => request<JobRecord>(`/jobs/${id}`, { method: 'DELETE' }),
  evaluate: (id: string, datasetId: string) => request<EvaluationRecord>(`/jobs/${id}/evaluate`, { method: 'POST', json: { datasetId } }),
  jobLogs: (id: string, limit = 200) => request<JobLogLine[]>(`/jobs/${id}/logs?limit=${limit}`),
  modelFile: async (id: string, file: 'model.json' | 'weights.bin'): Promise<Blob> => {
    const res = await fetch(`/jobs/${id}/model/${file}`, { headers: authHeaders() });
    if (!res.ok) throw await refusal(res);
    return res.blob();
  },
  sweeps: () => request<SweepRecord[]>('/sweeps'),
  sweep: (id: string) => request<SweepRecord>(`/sweeps/${id}`),
  cancelSweep: (id: string) => request<SweepRecord>(`/sweeps/${id}`, { method: 'DELETE' }),
  workers: () => request<WorkerHeartbeat[]>('/workers'),
  datasets: () => request<DatasetManifest[]>('/datasets'),
  dataset: (id: string) => request<DatasetManifest>(`/datasets/${id}`),
  health: () => request<Record<string, unknown>>('/health'),
};
