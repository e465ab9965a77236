import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child process that can be stopped politely (SIGTERM, then SIGKILL) and awaited. */
export class ManagedProcess {
  readonly exited: Promise<number | null>;

  constructor(readonly name: string, readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  static start({ name, command, args, options }: { name: string; command: string; args: string[]; options?: SpawnOptions }): ManagedProcess {
    const proc = new ManagedProcess(name, spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }));
    // Keep reading until someone attaches a log sink: an unread pipe fills and blocks the child.
    proc.child.stdout?.resume();
    proc.child.stderr?.resume();
    return proc;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
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
