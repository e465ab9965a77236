import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { KvWatchEntry } from '@nats-io/kv';
import { taskGroupId, workerHeartbeatKey, type HeldTask, type TaskRef, type WorkerHeartbeat } from '@tusk/contracts';
import { Infra } from '@tusk/infra';

/** Beats a worker may miss before the driver counts it silent and gives its task to another worker. */
export const SILENT_AFTER_BEATS = 3;
/** Silent workers are forgotten after this long (their entries expire from KV without a watch event). */
const FORGET_AFTER_MS = 10 * 60_000;
const REWATCH_DELAY_MS = 1_000;
const SETTLE_MS = 2_000;
/** Beats missed by every worker at once before the watch itself is suspected (a NATS node that held it died) and reopened. */
const WATCH_SILENT_BEATS = 2;

/**
 * How long a worker may go without a beat before it counts as silent: a few periods, or twice the longest
 * its event loop was lately blocked (a long synchronous training step), whichever is longer.
 */
export function silentAfterMs(beat: Pick<WorkerHeartbeat, 'everyMs' | 'blockedMs'>): number {
  return Math.max(SILENT_AFTER_BEATS * Math.max(100, beat.everyMs ?? 5_000), 2 * (beat.blockedMs ?? 0));
}

interface SeenWorker {
  beat: WorkerHeartbeat;
  /** The KV revision of that beat: a reopened watch delivers it again, which is no sign of life. */
  revision: number;
  /** When the driver last saw this worker's entry change (its own clock: no skew with the worker's). */
  changedAt: number;
}

/** One worker's claim on a task, from its heartbeat. */
export interface TaskClaim extends HeldTask {
  workerId: string;
  silent: boolean;
}

/**
 * Follows every worker's heartbeat through a KV watch, so the driver knows who holds which task and who
 * went silent, without polling each worker.
 */
