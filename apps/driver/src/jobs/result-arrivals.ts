import type { ResultMessage } from '@tusk/contracts';
import { WaitAbortedError } from './job-stalled.error.js';
import type { ResultCollector } from './result-collector.js';
import type { ArrivingResults } from './streamed-average.js';

const RECHECK_MS = 250;

/**
 * A round's results as the collector accepts them, so the driver can fetch the first deltas while the slowest
 * partitions still train. The collector keeps the first result accepted per partition, so what arrives here is
 * what the round is averaged from. `stop()` ends the waits of a round that failed or was aborted.
 */
export class ResultArrivals implements ArrivingResults {
  private stopped = false;

  constructor(
    private readonly collector: ResultCollector,
    private readonly group: string,
    readonly count: number,
    private readonly signal: AbortSignal,
  ) {}

  async of(partition: number): Promise<ResultMessage> {
    for (;;) {
      const result = this.collector.received(this.group).get(partition);
      if (result) return result;
      if (this.stopped || this.signal.aborted) throw new WaitAbortedError();
      await this.collector.changed(RECHECK_MS, this.signal);
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
