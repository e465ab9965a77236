import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { workerHeartbeatKey, type HeldTask, type WorkerHeartbeat, type WorkerMemory } from '@tusk/contracts';
import type { Infra } from '@tusk/infra';

/** How long a long block is remembered: `blockedMs` is the longest of this window and the one before. */
const BLOCKED_WINDOW_MS = 10 * 60_000;

/** The process's memory and what live tfjs tensors hold (tensors may live outside the JS heap, in wasm or native memory). */
export function workerMemory(): WorkerMemory {
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed, tensorBytes: tf.memory().numBytes };
}

/** Keeps this worker's entry fresh in the TTL'd `tusk-workers` bucket: `GET /workers` reads it. */
export class Heartbeat {
  private readonly state: WorkerHeartbeat;
  private timer?: NodeJS.Timeout;
  private windowTimer?: NodeJS.Timeout;
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private previousWindowMaxMs = 0;
  private readonly everyMs: number;
  private readonly cachedPartitions: () => string[];

  constructor(
    private readonly infra: Infra,
    { id, backend, everyMs, cachedPartitions }: { id: string; backend: string; everyMs: number; cachedPartitions: () => string[] },
  ) {
    this.everyMs = everyMs;
    this.cachedPartitions = cachedPartitions;
    const now = new Date().toISOString();
    this.state = { id, backend, startedAt: now, updatedAt: now, everyMs, currentTask: null, tasksDone: 0, samplesPerSecond: 0 };
  }

  start(): void {
    this.loopDelay.enable();
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.everyMs);
    this.windowTimer = setInterval(() => {
      this.previousWindowMaxMs = this.loopDelay.max / 1e6;
      this.loopDelay.reset();
    }, BLOCKED_WINDOW_MS).unref();
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

  /** Beats now and waits for it: the partitions just loaded are known before the result that ends the round. */
  async refresh(): Promise<void> {
    await this.beat();
  }

  private async beat(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    this.state.blockedMs = Math.round(Math.max(this.previousWindowMaxMs, this.loopDelay.max / 1e6));
    this.state.cachedPartitions = this.cachedPartitions();
    this.state.memory = workerMemory();
    await this.infra.buckets.workers.put(workerHeartbeatKey(this.state.id), JSON.stringify(this.state)).catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.windowTimer);
    this.loopDelay.disable();
    await this.infra.buckets.workers.purge(workerHeartbeatKey(this.state.id)).catch(() => undefined);
  }
}
