import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { JobRecord } from '@tusk/contracts';
import { driverApi } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { blobsDropoutModel } from './synthetic-data.js';

describe('synchronous training is reproducible bit for bit', () => {
  let tc: TestCluster;
  let api: ReturnType<typeof driverApi>;
  let datasetId: string;

  /** Trains the job and returns its per-round weight digests and the sha256 of the served weights.bin. */
  const train = async (
    seed: number,
    optimizerState: 'reset' | 'partition' = 'reset',
  ): Promise<{ rounds: string[]; model: string; job: JobRecord }> => {
    const submitted = await api.createJob({
      model: blobsDropoutModel,
      compile: { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] },
      datasetId,
      training: { epochs: 4, batchSize: 16, partitions: 3, validationSplit: 0.1, seed, optimizerState },
    });
    const job = await api.finished(submitted.id, 120_000);
    expect(job.status).toBe('succeeded');
    const weights = await api.modelFile(job.id, 'weights.bin');
    return { rounds: job.history.map((r) => r.weightsSha256!), model: createHash('sha256').update(weights).digest('hex'), job };
  };

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 1 });
    api = driverApi(tc.cluster);
    datasetId = await api.uploadBlobs({ rows: 900, partitions: 3, seed: 8 });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('gives the same weights on 1, 2 and 3 workers, and again on a second run, round by round', async () => {
    const one = await train(21);
    expect(one.rounds).toHaveLength(4);
    expect(one.rounds.every((d) => /^[0-9a-f]{64}$/.test(d))).toBe(true);
    expect(new Set(one.rounds).size).toBe(4);

    await tc.cluster.addWorker();
    const two = await train(21);
    await tc.cluster.addWorker();
    const three = await train(21);
    const again = await train(21);
    for (const run of [two, three, again]) {
      expect(run.rounds).toEqual(one.rounds);
      expect(run.model).toBe(one.model);
    }
    // With three workers the partitions moved between them from round to round.
    const placements = new Set(three.job.history.flatMap((r) => r.workers.map((w) => `${w.partition}@${w.workerId}`)));
    expect(new Set([...placements].map((p) => p.split('@')[1])).size).toBeGreaterThan(1);

    const otherSeed = await train(22);
    expect(otherSeed.model).not.toBe(one.model);
  }, 300_000);

  it("carries each partition's optimizer state through the store with the same result on 3 workers and on 1", async () => {
    const onThree = await train(21, 'partition');
    for (const w of tc.cluster.workers().slice(1)) await w.process.stop();
    const onOne = await train(21, 'partition');
    expect(onOne.rounds).toEqual(onThree.rounds);
    expect(onOne.model).toBe(onThree.model);
    // The first round starts from fresh optimizers either way; after it, the carried state makes a difference.
    const reset = await train(21);
    expect(onOne.rounds[0]).toBe(reset.rounds[0]);
    expect(onOne.rounds[3]).not.toBe(reset.rounds[3]);
  }, 300_000);
});
