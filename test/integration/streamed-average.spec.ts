import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BaseEnv, loadEnv } from '@tusk/config';
import { weightsKey } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { applyDelta, averageDeltas, bytesToFloat32, float32ToBytes } from '@tusk/model';
import { driverApi, type TestDriverApi } from '../harness/driver-api.js';
import { parsePrometheusText, valueOf } from '../harness/prometheus-text.js';
import { SimulatedWorkers } from '../harness/simulated-workers.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';

const PARTITIONS = 6;
const samplesOf = (partition: number): number => 10 + 7 * partition;

describe('a synchronous round averaged as a stream (driver process, simulated workers)', () => {
  let tc: TestCluster;
  let infra: Infra;
  let workers: SimulatedWorkers;
  let api: TestDriverApi;

  beforeAll(async () => {
    // Fewer deltas fetched at once than partitions: the fold's window really slides.
    tc = await startTestCluster({ workers: 0, env: { TUSK_DELTA_FETCH_AHEAD: '2' } });
    infra = await Infra.connect({ name: 'streamed-average-spec', env: loadEnv(BaseEnv, tc.env) });
    workers = new SimulatedWorkers(infra);
    await workers.start();
    api = driverApi(tc.cluster);
  });

  afterAll(async () => {
    workers?.stop();
    await infra?.close();
    await tc?.stop();
  });

  it('adds the bits of averageDeltas to the weights, counts the bytes, and fails the job naming a NaN delta', async () => {
    const datasetId = await api.uploadBlobs({ rows: 120, partitions: PARTITIONS, seed: 3 });
    const job = await api.submit(datasetId, { epochs: 3, batchSize: 16, partitions: PARTITIONS, seed: 1 });
    const deltas = Array.from({ length: PARTITIONS }, (_, p) =>
      Float32Array.from({ length: job.params }, (_, i) => Math.sin(i * 0.37 + p) * 10 ** -(p % 4)),
    );
    const scrapeReceived = async () =>
      valueOf(parsePrometheusText(await (await fetch(`${tc.cluster.driverUrl}/metrics`)).text()), 'tusk_delta_received_bytes_total');
    const receivedBefore = await scrapeReceived();

    const round0 = await workers.roundTasks({ jobId: job.id, round: 0, partitions: PARTITIONS });
    const base = bytesToFloat32(await infra.blobs.get(weightsKey(job.id, 0)));
    await workers.answer({ round: round0, deltaOf: (p) => float32ToBytes(deltas[p]), samplesOf });
    const round1 = await workers.roundTasks({ jobId: job.id, round: 1, partitions: PARTITIONS });
    const next = await infra.blobs.get(weightsKey(job.id, 1));
    const expected = applyDelta(base, averageDeltas(deltas.map((delta, p) => ({ delta, samples: samplesOf(p) }))));
    expect(Buffer.from(next).equals(Buffer.from(float32ToBytes(expected)))).toBe(true);
    expect((await scrapeReceived()) - receivedBefore).toBe(PARTITIONS * job.params * 4);

    const poisoned = deltas.map((d, p) => (p === 4 ? Float32Array.from(d, (v, i) => (i === 5 ? Number.NaN : v)) : d));
    await workers.answer({ round: round1, deltaOf: (p) => float32ToBytes(poisoned[p]), samplesOf });
    const failed = await api.finished(job.id, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('partition 4 sent a delta with NaN or Inf in round 1');
    expect(failed.history).toHaveLength(1);
  });
});
