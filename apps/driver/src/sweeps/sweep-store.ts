import { Inject, Injectable } from '@nestjs/common';
import { encodeMessage, JOBS_BUCKET, sweepEventSubject, sweepRecordKey, type SweepEvent, type SweepRecord } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { casChange, listRecords } from '../jobs/cas-update.js';

/** Sweep records in the `tusk-jobs` KV bucket under `sweep.<id>`, beside the jobs they run; every change is a compare-and-set. */
@Injectable()
export class SweepStore {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  async create(record: SweepRecord): Promise<void> {
    await this.infra.buckets.jobs.create(sweepRecordKey(record.id), JSON.stringify(record));
    this.publish(record, 'status');
  }

  async get(id: string): Promise<SweepRecord | null> {
    const entry = await this.infra.buckets.jobs.get(sweepRecordKey(id));
    return entry && entry.operation === 'PUT' ? entry.json<SweepRecord>() : null;
  }

  /** Writes the change, if it changes anything, and tells `GET /sweeps/:id/events` followers (`status` when the sweep's status moved). */
  async update(id: string, change: (record: SweepRecord) => SweepRecord | void): Promise<SweepRecord> {
    let statusBefore: SweepRecord['status'] | undefined;
    const { record, changed } = await casChange<SweepRecord>({
      kv: this.infra.buckets.jobs,
      key: sweepRecordKey(id),
      what: `sweep ${id}`,
      onlyIfChanged: true,
      change: (current) => {
        statusBefore = current.status;
        return change(current);
      },
    });
    if (changed) this.publish(record, record.status === statusBefore ? 'trial' : 'status');
    return record;
  }

  list(): Promise<SweepRecord[]> {
    return listRecords<SweepRecord>({ kv: this.infra.buckets.jobs, jsm: this.infra.jsm, bucket: JOBS_BUCKET, filter: 'sweep.*' });
  }

  /** Best effort, like job events: a follower that misses one gets the whole leaderboard with the next. */
  private publish(sweep: SweepRecord, type: SweepEvent['type']): void {
    const event: SweepEvent = { sweepId: sweep.id, type, sweep, at: new Date().toISOString() };
    try {
      this.infra.nc.publish(sweepEventSubject(sweep.id), encodeMessage(event));
    } catch {
      // NATS away: the record is the truth, followers re-read it.
    }
  }
}
