import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { isFinalStatus } from '@tusk/client';
import type { JobLogLine, JobRecord, WorkerHeartbeat } from '@tusk/contracts';
import { startInProcessDriver, type InProcessDriver } from '../harness/in-process-driver.js';
import { eventually } from '../harness/test-env.js';
import { blobsCsv, blobsModel } from './synthetic-data.js';

/** Every line the cluster's services write, as `<service>| <line>` (see prefixLogs). */
function captureLines(sink: PassThrough): { service: string; line: string }[] {
  const lines: { service: string; line: string }[] = [];
  let pending = '';
  sink.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString('utf8')).split('\n');
    pending = parts.pop()!;
    for (const part of parts) {
      const bar = part.indexOf('| ');
      lines.push({ service: part.slice(0, bar).trim(), line: part.slice(bar + 2) });
    }
  });
  return lines;
}

describe('job logs end to end (driver in-process, a worker and a parameter server with LOG_FORMAT=json)', () => {
  let driver: InProcessDriver;
  let http: InProcessDriver['http'];
  let jobId: string;
  let datasetId: string;
  const sink = new PassThrough();
  const output = captureLines(sink);

  beforeAll(async () => {
    driver = await startInProcessDriver({ workers: 1, clusterEnv: { LOG_FORMAT: 'json', LOG_LEVEL: 'log' }, logSink: sink });
    http = driver.http;

    const upload = await http
      .post('/datasets')
      .field('format', 'csv')
      .field('labelColumns', 'label')
      .field('partitions', '2')
      .attach('file', Buffer.from(blobsCsv({ rows: 200, seed: 3 })), 'blobs.csv');
    expect(upload.status).toBe(201);
    datasetId = upload.body.id;
    const submit = await http.post('/jobs').send({
      model: blobsModel,
      compile: { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] },
      datasetId,
      training: { mode: 'synchronous', epochs: 2, batchSize: 32, partitions: 2, seed: 1 },
    });
    expect(submit.status).toBe(201);
    jobId = submit.body.id;
    const done = await eventually(
      async () => {
        const job = (await http.get(`/jobs/${jobId}`)).body as JobRecord;
        return isFinalStatus(job.status) ? job : null;
      },
      { timeoutMs: 120_000, what: 'the job to finish' },
    );
    expect(done.status).toBe('succeeded');
  }, 180_000);

  afterAll(async () => {
    await driver?.stop();
  });

  it("serves the job's lines from the driver and the worker, oldest first, with rounds and partitions on task lines", async () => {
    // The driver logs the job's end just after it records it: wait for that line too.
    const lines = await eventually(
      async () => {
        const res = await http.get(`/jobs/${jobId}/logs`).expect(200);
        const body = res.body as JobLogLine[];
        return body.some((l) => l.service === 'driver' && l.message.startsWith('succeeded')) ? body : null;
      },
      { timeoutMs: 10_000, what: "the driver's last line" },
    );

    expect(lines.every((l) => l.jobId === jobId)).toBe(true);
    expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at)].sort());
    const driver = lines.filter((l) => l.service === 'driver');
    expect(driver.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^started: synchronous, 2 round\(s\) on 2 partition\(s\)$/),
        expect.stringMatching(/^round 1 done \(2\/2\)/),
      ]),
    );
    expect(driver.every((l) => typeof l.instance === 'string' && l.instance.length > 0)).toBe(true);

    const taskLines = lines.filter((l) => l.service === 'worker' && l.context === 'TaskLoop' && l.message.startsWith('train task done'));
    expect(taskLines.map((l) => `${l.round}/${l.partition}`).sort()).toEqual(['0/0', '0/1', '1/0', '1/1']);
    expect(taskLines.every((l) => l.instance === 'worker-1' && l.level === 'log')).toBe(true);
  });

  it('keeps to limit and level, refuses a bad limit and an unknown job', async () => {
    const all = (await http.get(`/jobs/${jobId}/logs`).expect(200)).body as JobLogLine[];
    const last3 = (await http.get(`/jobs/${jobId}/logs?limit=3`).expect(200)).body as JobLogLine[];
    expect(last3).toHaveLength(3);
    for (const line of last3) expect(all).toContainEqual(line);
    const warnings = (await http.get(`/jobs/${jobId}/logs?level=warn`).expect(200)).body as JobLogLine[];
    expect(warnings.every((l) => l.level === 'warn' || l.level === 'error')).toBe(true);
    expect(warnings.length).toBeLessThan(all.length);

    for (const bad of ['0', '1001', 'ten']) {
      const res = await http.get(`/jobs/${jobId}/logs?limit=${bad}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain('limit');
    }
    expect((await http.get(`/jobs/${jobId}/logs?level=chatty`)).status).toBe(400);
    expect((await http.get(`/jobs/job-${'0'.repeat(32)}/logs`)).status).toBe(404);

    const docs = (await http.get('/api/docs-json').expect(200)).body as {
      paths: Record<string, { get?: { parameters: { name: string }[] } }>;
    };
    expect(docs.paths['/jobs/{id}/logs'].get!.parameters.map((p) => p.name).sort()).toEqual(['id', 'level', 'limit']);
  });

  it('shows the partitions a worker cached and its memory in GET /workers', async () => {
    const worker = await eventually(
      async () => {
        const workers = (await http.get('/workers').expect(200)).body as WorkerHeartbeat[];
        const w = workers.find((x) => x.id === 'worker-1');
        return w?.cachedPartitions?.length ? w : null;
      },
      { timeoutMs: 15_000, what: 'a heartbeat with cached partitions' },
    );
    expect(worker.cachedPartitions).toEqual([`${datasetId}/0of2`, `${datasetId}/1of2`]);
    expect(worker.memory!.rssBytes).toBeGreaterThan(worker.memory!.heapUsedBytes);
    expect(worker.memory!.heapUsedBytes).toBeGreaterThan(0);
    expect(worker.memory!.tensorBytes).toBeGreaterThan(0);
  });

  it('writes one JSON object per line with LOG_FORMAT=json, job fields on the task lines', () => {
    const written = output.filter((o) => o.service === 'worker-1' || o.service === 'parameter-server');
    expect(written.length).toBeGreaterThan(5);
    for (const { line } of written) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(record).toMatchObject({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        level: expect.any(String),
        service: expect.any(String),
        context: expect.any(String),
        message: expect.any(String),
      });
    }
    const records = written.map(({ line }) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toContainEqual(
      expect.objectContaining({
        service: 'worker',
        instance: 'worker-1',
        context: 'Service',
        message: expect.stringMatching(/^worker worker-1 on backend cpu/),
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ service: 'parameter-server', context: 'Service', message: expect.stringMatching(/^health on :\d+$/) }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        service: 'worker',
        context: 'TaskLoop',
        jobId,
        round: 1,
        partition: 0,
        message: expect.stringMatching(/^train task done/),
      }),
    );
  });
});
