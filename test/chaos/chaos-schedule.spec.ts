import { describe, expect, it } from '@jest/globals';
import { chaosSchedule, describeRun, FAULT_KINDS } from './chaos-schedule.js';

const options = { seed: 7, runs: 20, workers: 3, parameterServers: 2, ackWaitMs: 4_000, windowMs: 8_000 };

describe('chaosSchedule', () => {
  it('is a pure function of its seed, so a run can be replayed', () => {
    expect(chaosSchedule(options)).toEqual(chaosSchedule(options));
    expect(chaosSchedule({ ...options, seed: 8 })).not.toEqual(chaosSchedule(options));
  });

  it('exercises every fault kind and every mode within one cycle of runs', () => {
    const runs = chaosSchedule({ ...options, runs: 6 });
    expect(new Set(runs.flatMap((r) => r.faults.map((f) => f.kind)))).toEqual(new Set(FAULT_KINDS));
    expect(new Set(runs.map((r) => r.mode))).toEqual(new Set(['synchronous', 'asynchronous', 'hogwild']));
  });

  it('stops a worker for longer than the ack wait, and keeps targets and times in range', () => {
    for (const run of chaosSchedule({ ...options, runs: 200 })) {
      for (const f of run.faults) {
        expect(f.atMs).toBeGreaterThanOrEqual(500);
        expect(f.atMs).toBeLessThanOrEqual(options.windowMs);
        expect(f.target).toBeLessThan(f.kind === 'kill-ps' ? options.parameterServers : options.workers);
        if (f.kind === 'stop-worker') expect(f.downMs).toBeGreaterThan(options.ackWaitMs);
      }
    }
  });

  it('describes a run on one line', () => {
    const line = describeRun({
      index: 2,
      mode: 'hogwild',
      seed: 1,
      faults: [
        { kind: 'kill-ps', atMs: 2_400, target: 1, downMs: 1_200 },
        { kind: 's3-outage', atMs: 6_000, target: 0, downMs: 3_000 },
      ],
    });
    expect(line).toBe('run 3: hogwild seed 1; at 2.4 s kill-ps #1 restarted after 1.2 s; at 6.0 s s3-outage for 3.0 s');
  });
});
