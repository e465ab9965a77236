import type { JobRecord, ParamDomain, SweepRecord, SweepSampler, SweepScheduler, SweepStatus, TrialRecord } from '@tusk/contracts';

/** The body of `POST /sweeps` (the driver fills in the defaults it shows in `spec`). */
export interface CreateSweepRequest {
  name?: string;
  baseJob: Record<string, unknown>;
  space: Record<string, ParamDomain>;
  sampler?: SweepSampler;
  maxTrials?: number;
  maxConcurrentTrials?: number;
  maxFailedTrials?: number;
  metric: string;
  mode?: 'min' | 'max';
  scheduler?: SweepScheduler;
}

export const FINAL_SWEEP_STATUSES: readonly SweepStatus[] = ['succeeded', 'failed', 'cancelled'];

/** The sweeps half of the driver's REST API, as the bench needs it; non-2xx answers throw with the body. */
export class SweepClient {
  readonly baseUrl: string;

  constructor(baseUrl: string, private readonly token?: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> HTTP ${res.status}: ${text.slice(0, 2000)}`);
    return JSON.parse(text) as T;
  }

  createSweep(body: CreateSweepRequest): Promise<SweepRecord> {
    return this.json<SweepRecord>('POST', '/sweeps', body);
  }

  getSweep(id: string): Promise<SweepRecord> {
    return this.json<SweepRecord>('GET', `/sweeps/${encodeURIComponent(id)}`);
  }

  cancelSweep(id: string): Promise<SweepRecord> {
    return this.json<SweepRecord>('DELETE', `/sweeps/${encodeURIComponent(id)}`);
  }

  getJob(id: string): Promise<JobRecord> {
    return this.json<JobRecord>('GET', `/jobs/${encodeURIComponent(id)}`);
  }

  /**
   * Polls `GET /sweeps/:id` every pollMs until the sweep is final, calling onChange with each trial whose
   * status, rung count or rounds changed since the previous poll (and the record). A poll that fails (the
   * driver busy for a moment) is retried; `timeoutMs` bounds the whole wait. Returns the final record.
   */
  async follow(id: string, onChange: (trial: TrialRecord, before: TrialRecord | undefined, sweep: SweepRecord) => void, { pollMs = 1_000, timeoutMs = 60 * 60_000 } = {}): Promise<SweepRecord> {
    const seen = new Map<number, TrialRecord>();
    const deadline = Date.now() + timeoutMs;
    let failures = 0;
    for (;;) {
      let sweep: SweepRecord | undefined;
      try {
        sweep = await this.getSweep(id);
        failures = 0;
      } catch (err) {
        if (++failures >= 10) throw err;
      }
      if (sweep) {
        for (const t of sweep.trials) {
          const before = seen.get(t.index);
          if (!before || before.status !== t.status || before.rungs.length !== t.rungs.length) onChange(t, before, sweep);
          seen.set(t.index, t);
        }
        if (FINAL_SWEEP_STATUSES.includes(sweep.status)) return sweep;
      }
      if (Date.now() > deadline) throw new Error(`sweep ${id} still ${sweep?.status ?? 'unknown'} after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}