@Injectable()
export class WorkerLiveness implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerLiveness.name);
  private readonly workers = new Map<string, SeenWorker>();
  private watcher?: { stop(): void };
  private stopped = false;
  /** When the watch first delivered the heartbeats already in KV (or found none): before that, nobody looks live. */
  private settledAt?: number;
  private lastEntryAt = Date.now();
  /** The watch failed and is not open again yet: the driver cannot see beats, which is no worker's silence. */
  private blind = false;
  private watchdog?: NodeJS.Timeout;

  constructor(@Inject(Infra) private readonly infra: Infra) {}

  onApplicationBootstrap(): void {
    void this.watchForever();
    void this.followConnection();
    this.watchdog = setInterval(() => this.rewatchIfSilent(), 1_000).unref();
  }

  /**
   * A watch whose consumer lived on a NATS node that died can go quiet without an error (the driver's own
   * connection is fine); when no worker's beat arrived for WATCH_SILENT_BEATS periods, the watch is opened again.
   */
  private rewatchIfSilent(): void {
    if (this.workers.size === 0) return;
    const period = Math.min(...[...this.workers.values()].map((w) => Math.max(100, w.beat.everyMs ?? 5_000)));
    if (Date.now() - this.lastEntryAt < WATCH_SILENT_BEATS * period) return;
    this.lastEntryAt = Date.now();
    this.watcher?.stop();
  }

  /**
   * After NATS comes back, the watch is opened again at once (its consumer may be gone with the server) and
   * every worker gets a fresh silence clock: beats missed while NATS was away are not the workers' silence.
   */
  private async followConnection(): Promise<void> {
    try {
      for await (const status of this.infra.nc.status()) {
        if (status.type !== 'reconnect') continue;
        this.freshSilenceClocks();
        this.watcher?.stop();
      }
    } catch (err) {
      this.logger.warn(`following the NATS connection ended: ${(err as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.watchdog);
    this.watcher?.stop();
  }

  private async watchForever(): Promise<void> {
    while (!this.stopped) {
      try {
        const watcher = await this.infra.buckets.workers.watch({ key: workerHeartbeatKey('*') });
        this.watcher = watcher;
        if (this.blind) this.freshSilenceClocks();
        // An empty bucket delivers nothing to say it is done: a moment's wait stands in for its first entry.
        const settle = setTimeout(() => (this.settledAt ??= Date.now()), SETTLE_MS);
        try {
          for await (const entry of watcher) {
            this.see(entry);
            if (entry.isUpdate || entry.delta === 0) this.settledAt ??= Date.now();
          }
        } finally {
          clearTimeout(settle);
        }
      } catch (err) {
        this.blind = true;
        if (!this.stopped) this.logger.warn(`watching worker heartbeats failed (${(err as Error).message}); watching again`);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, REWATCH_DELAY_MS));
    }
  }

  /** Every worker's silence is counted from now: beats the driver could not see (NATS away, the watch failing) are not missed. */
  private freshSilenceClocks(): void {
    const now = Date.now();
    for (const w of this.workers.values()) w.changedAt = now;
    this.blind = false;
  }

  private see(entry: KvWatchEntry): void {
    const id = entry.key.slice(workerHeartbeatKey('').length);
    this.lastEntryAt = Date.now();
    if (entry.operation !== 'PUT') {
      this.workers.delete(id);
      return;
    }
    const seen = this.workers.get(id);
    if (seen?.revision === entry.revision) return;
    try {
      this.workers.set(id, { beat: entry.json<WorkerHeartbeat>(), revision: entry.revision, changedAt: Date.now() });
    } catch {
      this.logger.warn(`ignored a malformed heartbeat under ${entry.key}`);
    }
  }

  private isSilent(w: SeenWorker, now: number): boolean {
    return !this.blind && now - w.changedAt > silentAfterMs(w.beat);
  }

  private forgetLongSilent(now: number): void {
    for (const [id, w] of this.workers) if (now - w.changedAt > FORGET_AFTER_MS) this.workers.delete(id);
  }

  /** Who claims each partition of a task group (one train round or one evaluation), silent or not. */
  claims(group: Omit<TaskRef, 'partition'>): Map<number, TaskClaim[]> {
    const now = Date.now();
    this.forgetLongSilent(now);
    const wanted = taskGroupId(group);
    const out = new Map<number, TaskClaim[]>();
    for (const w of this.workers.values()) {
      const t = w.beat.currentTask;
      if (!t || taskGroupId(t) !== wanted) continue;
      const claim: TaskClaim = { ...t, workerId: w.beat.id, silent: this.isSilent(w, now) };
      out.set(t.partition, [...(out.get(t.partition) ?? []), claim]);
    }
    return out;
  }

  /** Who is live now, and who is known but silent (a worker that stopped cleanly is neither: its entry is gone). */
  roster(): { live: string[]; silent: Set<string>; settled: boolean } {
    const now = Date.now();
    const live: string[] = [];
    const silent = new Set<string>();
    for (const [id, w] of this.workers) {
      if (this.isSilent(w, now)) silent.add(id);
      else live.push(id);
    }
    return { live, silent, settled: this.settledAt !== undefined };
  }

  /** A live worker that holds this partition decoded (`partitionLabel`), the same one every time while it lives. */
  holderOf(label: string): string | undefined {
    const now = Date.now();
    const holders = [...this.workers.values()].filter((w) => !this.isSilent(w, now) && w.beat.cachedPartitions?.includes(label));
    return holders.map((w) => w.beat.id).sort()[0];
  }

  /** Whether the worker beats (false for one silent or gone). */
  isLive(workerId: string): boolean {
    const w = this.workers.get(workerId);
    return w !== undefined && !this.isSilent(w, Date.now());
  }

  /** Live workers, and how many of them hold a task of some other job than `jobId`. */
  pool(jobId: string): { live: number; busyElsewhere: number } {
    const now = Date.now();
    let live = 0;
    let busyElsewhere = 0;
    for (const w of this.workers.values()) {
      if (this.isSilent(w, now)) continue;
      live += 1;
      if (w.beat.currentTask && w.beat.currentTask.jobId !== jobId) busyElsewhere += 1;
    }
    return { live, busyElsewhere };
  }
}
