import { Inject, Injectable } from '@nestjs/common';
import { JOBS_BUCKET, jobRecordKey as jobKey, type JobRecord } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { casUpdate, listRecords } from './cas-update.js';

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
  update(id: string, change: (record: JobRecord) => JobRecord | void): Promise<JobRecord> {
    return casUpdate({ kv: this.infra.buckets.jobs, key: jobKey(id), what: `job ${id}`, change });
  }

  list(): Promise<JobRecord[]> {
    return listRecords<JobRecord>({ kv: this.infra.buckets.jobs, jsm: this.infra.jsm, bucket: JOBS_BUCKET, filter: 'job.*' });
  }
}
