import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { WorkerHeartbeat } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { WorkerHeartbeatResponse } from './responses/worker-heartbeat.response.js';

@Controller('workers')
export class WorkersController {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  /** Workers whose heartbeat has not expired: who is training what, on which backend, how fast. */
  @ApiOkResponse({ type: [WorkerHeartbeatResponse] })
  @Get()
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
