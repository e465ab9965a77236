import type { ManagedProcess } from '../local-services/index.js';
import { RestartBackoff, type BackoffPolicy } from './restart-backoff.js';

/** How to bring one service up: spawn its process, then wait until that very process is ready (throw if not). */
export interface ProcessRecipe {
  spawn(): ManagedProcess;
  ready(proc: ManagedProcess): Promise<void>;
}

export interface Supervision {
  backoff: BackoffPolicy;
  /** Where `worker-2 exited (signal SIGKILL); restarting in 1 s` goes. */
  log: (line: string) => void;
}

const seconds = (ms: number) => `${ms / 1000} s`;

/**
 * One service under a stable handle: `process` is always its newest process, so a handle taken before
 * a restart still reaches the service after it. With supervision, an exit that no stop() asked for
 * starts it again after a backoff, as compose's `restart: unless-stopped` does.
 */
export class SupervisedProcess {
  /** How many times it was started again after its first start. */
  restarts = 0;
  private current?: ManagedProcess;
  private pendingRestart?: NodeJS.Timeout;
  private launching?: Promise<void>;
  private supervising = false;
  private readonly backoff?: RestartBackoff;

  constructor(
    readonly name: string,
    private readonly recipe: ProcessRecipe,
    private readonly supervision?: Supervision,
  ) {
    this.backoff = supervision ? new RestartBackoff(supervision.backoff) : undefined;
  }

  get process(): ManagedProcess {
    if (!this.current) throw new Error(`${this.name} was never started`);
    return this.current;
  }

  /** Starts it and waits until it is ready; a process that does not get ready is stopped and the error thrown. */
  async start(): Promise<void> {
    this.supervising = Boolean(this.supervision);
    await this.launch();
  }

  /** Starts it again with the same recipe (env, port, name), stopping the running process first, and waits until ready. */
  async restart(): Promise<void> {
    this.stopSupervising();
    await this.launching?.catch(() => {});
    await this.current?.stop();
    this.restarts++;
    await this.start();
  }

  /** No restart from now on, and none pending; the process itself keeps running. */
  stopSupervising(): void {
    this.supervising = false;
    clearTimeout(this.pendingRestart);
    this.pendingRestart = undefined;
  }

  /** Stops it for good: no restart follows. */
  async stop(): Promise<void> {
    this.stopSupervising();
    await this.current?.stop();
  }

  private async launch(): Promise<void> {
    const proc = this.recipe.spawn();
    this.current = proc;
    const startedAt = Date.now();
    void proc.exited.then(() => {
      // Only a crash of the newest process counts: an exit that stop() asked for is not one.
      if (proc === this.current && !proc.stopRequested)
        this.scheduleRestart({ reason: `exited (${proc.exitDescription})`, upMs: Date.now() - startedAt });
    });
    const ready = this.recipe.ready(proc);
    this.launching = ready;
    try {
      await ready;
    } catch (err) {
      await proc.stop();
      throw err;
    } finally {
      if (this.launching === ready) this.launching = undefined;
    }
  }

  private scheduleRestart({ reason, upMs }: { reason: string; upMs: number }): void {
    if (!this.supervising || !this.supervision || this.pendingRestart) return;
    const delay = this.backoff!.next({ upMs });
    this.supervision.log(`${this.name} ${reason}; restarting in ${seconds(delay)}`);
    this.pendingRestart = setTimeout(() => {
      this.pendingRestart = undefined;
      void this.relaunch();
    }, delay);
  }

  private async relaunch(): Promise<void> {
    if (!this.supervising) return;
    this.restarts++;
    const startedAt = Date.now();
    try {
      await this.launch();
      this.supervision!.log(`${this.name} is up again (pid ${this.current!.pid})`);
    } catch (err) {
      // A crash before it got ready has already scheduled the next attempt; a hung or port-less start has not.
      this.scheduleRestart({ reason: `did not come back (${(err as Error).message})`, upMs: Date.now() - startedAt });
    }
  }
}
