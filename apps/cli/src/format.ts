import type { DatasetManifest, JobRecord, WorkerHeartbeat } from '@tusk/contracts';
import { accuracyOf, formatMetric } from '@tusk/client';
import { formatTable } from './table.js';

/** `tusk jobs list`: id, name, status, round/total, the last round's loss and accuracy. */
export function jobsTable(jobs: JobRecord[]): string {
  const rows = jobs.map((job) => {
    const metrics = job.history.at(-1)?.metrics;
    return [
      job.id,
      job.spec?.name ?? '',
      job.status,
      `${job.round}/${job.totalRounds}`,
      formatMetric(metrics?.loss),
      formatMetric(accuracyOf(metrics)),
    ];
  });
  return formatTable(['ID', 'NAME', 'STATUS', 'ROUND', 'LOSS', 'ACCURACY'], rows, { right: [3, 4, 5] });
}

const shape = (s: number[]) => `[${s.join(',')}]`;

/** `tusk datasets list`: id, name, format, rows, partitions, feature shape, classes, creation time. */
export function datasetsTable(datasets: DatasetManifest[]): string {
  const rows = datasets.map((d) => [
    d.id,
    d.name,
    d.format,
    String(d.rows),
    String(d.partitions.length),
    shape(d.features.shape),
    d.labels.numClasses === undefined ? '-' : String(d.labels.numClasses),
    d.createdAt,
  ]);
  return formatTable(['ID', 'NAME', 'FORMAT', 'ROWS', 'PARTITIONS', 'FEATURES', 'CLASSES', 'CREATED'], rows, { right: [3, 4, 6] });
}

/** `tusk workers`: id, backend, current task, tasks done, samples/s, last heartbeat. */
export function workersTable(workers: WorkerHeartbeat[]): string {
  const rows = workers.map((w) => {
    const t = w.currentTask;
    const task = t ? `${t.kind} ${t.jobId} r${t.round} p${t.partition}` : 'idle';
    return [w.id, w.backend, task, String(w.tasksDone), w.samplesPerSecond.toFixed(1), w.updatedAt];
  });
  return formatTable(['ID', 'BACKEND', 'TASK', 'TASKS', 'SAMPLES/S', 'SEEN'], rows, { right: [3, 4] });
}
