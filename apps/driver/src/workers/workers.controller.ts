import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { WorkerHeartbeat } from '@tusk/contracts';
import { WorkerRegistry } from './worker-registry.js';
import { WorkerHeartbeatResponse } from './responses/worker-heartbeat.response.js';

@Controller('workers')
export class WorkersController {
  constructor(@Inject(WorkerRegistry) private readonly workers: WorkerRegistry) {}

  /** Workers whose heartbeat has not expired: who is training what, on which backend, how fast. */
  @ApiOkResponse({ type: [WorkerHeartbeatResponse] })
  @Get()
  list(): Promise<WorkerHeartbeat[]> {
    return this.workers.list();
  }
}
