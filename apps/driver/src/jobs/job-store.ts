import { Inject, Injectable } from '@nestjs/common';
import { jobRecordKey as jobKey, type JobRecord } from '@tusk/contracts';
import { Infra } from '@tusk/infra';

/** Two writers raced on one job record more often than the retry budget allows. */
export class JobConflictError extends Error {
  constructor(id: string) {
    super(`job ${id} is being updated concurrently; try again`);
    this.name = 'JobConflictError';
  }
}

const MAX_CAS_RETRIES = 20;

/** Job records in the `tusk-jobs` KV bucket; every change is a compare-and-set on the entry's revision. */
@Injectable()
export class JobStore {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  async create(record: JobRecord): Promise<void> {
    await this.infra.buckets.jobs.create(jobKey(record.id), JSON.stringify(record));
  }

  async get(id: string): Promise<JobRecord | null> {
    const entry = await this.infra.buckets.jobs.get(jobKey(id));
    return entry && entry.operation === 'PUT' ? entry.json<JobRecord>() : null;
  }

  /** Applies `change` to the newest record and writes it back only if nobody wrote in between. */
  async update(id: string, change: (record: JobRecord) => JobRecord | void): Promise<JobRecord> {
    const kv = this.infra.buckets.jobs;
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const entry = await kv.get(jobKey(id));
      if (!entry || entry.operation !== 'PUT') throw new Error(`job ${id} not found`);
      const current = entry.json<JobRecord>();
      const next = change(current) ?? current;
      next.updatedAt = new Date().toISOString();
      try {
        await kv.update(jobKey(id), JSON.stringify(next), entry.revision);
        return next;
      } catch (err) {
        if (!/wrong last sequence|revision/i.test(String(err))) throw err;
      }
    }
    throw new JobConflictError(id);
  }

  async list(): Promise<JobRecord[]> {
    const kv = this.infra.buckets.jobs;
    const out: JobRecord[] = [];
    for await (const key of await kv.keys('job.*')) {
      const entry = await kv.get(key);
      if (entry && entry.operation === 'PUT') out.push(entry.json<JobRecord>());
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}
