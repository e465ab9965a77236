import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { BaseEnv, loadEnv } from '@tusk/config';
import { datasetManifestKey, datasetPartKey, jobRecordKey, optimizerStateKey, weightsKey, type JobRecord } from '@tusk/contracts';
import { buildManifest, encodePartition, parseCsv, partitionTable, sha256Hex, tableFromCsv } from '@tusk/data';
import { Infra } from '@tusk/infra';
import { buildModel, bytesToFloat32, float32ToBytes, getFlatWeights, selectBackend } from '@tusk/model';
import { TaskRunner } from '../../apps/worker/src/training/task-runner.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { blobsCsv, blobsModel } from '../e2e/synthetic-data.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';

describe('worker memory across rounds', () => {
  let nats: LocalNats;
  let infra: Infra;

  beforeAll(async () => {
    await selectBackend('cpu');
    nats = await suiteNats();
    infra = await Infra.connect({ name: 'memory-test', env: loadEnv(BaseEnv, serviceEnv({ natsUrl: nats.url, s3: testS3() })) });
    await uploadDataset();
  });

  afterAll(async () => {
    await infra?.close();
    await nats?.process.stop();
  });

  /** The blobs dataset `ds-mem` in 2 parts (120 rows each), uploaded once. */
  const uploadDataset = async () => {
    const table = tableFromCsv(parseCsv({ text: blobsCsv({ rows: 240, seed: 1 }), labelColumns: ['label'] }));
    const parts = partitionTable({ table, partitions: 2, seed: 1 });
    const entries = await Promise.all(
      parts.map(async (p) => {
        const bytes = encodePartition(p);
        await infra.store.putBytes(datasetPartKey('ds-mem', p.index), bytes);
        return { index: p.index, key: datasetPartKey('ds-mem', p.index), rows: p.rows, bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
      }),
    );
    await infra.store.putJson(
      datasetManifestKey('ds-mem'),
      buildManifest({ id: 'ds-mem', name: 'mem', format: 'csv', seed: 1, table, parts: entries }),
    );
  };

  /** A running synchronous job of the blobs model on `ds-mem` and its initial weights (version 0). */
  const putJob = async (id: string, training: Partial<JobRecord['spec']['training']> = {}): Promise<JobRecord> => {
    const compile = { optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] };
    const now = new Date().toISOString();
    const job: JobRecord = {
      id,
      status: 'running',
      createdAt: now,
      updatedAt: now,
      round: 0,
      totalRounds: 6,
      params: 0,
      history: [],
      backends: [],
      modelReady: false,
      spec: {
        name: 'mem',
        model: blobsModel,
        compile,
        datasetId: 'ds-mem',
        training: {
          mode: 'synchronous',
          epochs: 6,
          batchSize: 16,
          partitions: 2,
          localEpochs: 1,
          validationSplit: 0.1,
          seed: 5,
          ...training,
        },
      },
    };
    await infra.buckets.jobs.put(jobRecordKey(job.id), JSON.stringify(job));
    const initial = await buildModel({ topology: blobsModel, compile, seed: 5 });
    await infra.blobs.put(weightsKey(job.id, 0), float32ToBytes(getFlatWeights(initial)));
    initial.dispose();
    return job;
  };

  it('keeps the tensor count flat over 6 rounds and returns a finite delta each time', async () => {
    const job = await putJob('job-mem');

    const runner = new TaskRunner(infra, 'mem-worker', 'cpu', 64 * 1024 * 1024);
    const counts: number[] = [];
    for (let round = 0; round < 6; round++) {
      const result = await runner.run(
        {
          jobId: job.id,
          kind: 'train',
          round,
          partition: round % 2,
          datasetId: 'ds-mem',
          weightsKey: weightsKey(job.id, 0),
          epochs: 1,
          batchSize: 16,
          seed: round,
        },
        { attempt: `${round}-1` },
      );
      expect(result.ok).toBe(true);
      expect(result.samples).toBe(108); // 120 rows, 10% held out for validation
      expect(Object.keys(result.metrics).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
      const delta = bytesToFloat32(await infra.blobs.get(result.deltaKey!));
      expect(delta.every(Number.isFinite)).toBe(true);
      expect(delta.some((v) => v !== 0)).toBe(true);
      counts.push(tf.memory().numTensors);
    }
    // The first two rounds load and cache each partition; after that nothing may accumulate.
    expect(new Set(counts.slice(2)).size).toBe(1);
    runner.dispose();
  }, 120_000);

  it("trains local SGD slices, carrying the partition's optimizer state within an epoch, with a flat tensor count", async () => {
    const job = await putJob('job-mem-slices', { roundsPerEpoch: 3 });
    const runner = new TaskRunner(infra, 'mem-worker', 'cpu', 64 * 1024 * 1024);
    const counts: number[] = [];
    const samples: number[] = [];
    const kept: boolean[] = [];
    for (let round = 0; round < 6; round++) {
      const attempt = `${round}-1`;
      const previous = optimizerStateKey({ jobId: job.id, round: round - 1, partition: 0, attempt: `${round - 1}-1` });
      const result = await runner.run(
        {
          jobId: job.id,
          kind: 'train',
          round,
          partition: 0,
          datasetId: 'ds-mem',
          weightsKey: weightsKey(job.id, 0),
          epochs: 1,
          batchSize: 16,
          seed: Math.floor(round / 3),
          slice: { index: round % 3, count: 3 },
          ...(round % 3 !== 0 ? { optimizerKey: previous } : {}),
        },
        { attempt },
      );
      expect(result.ok).toBe(true);
      samples.push(result.samples);
      kept.push(result.optimizerKey === optimizerStateKey({ jobId: job.id, round, partition: 0, attempt }));
      counts.push(tf.memory().numTensors);
    }
    // 108 training rows in 7 batches of 16: slices of batches [0, 2), [2, 4), [4, 7).
    expect(samples).toEqual([32, 32, 44, 32, 32, 44]);
    // The state goes on to the epoch's next slice; the last slice's is not kept (the next epoch starts fresh).
    expect(kept).toEqual([true, true, false, true, true, false]);
    expect(new Set(counts.slice(3)).size).toBe(1);
    runner.dispose();
  }, 120_000);
});
