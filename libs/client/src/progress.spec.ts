import { describe, expect, it } from '@jest/globals';
import type { JobEvent, JobRecord, RoundRecord } from '@tusk/contracts';
import { applyEvent, formatBar, formatDuration, formatMetric, formatProgressLine, ProgressRenderer, stateFromJob } from './progress.js';

const round = (n: number, loss: number, accuracy: number, seconds = 4): RoundRecord => ({
  round: n,
  epoch: n,
  metrics: { loss, accuracy },
  samples: 600,
  seconds,
  samplesPerSecond: 150,
  workers: [],
});
const event = (over: Partial<JobEvent>): JobEvent => ({
  jobId: 'job-1',
  type: 'round',
  status: 'running',
  round: 0,
  totalRounds: 4,
  progress: 0,
  etaSeconds: null,
  at: '2024-01-01T00:00:00.000Z',
  ...over,
});

describe('formatDuration', () => {
  it('writes seconds, minutes and hours compactly, -- when unknown', () => {
    expect([null, undefined, -1, 0, 42.4, 59.6, 187, 3599, 3600, 7500].map(formatDuration)).toEqual([
      '--',
      '--',
      '--',
      '0s',
      '42s',
      '1m00s',
      '3m07s',
      '59m59s',
      '1h00m',
      '2h05m',
    ]);
  });
});

describe('formatMetric', () => {
  it('has 4 decimals, - when absent', () => {
    expect([formatMetric(0.123456), formatMetric(1), formatMetric(undefined), formatMetric(NaN)]).toEqual(['0.1235', '1.0000', '-', '-']);
  });
});

describe('formatBar', () => {
  it('fills whole cells only, clamped to 0..1', () => {
    expect(formatBar(0, 10)).toBe('[----------]');
    expect(formatBar(1 / 3, 10)).toBe('[###-------]');
    expect(formatBar(0.5)).toBe('[##########----------]');
    expect(formatBar(1, 10)).toBe('[##########]');
    expect(formatBar(1.5, 4)).toBe('[####]');
    expect(formatBar(-1, 4)).toBe('[----]');
  });
});

describe('formatProgressLine', () => {
  it('shows status, bar, percent, round, epoch, loss, accuracy and ETA', () => {
    expect(
      formatProgressLine({
        status: 'running',
        round: 2,
        totalRounds: 4,
        progress: 0.5,
        etaSeconds: 12,
        epoch: 2,
        metrics: { loss: 0.43214, accuracy: 0.9 },
      }),
    ).toBe('running    [##########----------]  50%  round 2/4  epoch 2  loss 0.4321  accuracy 0.9000  ETA 12s');
  });

  it('leaves out epoch and metrics before the first round, and the ETA once the job is final', () => {
    expect(formatProgressLine({ status: 'queued', round: 0, totalRounds: 3, progress: 0, etaSeconds: null }, 10)).toBe(
      'queued     [----------]   0%  round 0/3  ETA --',
    );
    expect(
      formatProgressLine(
        { status: 'succeeded', round: 3, totalRounds: 3, progress: 1, etaSeconds: 0, epoch: 3, metrics: { loss: 0.1, acc: 0.95 } },
        10,
      ),
    ).toBe('succeeded  [##########] 100%  round 3/3  epoch 3  loss 0.1000  accuracy 0.9500');
    expect(
      formatProgressLine(
        { status: 'failed', round: 1, totalRounds: 3, progress: 1 / 3, etaSeconds: 8, epoch: 1, metrics: { loss: 2 } },
        10,
      ),
    ).toBe('failed     [###-------]  33%  round 1/3  epoch 1  loss 2.0000');
    // roundsPerEpoch 3: the epoch is fractional.
    expect(
      formatProgressLine({ status: 'running', round: 1, totalRounds: 6, progress: 1 / 6, etaSeconds: null, epoch: 1 / 3 }, 6),
    ).toContain('round 1/6  epoch 0.33');
  });
});

describe('stateFromJob / applyEvent', () => {
  it('takes the newest round of a record and an ETA from the mean round time', () => {
    const job = {
      id: 'job-1',
      status: 'running',
      round: 2,
      totalRounds: 5,
      history: [round(1, 1, 0.5, 3), round(2, 0.5, 0.8, 5)],
    } as unknown as JobRecord;
    expect(stateFromJob(job)).toEqual({
      status: 'running',
      round: 2,
      totalRounds: 5,
      progress: 0.4,
      etaSeconds: 12,
      epoch: 2,
      metrics: { loss: 0.5, accuracy: 0.8 },
    });
  });

  it('keeps the last epoch and metrics through a status event without a record', () => {
    const after = applyEvent(undefined, event({ round: 1, progress: 0.25, etaSeconds: 12, record: round(1, 0.9, 0.6) }));
    expect(applyEvent(after, event({ type: 'status', status: 'succeeded', round: 4, progress: 1, etaSeconds: 0 }))).toEqual({
      status: 'succeeded',
      round: 4,
      totalRounds: 4,
      progress: 1,
      etaSeconds: 0,
      epoch: 1,
      metrics: { loss: 0.9, accuracy: 0.6 },
    });
  });
});

describe('ProgressRenderer', () => {
  const sink = () => {
    const out: string[] = [];
    return { out, write: (s: string) => out.push(s) };
  };

  it('writes one line per update when stdout is not a terminal', () => {
    const s = sink();
    const r = new ProgressRenderer(s, false, 4);
    r.event(event({ type: 'status', round: 0 }));
    r.event(event({ round: 2, progress: 0.5, etaSeconds: 9, record: round(2, 0.5, 0.75) }));
    r.finish();
    expect(s.out.join('')).toBe(
      'running    [----]   0%  round 0/4  ETA --\n' + 'running    [##--]  50%  round 2/4  epoch 2  loss 0.5000  accuracy 0.7500  ETA 9s\n',
    );
  });

  it('draws nothing for a version event, and shows its metrics on the next progress line', () => {
    const s = sink();
    const r = new ProgressRenderer(s, false, 4);
    r.event(event({ type: 'progress', totalRounds: 1, progress: 0.25, etaSeconds: 6 }));
    const point = {
      version: 7,
      at: '2024-01-01T00:00:01.000Z',
      partition: 0,
      staleness: 0,
      outcome: 'applied' as const,
      metrics: { loss: 0.75, accuracy: 0.625 },
    };
    r.event(event({ type: 'version', totalRounds: 1, point }));
    r.event(event({ type: 'version', totalRounds: 1, point: { ...point, version: 8, metrics: {} } }));
    r.event(event({ type: 'progress', totalRounds: 1, progress: 0.5, etaSeconds: 4 }));
    expect(s.out).toEqual([
      'running    [#---]  25%  round 0/1  ETA 6s\n',
      'running    [##--]  50%  round 0/1  loss 0.7500  accuracy 0.6250  ETA 4s\n',
    ]);
  });

  it('redraws in place with \\r on a terminal, blanking what a longer line left, and ends with a newline', () => {
    const s = sink();
    const r = new ProgressRenderer(s, true, 4);
    r.event(event({ round: 1, progress: 0.25, etaSeconds: 30, record: round(1, 0.5, 0.75) }));
    r.event(event({ type: 'status', status: 'failed', round: 1, progress: 0.25 }));
    r.finish();
    expect(s.out).toEqual([
      '\rrunning    [#---]  25%  round 1/4  epoch 1  loss 0.5000  accuracy 0.7500  ETA 30s',
      '\rfailed     [#---]  25%  round 1/4  epoch 1  loss 0.5000  accuracy 0.7500         ',
      '\n',
    ]);
  });
});
