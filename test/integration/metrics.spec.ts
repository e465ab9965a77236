import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobRecord } from '@tusk/contracts';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { driverApi } from '../harness/driver-api.js';
import { parsePrometheusText, promtoolFindings, samplesOf, valueOf, type PromSample } from '../harness/prometheus-text.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { eventually } from '../harness/test-env.js';

const TOKEN = 'metrics-spec-token-0123456789';
const SYNC_EPOCHS = 3;
const ASYNC_EPOCHS = 2;
const PARTITIONS = 2;

describe('/metrics of every service after a synchronous and an asynchronous job', () => {
  let tc: TestCluster;
  let cluster: LocalCluster;
  let syncJob: JobRecord;
  let asyncJob: JobRecord;
  const text: Record<'driver' | 'worker' | 'parameter-server', string> = { driver: '', worker: '', 'parameter-server': '' };
  const samples: Record<keyof typeof text, PromSample[]> = { driver: [], worker: [], 'parameter-server': [] };

  const scrape = async (url: string): Promise<string> => {
    const res = await fetch(url); // no token: /metrics is public, like /health
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  const metricsUrl = (name: string) => cluster.services.find((s) => s.name === name)!.healthUrl.replace(/\/health$/, '/metrics');

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 1, env: { TUSK_API_TOKEN: TOKEN } });
    ({ cluster } = tc);
    const api = driverApi(cluster, { token: TOKEN });
    const datasetId = await api.uploadBlobs({ rows: 120, partitions: PARTITIONS, seed: 7 });
    syncJob = await api.finished(
      (await api.submit(datasetId, { epochs: SYNC_EPOCHS, batchSize: 16, partitions: PARTITIONS, seed: 1 })).id,
      120_000,
    );
    asyncJob = await api.finished(
      (
        await api.submit(datasetId, {
          mode: 'asynchronous',
          epochs: ASYNC_EPOCHS,
          batchSize: 16,
          partitions: PARTITIONS,
          frequency: 'epoch',
          seed: 2,
        })
      ).id,
      120_000,
    );
    // The worker acks each task just after publishing its result: wait until the queue is empty.
    text.driver = await eventually(
      async () => {
        const page = await scrape(`${cluster.driverUrl}/metrics`);
        const parsed = parsePrometheusText(page);
        return samplesOf(parsed, 'tusk_tasks_pending').reduce((n, s) => n + s.value, 0) === 0 ? page : null;
      },
      { timeoutMs: 15_000, what: 'no task pending' },
    );
    text.worker = await scrape(metricsUrl('worker-1'));
    text['parameter-server'] = await scrape(metricsUrl('parameter-server'));
    for (const service of Object.keys(text) as (keyof typeof text)[]) samples[service] = parsePrometheusText(text[service]);
  }, 300_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('ran both jobs to success', () => {
    expect([syncJob.status, asyncJob.status]).toEqual(['succeeded', 'succeeded']);
    expect(syncJob.round).toBe(SYNC_EPOCHS);
  });

  it('keeps the API token on the rest of the driver', async () => {
    expect((await fetch(`${cluster.driverUrl}/jobs`)).status).toBe(401);
  });

  it('serves text that promtool accepts, with no lint finding about a Tusk metric', () => {
    for (const service of Object.keys(text) as (keyof typeof text)[]) {
      const findings = promtoolFindings(text[service]);
      // prom-client's own nodejs_active_*_total gauges draw a naming finding; they are not ours to rename.
      expect({ service, findings: findings.filter((f) => !/^nodejs_active_(handles|requests|resources)_total /.test(f)) }).toEqual({
        service,
        findings: [],
      });
    }
  });

  it('labels every series with its service and keeps the standard process metrics unprefixed', () => {
    for (const service of Object.keys(samples) as (keyof typeof samples)[]) {
      expect(samples[service].every((s) => s.labels.service === service)).toBe(true);
      expect(valueOf(samples[service], 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(valueOf(samples[service], 'process_resident_memory_bytes')).toBeGreaterThan(0);
    }
  });

  it('driver: counts every round once and times each in the histogram', () => {
    const d = samples.driver;
    expect(valueOf(d, 'tusk_rounds_total', { mode: 'synchronous' })).toBe(syncJob.history.length);
    expect(valueOf(d, 'tusk_rounds_total', { mode: 'asynchronous' })).toBe(1);
    expect(valueOf(d, 'tusk_rounds_total', { mode: 'hogwild' })).toBe(0);
    for (const [mode, job] of [
      ['synchronous', syncJob],
      ['asynchronous', asyncJob],
    ] as const) {
      const rounds = job.history.length;
      expect(valueOf(d, 'tusk_round_duration_seconds_count', { mode })).toBe(rounds);
      expect(valueOf(d, 'tusk_round_duration_seconds_bucket', { mode, le: '+Inf' })).toBe(rounds);
      // The histogram's sum is the rounds' own durations, as the job history records them.
      expect(valueOf(d, 'tusk_round_duration_seconds_sum', { mode })).toBeCloseTo(
        job.history.reduce((s, r) => s + r.seconds, 0),
        3,
      );
    }
  });

  it('driver: delta bytes of every averaged partition, jobs by status, an empty queue, no reassignment', () => {
    const d = samples.driver;
    const deltaBytes = syncJob.params * 4; // float32 deltas
    expect(valueOf(d, 'tusk_delta_received_bytes_total')).toBe(deltaBytes * PARTITIONS * SYNC_EPOCHS);
    expect(valueOf(d, 'tusk_jobs', { status: 'succeeded' })).toBe(2);
    for (const status of ['queued', 'running', 'failed', 'cancelled']) expect(valueOf(d, 'tusk_jobs', { status })).toBe(0);
    expect(valueOf(d, 'tusk_tasks_pending', { state: 'waiting' })).toBe(0);
    expect(valueOf(d, 'tusk_tasks_pending', { state: 'held' })).toBe(0);
    expect(valueOf(d, 'tusk_tasks_pending', { state: 'addressed' })).toBe(0);
    expect(valueOf(d, 'tusk_tasks_in_stream', { stream: 'TUSK_TASKS' })).toBe(0);
    expect(valueOf(d, 'tusk_task_reassignments_total', { reason: 'silent_worker' })).toBe(0);
    expect(valueOf(d, 'tusk_tasks_handed_back_total')).toBe(0);
  });

  it('worker: its samples/s, the delta bytes it sent, no redelivery', () => {
    const w = samples.worker;
    expect(valueOf(w, 'tusk_worker_samples_per_second', { worker: 'worker-1' })).toBeGreaterThan(0);
    const deltaBytes = syncJob.params * 4;
    const pushes = PARTITIONS * ASYNC_EPOCHS; // frequency "epoch": one push per partition and epoch
    expect(valueOf(w, 'tusk_delta_sent_bytes_total')).toBe(deltaBytes * (PARTITIONS * SYNC_EPOCHS + pushes));
    expect(valueOf(w, 'tusk_task_redeliveries_total')).toBe(0);
  });

  it('parameter server: pushes by outcome, their staleness, the delta bytes it read', () => {
    const ps = samples['parameter-server'];
    const pushes = PARTITIONS * ASYNC_EPOCHS;
    expect(asyncJob.pushStats).toMatchObject({ pushes, rejected: 0 });
    expect(valueOf(ps, 'tusk_pushes_total', { outcome: 'applied' })).toBe(pushes);
    for (const outcome of ['scaled', 'stale_rejected', 'duplicate', 'busy', 'refused', 'failed'])
      expect(valueOf(ps, 'tusk_pushes_total', { outcome })).toBe(0);
    expect(valueOf(ps, 'tusk_push_staleness_versions_count')).toBe(pushes);
    expect(valueOf(ps, 'tusk_push_staleness_versions_bucket', { le: '+Inf' })).toBe(pushes);
    expect(valueOf(ps, 'tusk_delta_received_bytes_total')).toBe(asyncJob.params * 4 * pushes);
  });
});
