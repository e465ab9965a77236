import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TuskClient } from '@tusk/client';
import { bestOfSweep, watchSweep } from './sweeps.js';

const ID = 'sweep-0123456789abcdef0123456789abcdef';
const spec = {
  name: 'grid',
  baseJob: {},
  space: { 'training.batchSize': { type: 'choice', values: [16, 32] } },
  sampler: { type: 'grid' },
  maxTrials: 2,
  maxConcurrentTrials: 2,
  maxFailedTrials: 0,
  metric: 'loss',
  mode: 'min',
  scheduler: { type: 'none' },
};
const trial = (index: number, status: string, extra: Record<string, unknown> = {}) => ({
  index,
  params: { 'training.batchSize': 16 * (index + 1) },
  status,
  jobId: `job-${index}`,
  roundsRun: 0,
  rungs: [],
  ...extra,
});
const sweep = (status: string, trials: unknown[], extra: Record<string, unknown> = {}) => ({
  id: ID,
  spec,
  status,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  trials,
  ...extra,
});
const event = (record: unknown) =>
  `data: ${JSON.stringify({ sweepId: ID, type: 'trial', sweep: record, at: '2024-01-01T00:00:01.000Z' })}\n\n`;

/** A fake driver: GET /sweeps/:id answers from `record()`, the event stream runs `events(res)`, the job's model files are fixed bytes. */
async function fakeDriver(record: () => unknown, events: (res: ServerResponse) => void = (res) => void res.end()): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === `/sweeps/${ID}`) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record()));
    if (req.url === `/sweeps/${ID}/events`) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      return events(res);
    }
    if (req.url === '/jobs/job-1/model/model.json') return void res.writeHead(200).end('{"weightsManifest":[]}');
    if (req.url === '/jobs/job-1/model/weights.bin') return void res.writeHead(200).end(Buffer.from([1, 2, 3, 4]));
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404,"message":"nope"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

describe('tusk sweep watch and best', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  const ctx = (s: Server, out: string[], err: string[]) => ({
    client: new TuskClient({ baseUrl: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, timeoutMs: 5_000 }),
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    isTTY: false,
  });

  it('redraws the leaderboard on each change and exits 0 when the sweep succeeds', async () => {
    let done = false;
    const final = sweep(
      'succeeded',
      [trial(0, 'succeeded', { best: 0.3, bestRound: 2, roundsRun: 2 }), trial(1, 'succeeded', { best: 0.2, bestRound: 2, roundsRun: 2 })],
      { bestTrial: 1, finishedAt: '2024-01-01T00:00:09.000Z' },
    );
    server = await fakeDriver(
      () => (done ? final : sweep('running', [trial(0, 'pending'), trial(1, 'pending')])),
      (res) => {
        res.write(
          event(sweep('running', [trial(0, 'running', { best: 0.5, bestRound: 1, roundsRun: 1 }), trial(1, 'running')], { bestTrial: 0 })),
        );
        res.write(
          event(sweep('running', [trial(0, 'running', { best: 0.4, bestRound: 2, roundsRun: 2 }), trial(1, 'running')], { bestTrial: 0 })),
        );
        done = true;
        res.end(event(final));
      },
    );
    const out: string[] = [];
    const err: string[] = [];
    expect(await watchSweep(ctx(server, out, err), ID, { pollMs: 100 })).toBe(0);
    expect(err).toEqual([]);
    const text = out.join('');
    // pending, running, succeeded: three tables (the second round of trial 0 changed no status), then the summary.
    expect(text.match(/^sweep sweep-/gm)).toHaveLength(4);
    expect(text).toContain(
      '   1*  batchSize=32  succeeded  0.2000         2       2\n    0  batchSize=16  succeeded  0.3000         2       2\n',
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe(`sweep ${ID} succeeded in 9s: 2 trials, best trial 1: loss 0.2000 (job-1)`);
  });

  it('notices the end through the record when the stream goes silent, and exits 1', async () => {
    let polls = 0;
    server = await fakeDriver(
      () =>
        ++polls > 2
          ? sweep('cancelled', [trial(0, 'cancelled'), trial(1, 'cancelled')])
          : sweep('running', [trial(0, 'running'), trial(1, 'running')]),
      (res) => {
        res.write(event(sweep('running', [trial(0, 'running'), trial(1, 'running')])));
      },
    );
    const out: string[] = [];
    const err: string[] = [];
    expect(await watchSweep(ctx(server, out, err), ID, { pollMs: 100 })).toBe(1);
    expect(err.join('')).toBe(`sweep ${ID} cancelled: 2 trials (2 cancelled), no trial reported the metric\n`);
  });

  it('prints the best trial and downloads its model', async () => {
    server = await fakeDriver(() =>
      sweep('succeeded', [trial(0, 'stopped', { best: 0.9 }), trial(1, 'succeeded', { best: 0.2, bestRound: 2 })], { bestTrial: 1 }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'tusk-sweep-best-'));
    try {
      const out: string[] = [];
      expect(await bestOfSweep(ctx(server, out, []), ID, { download: dir })).toBe(0);
      expect(out.join('')).toBe(
        'trial   1 (succeeded)\njob     job-1\nloss    0.2000 at round 2 (min)\nparams\n  training.batchSize  32\n' +
          `wrote ${join(dir, 'model.json')} (22 bytes)\nwrote ${join(dir, 'weights.bin')} (4 bytes)\n`,
      );
      expect([...readFileSync(join(dir, 'weights.bin'))]).toEqual([1, 2, 3, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses when no trial has reported the metric yet', async () => {
    server = await fakeDriver(() => sweep('running', [trial(0, 'running')]));
    await expect(bestOfSweep(ctx(server, [], []), ID, {})).rejects.toThrow(`sweep ${ID} has no best trial yet: no trial has reported loss`);
  });
});
