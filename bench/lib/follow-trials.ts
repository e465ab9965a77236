import type { SweepRecord, TrialRecord } from '@tusk/contracts';
import { isFinalSweepStatus, type TuskClient } from '@tusk/client';

/**
 * Polls `GET /sweeps/:id` every pollMs until the sweep is final, calling onChange with each trial whose
 * status or rung count changed since the previous poll (and the record). A poll that fails (the driver
 * busy for a moment) is retried; `timeoutMs` bounds the whole wait. Returns the final record.
 */
export async function followTrials(
  client: TuskClient,
  id: string,
  onChange: (trial: TrialRecord, before: TrialRecord | undefined, sweep: SweepRecord) => void,
  { pollMs = 1_000, timeoutMs = 60 * 60_000 } = {},
): Promise<SweepRecord> {
  const seen = new Map<number, TrialRecord>();
  const deadline = Date.now() + timeoutMs;
  let failures = 0;
  for (;;) {
    let sweep: SweepRecord | undefined;
    try {
      sweep = await client.sweep(id);
      failures = 0;
    } catch (err) {
      if (++failures >= 10) throw err;
    }
    if (sweep) {
      for (const t of sweep.trials) {
        const before = seen.get(t.index);
        if (!before || before.status !== t.status || before.rungs.length !== t.rungs.length) onChange(t, before, sweep);
        seen.set(t.index, t);
      }
      if (isFinalSweepStatus(sweep.status)) return sweep;
    }
    if (Date.now() > deadline) throw new Error(`sweep ${id} still ${sweep?.status ?? 'unknown'} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
