import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TuskClient } from '@tusk/client';
import { watchJob } from './jobs.js';

const ID = 'job-0123456789abcdef0123456789abcdef';
const job = (status: string, round: number, extra: Record<string, unknown> = {}) => ({
  id: ID,
  status,
  round,
  totalRounds: 2,
  startedAt: '2024-01-01T00:00:00.000Z',
  finishedAt: '2024-01-01T00:00:07.000Z',
  history: Array.from({ length: round }, (_, i) => ({
    round: i + 1,
    epoch: i + 1,
    metrics: { loss: 0.5 / (i + 1), accuracy: 0.8 },
    seconds: 3,
  })),
  ...extra,
});

/** A fake driver: GET /jobs/:id answers from `record()`, the event stream runs `events(res)`. */
async function fakeDriver(record: () => unknown, events: (res: ServerResponse) => void): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === `/jobs/${ID}`) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record()));
    if (req.url === `/jobs/${ID}/events`) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      return events(res);
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404,"message":"nope"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

describe('watchJob', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  const run = async (s: Server) => {
    const out: string[] = [];
    const err: string[] = [];
    const client = new TuskClient({ baseUrl: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, timeoutMs: 5_000 });
    const code = await watchJob(
      { client, stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, isTTY: false },
      ID,
      { pollMs: 100 },
    );
    return { code, stdout: out.join(''), stderr: err.join('') };
  };

  it('draws a line per event and exits 0 when the job succeeds', async () => {
    let done = false;
    server = await fakeDriver(
      () => (done ? job('succeeded', 2) : job('running', 0)),
      (res) => {
        res.write(`data: ${JSON.stringify({ status: 'running', round: 0, totalRounds: 2, progress: 0, etaSeconds: null })}\n\n`);
        const record1 = { epoch: 1, metrics: { loss: 0.5, accuracy: 0.8 } };
        res.write(
          `data: ${JSON.stringify({ status: 'running', round: 1, totalRounds: 2, progress: 0.5, etaSeconds: 3, record: record1 })}\n\n`,
        );
        done = true;
        const record2 = { epoch: 2, metrics: { loss: 0.25, accuracy: 0.8 } };
        res.end(
          `data: ${JSON.stringify({ status: 'succeeded', round: 2, totalRounds: 2, progress: 1, etaSeconds: 0, record: record2 })}\n\n`,
        );
      },
    );
    expect(await run(server)).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'running    [--------------------]   0%  round 0/2  ETA --\n' +
        'running    [##########----------]  50%  round 1/2  epoch 1  loss 0.5000  accuracy 0.8000  ETA 3s\n' +
        'succeeded  [####################] 100%  round 2/2  epoch 2  loss 0.2500  accuracy 0.8000\n' +
        `job ${ID} succeeded in 7s: 2/2 rounds, loss 0.2500, accuracy 0.8000\n`,
    });
  });

  it('says when the job stopped early and shows the figures of the round that became the model', async () => {
    const ended = job('succeeded', 2, { totalRounds: 5, stoppedEarly: true, bestRound: 1 });
    server = await fakeDriver(
      () => ended,
      (res) => res.end(`data: ${JSON.stringify({ status: 'succeeded', round: 2, totalRounds: 5, progress: 1, etaSeconds: 0 })}\n\n`),
    );
    const { code, stdout } = await run(server);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      `job ${ID} succeeded in 7s: stopped early after 2/5 rounds, model from round 1, loss 0.5000, accuracy 0.8000`,
    );
  });

  it('notices the end through the record when the stream goes silent, and exits 1 with the error', async () => {
    let polls = 0;
    server = await fakeDriver(
      () => (++polls > 2 ? job('failed', 1, { error: 'worker-1 ran out of memory' }) : job('running', 1)),
      (res) => {
        res.write(`data: ${JSON.stringify({ status: 'running', round: 1, totalRounds: 2, progress: 0.5, etaSeconds: 3 })}\n\n`);
        // then nothing: the final event was lost
      },
    );
    expect(await run(server)).toEqual({
      code: 1,
      stderr: `job ${ID} failed: worker-1 ran out of memory\n`,
      stdout:
        'running    [##########----------]  50%  round 1/2  epoch 1  loss 0.5000  accuracy 0.8000  ETA 3s\n' +
        'failed     [##########----------]  50%  round 1/2  epoch 1  loss 0.5000  accuracy 0.8000\n',
    });
  });
});
