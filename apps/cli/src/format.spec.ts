import { describe, expect, it } from '@jest/globals';
import type { DatasetManifest, JobRecord, WorkerHeartbeat } from '@tusk/contracts';
import { datasetsTable, jobsTable, workersTable } from './format.js';

describe('jobsTable', () => {
  it("lists id, name, status, round/total and the last round's loss and accuracy", () => {
    const jobs = [
      {
        id: 'job-aa',
        spec: { name: 'blobs' },
        status: 'succeeded',
        round: 2,
        totalRounds: 2,
        history: [{ metrics: { loss: 0.9, accuracy: 0.5 } }, { metrics: { loss: 0.12345, accuracy: 0.975 } }],
      },
      { id: 'job-b', spec: { name: 'mnist-sync' }, status: 'queued', round: 0, totalRounds: 10, history: [] },
    ] as unknown as JobRecord[];
    expect(jobsTable(jobs)).toBe(
      'ID      NAME        STATUS     ROUND    LOSS  ACCURACY\n' +
        'job-aa  blobs       succeeded    2/2  0.1235    0.9750\n' +
        'job-b   mnist-sync  queued      0/10       -         -',
    );
  });
});

describe('datasetsTable', () => {
  it('lists id, name, format, rows, partitions, feature shape, classes and creation time', () => {
    const datasets = [
      {
        id: 'ds-1',
        name: 'blobs',
        format: 'csv',
        rows: 600,
        partitions: [{}, {}],
        features: { shape: [4] },
        labels: { numClasses: 3 },
        createdAt: '2024-01-01T00:00:00.000Z',
      },
      {
        id: 'ds-22',
        name: 'mnist',
        format: 'idx',
        rows: 60000,
        partitions: [{}],
        features: { shape: [28, 28] },
        labels: {},
        createdAt: '2024-01-02T00:00:00.000Z',
      },
    ] as unknown as DatasetManifest[];
    expect(datasetsTable(datasets)).toBe(
      'ID     NAME   FORMAT   ROWS  PARTITIONS  FEATURES  CLASSES  CREATED\n' +
        'ds-1   blobs  csv       600           2  [4]             3  2024-01-01T00:00:00.000Z\n' +
        'ds-22  mnist  idx     60000           1  [28,28]         -  2024-01-02T00:00:00.000Z',
    );
  });
});

describe('workersTable', () => {
  it('lists each worker with its task or idle', () => {
    const workers: WorkerHeartbeat[] = [
      {
        id: 'worker-1',
        backend: 'cpu',
        startedAt: 's',
        updatedAt: '2024-01-01T00:00:05.000Z',
        everyMs: 5000,
        currentTask: { jobId: 'job-a', kind: 'train', round: 3, partition: 1, seq: 7, attempt: '7-1' },
        tasksDone: 12,
        samplesPerSecond: 1234.56,
      },
      {
        id: 'worker-2',
        backend: 'tensorflow',
        startedAt: 's',
        updatedAt: '2024-01-01T00:00:06.000Z',
        everyMs: 5000,
        currentTask: null,
        tasksDone: 0,
        samplesPerSecond: 0,
      },
    ];
    expect(workersTable(workers)).toBe(
      'ID        BACKEND     TASK               TASKS  SAMPLES/S  SEEN\n' +
        'worker-1  cpu         train job-a r3 p1     12     1234.6  2024-01-01T00:00:05.000Z\n' +
        'worker-2  tensorflow  idle                   0        0.0  2024-01-01T00:00:06.000Z',
    );
  });
});
