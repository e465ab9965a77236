import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TuskClient } from './client.js';
import { TuskApiError, TuskConnectionError } from './errors.js';
import { followEvents } from './follow.js';

const ID = 'job-0123456789abcdef0123456789abcdef';
const job = (status: string, round: number) => ({
  id: ID,
  status,
  round,
  totalRounds: 2,
  history: [],
  progress: round / 2,
  etaSeconds: null,
});
const event = (status: string, round: number) =>
  `data: ${JSON.stringify({ jobId: ID, type: 'round', status, round, totalRounds: 2, progress: round / 2, etaSeconds: null })}\n\n`;

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

describe('TuskClient against a fake driver', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  /** A driver that answers every request with `handler`; returns a client for it. */
  const fake = async (handler: Handler, options: ConstructorParameters<typeof TuskClient>[0] = {}): Promise<TuskClient> => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return new TuskClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, timeoutMs: 5_000, ...options });
  };
  const json = (res: ServerResponse, status: number, body: unknown) =>
    void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  it('sends the bearer token (a function is asked on every call) and parses typed answers', async () => {
    let token = 'one';
    const seen: string[] = [];
    const client = await fake(
      (req, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
        if (req.url === '/datasets/ds-1' && req.method === 'DELETE') return void res.writeHead(204).end();
        json(res, 200, [{ id: 'w-1' }]);
      },
      { token: () => token },
    );
    expect(await client.workers()).toEqual([{ id: 'w-1' }]);
    token = 'two';
    await expect(client.deleteDataset('ds-1')).resolves.toBeUndefined();
    expect(seen).toEqual(['GET /workers Bearer one', 'DELETE /datasets/ds-1 Bearer two']);
  });

  it('throws a TuskApiError with the status, message and field, and tells onRefused first', async () => {
    const refused: number[] = [];
    const client = await fake(
      (_req, res) => json(res, 422, { statusCode: 422, field: 'training.batchSize', message: 'training.batchSize: 0 is not a batch size' }),
      {
        onRefused: (e) => refused.push(e.status),
      },
    );
    const err = (await client
      .createJob({ model: {}, compile: {}, datasetId: 'ds-1', training: {} })
      .catch((e: unknown) => e)) as TuskApiError;
    expect(err).toBeInstanceOf(TuskApiError);
    expect({ status: err.status, field: err.field, message: err.message, method: err.method, path: err.path }).toEqual({
      status: 422,
      field: 'training.batchSize',
      message: 'training.batchSize: 0 is not a batch size',
      method: 'POST',
      path: '/jobs',
    });
    expect(refused).toEqual([422]);
  });

  it('reads the health report whether the driver is healthy or not (503)', async () => {
    const client = await fake((_req, res) => json(res, 503, { status: 'error', nats: false }));
    expect(await client.health()).toEqual({ status: 'error', nats: false });
  });

  it('says when the driver cannot be reached, or does not answer in time', async () => {
    await expect(new TuskClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 5_000 }).jobs()).rejects.toThrow(
      /^cannot reach the driver at http:\/\/127\.0\.0\.1:9/,
    );
    const slow = await fake(() => undefined, { timeoutMs: 200 });
    const err = await slow.jobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TuskConnectionError);
    expect((err as Error).message).toMatch(/^GET \/jobs: no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.2s$/);
  });

  it('uploads a dataset as multipart: the fields, then each file with its name', async () => {
    let form: FormData | undefined;
    const client = await fake(async (req, res, body) => {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
      json(res, 201, { id: 'ds-1', rows: 3, partitions: [] });
    });
    const manifest = await client.createDataset({
      format: 'csv',
      labelColumns: ['label', 'other'],
      partitions: 2,
      seed: 0,
      file: { data: new TextEncoder().encode('a,label\n1,0\n'), filename: 'blobs.csv' },
    });
    expect(manifest.id).toBe('ds-1');
    const fields: Record<string, string> = {};
    form!.forEach((value, key) => {
      if (typeof value === 'string') fields[key] = value;
    });
    expect(fields).toEqual({ format: 'csv', labelColumns: 'label,other', partitions: '2', seed: '0' });
    const file = form!.get('file') as File;
    expect([file.name, await file.text()]).toEqual(['blobs.csv', 'a,label\n1,0\n']);
  });

  it('yields the job events of a stream that arrives in odd pieces', async () => {
    const client = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const text = `: hi\n\n${event('running', 1)}${event('succeeded', 2)}`;
      let i = 0;
      const timer = setInterval(() => {
        res.write(text.slice(i, i + 7));
        i += 7;
        if (i >= text.length) {
          clearInterval(timer);
          res.end();
        }
      }, 1);
    });
    const events = [];
    for await (const e of client.jobEvents(ID)) events.push([e.status, e.round]);
    expect(events).toEqual([
      ['running', 1],
      ['succeeded', 2],
    ]);
  });

  it('follows a job across a dropped stream: re-opens it and resolves with the final record', async () => {
    let opens = 0;
    let done = false;
    const client = await fake((req, res) => {
      if (req.url === `/jobs/${ID}`) return json(res, 200, done ? job('succeeded', 2) : job('running', 0));
      opens++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (opens === 1) {
        res.write(event('running', 1));
        setTimeout(() => res.destroy(), 20); // the connection drops mid-job
        return;
      }
      done = true;
      res.end(event('succeeded', 2));
    });
    const seen: string[] = [];
    const final = await client.followJob(ID, { pollMs: 60_000, onEvent: (e) => seen.push(`${e.status} ${e.round}`) });
    expect(opens).toBe(2);
    expect(seen).toEqual(['running 1', 'succeeded 2']);
    expect(final.status).toBe('succeeded');
  });

  it('notices the end through the polled record when the stream stays silent', async () => {
    let polls = 0;
    const records: string[] = [];
    const client = await fake((req, res) => {
      if (req.url === `/jobs/${ID}`) return json(res, 200, ++polls > 2 ? job('failed', 1) : job('running', 1));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(event('running', 1)); // and nothing more: the final event was lost
    });
    const final = await client.followJob(ID, { pollMs: 50, onRecord: (j) => records.push(j.status) });
    expect(final.status).toBe('failed');
    expect(records).toEqual(['running', 'failed']);
  });

  it('stops at once when the stream is refused', async () => {
    const client = await fake((req, res) => {
      if (req.url === `/jobs/${ID}`) return json(res, 200, job('running', 0));
      json(res, 401, { statusCode: 401, message: 'missing or wrong API token' });
    });
    await expect(client.followJob(ID, { pollMs: 60_000 })).rejects.toMatchObject({ status: 401, message: 'missing or wrong API token' });
  });

  it('follows a sweep until it is no longer running', async () => {
    const sweep = (status: string) => ({ id: 'sweep-1', status, trials: [{ index: 0, status }] });
    const client = await fake((req, res) => {
      if (req.url === '/sweeps/sweep-1') return json(res, 200, sweep('running'));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ sweepId: 'sweep-1', type: 'trial', sweep: sweep('succeeded') })}\n\n`);
    });
    const statuses: string[] = [];
    await client.followSweep('sweep-1', {
      pollMs: 60_000,
      onEvent: (e) => statuses.push(e.sweep.status),
      onRecord: (s) => statuses.push(s.status),
    });
    expect(statuses).toEqual(['running', 'succeeded']);
  });
});

describe('followEvents', () => {
  it('gives up after maxFailures broken streams in a row, with the last error', async () => {
    let opens = 0;
    const follow = followEvents({
      ended: () => false,
      open: async () => {
        opens++;
        throw new TypeError('fetch failed');
      },
      onEvent: () => undefined,
      poll: async () => false,
      pollMs: 60_000,
      recheck: async () => undefined,
      reopenMs: 5,
      maxFailures: 3,
    });
    await expect(follow).rejects.toThrow('fetch failed');
    expect(opens).toBe(3);
  });

  it('stops when its signal aborts', async () => {
    const stop = new AbortController();
    const follow = followEvents({
      ended: () => false,
      open: async (signal) =>
        new Response(new ReadableStream({ start: (c) => signal.addEventListener('abort', () => c.error(new Error('aborted'))) })),
      onEvent: () => undefined,
      poll: async () => false,
      pollMs: 60_000,
      recheck: async () => undefined,
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(new Error('enough')), 20);
    await expect(follow).rejects.toThrow('enough');
  });
});

describe('TuskClient.fromEnv', () => {
  it('takes the url over TUSK_URL over the default, without a trailing slash', () => {
    expect(TuskClient.fromEnv({}).baseUrl).toBe('http://127.0.0.1:8080');
    expect(TuskClient.fromEnv({ TUSK_URL: 'http://driver:9000/' }).baseUrl).toBe('http://driver:9000');
    expect(TuskClient.fromEnv({ TUSK_URL: 'http://driver:9000' }, { url: 'http://other:1' }).baseUrl).toBe('http://other:1');
  });
});
