import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child process that can be stopped politely (SIGTERM, then SIGKILL) and awaited. */
export class ManagedProcess {
  readonly exited: Promise<number | null>;
  /** stop() was called: an exit after this was asked for, not a crash. */
  stopRequested = false;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else {
        child.once('exit', (code) => resolve(code));
        // A spawn that fails (ENOENT) emits 'error', which would otherwise crash the parent.
        child.once('error', () => resolve(null));
      }
    });
  }

  static start({
    name,
    command,
    args,
    options,
  }: {
    name: string;
    command: string;
    args: string[];
    options?: SpawnOptions;
  }): ManagedProcess {
    const proc = new ManagedProcess(name, spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }));
    // Keep reading until someone attaches a log sink: an unread pipe fills and blocks the child.
    proc.child.stdout?.resume();
    proc.child.stderr?.resume();
    return proc;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How it ended, for log lines: `signal SIGKILL`, `code 1`; `running` while it runs. */
  get exitDescription(): string {
    if (this.child.signalCode !== null) return `signal ${this.child.signalCode}`;
    if (this.child.exitCode !== null) return `code ${this.child.exitCode}`;
    return 'running';
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopRequested = true;
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.child.kill(signal);
  }
}
