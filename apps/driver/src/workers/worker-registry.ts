import { Inject, Injectable } from '@nestjs/common';
import type { WorkerHeartbeat } from '@tusk/contracts';
import { Infra } from '@tusk/infra';

/** The workers alive now, read from their heartbeats in KV (an expired heartbeat is gone from the bucket). */
@Injectable()
export class WorkerRegistry {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  async list(): Promise<WorkerHeartbeat[]> {
    const kv = this.infra.buckets.workers;
    const out: WorkerHeartbeat[] = [];
    for await (const key of await kv.keys()) {
      const entry = await kv.get(key);
      if (entry && entry.operation === 'PUT') out.push(entry.json<WorkerHeartbeat>());
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }
}
