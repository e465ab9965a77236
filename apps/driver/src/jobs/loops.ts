/** Background loops by id (one per job, one per sweep): started once, stopped by aborting and awaiting them. */
export class Loops {
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();

  /** Starts `run` unless a loop for `id` runs; `ended` runs once it has ended, whichever way. */
  start(
    id: string,
    run: (signal: AbortSignal) => Promise<void>,
    { onError, ended }: { onError: (err: unknown) => void; ended?: () => void },
  ): void {
    if (this.running.has(id)) return;
    const abort = new AbortController();
    const done = run(abort.signal)
      .catch(onError)
      .finally(() => {
        this.running.delete(id);
        ended?.();
      });
    this.running.set(id, { abort, done });
  }

  async stop(id: string): Promise<void> {
    const loop = this.running.get(id);
    loop?.abort.abort();
    await loop?.done;
  }

  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const loop of all) loop.abort.abort();
    await Promise.all(all.map((l) => l.done));
  }
}
