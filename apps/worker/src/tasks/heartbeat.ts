import { workerHeartbeatKey, type HeldTask, type WorkerHeartbeat } from '@tusk/contracts';
import type { Infra } from '@tusk/infra';

/** Keeps this worker's entry fresh in the TTL'd `tusk-workers` bucket: `GET /workers` reads it. */
export class Heartbeat {
  private readonly state: WorkerHeartbeat;
  private timer?: NodeJS.Timeout;

  constructor(private readonly infra: Infra, id: string, backend: string, private readonly everyMs: number) {
    const now = new Date().toISOString();
    this.state = { id, backend, startedAt: now, updatedAt: now, everyMs, currentTask: null, tasksDone: 0, samplesPerSecond: 0 };
  }

  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.everyMs);
  }

  /** Records the task in hand (null when idle) and the last task's throughput. */
  onTask(task: HeldTask | null, samplesPerSecond?: number): void {
    this.state.currentTask = task;
    if (samplesPerSecond !== undefined) {
      this.state.tasksDone += 1;
      this.state.samplesPerSecond = Math.round(samplesPerSecond);
    }
    void this.beat();
  }

  private async beat(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    await this.infra.buckets.workers.put(workerHeartbeatKey(this.state.id), JSON.stringify(this.state)).catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.infra.buckets.workers.purge(workerHeartbeatKey(this.state.id)).catch(() => undefined);
  }
}
