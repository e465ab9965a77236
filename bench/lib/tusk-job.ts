import type * as tf from '@tensorflow/tfjs';
import type { CompileSpec, DatasetManifest, JobEvent, JobRecord, TrainingSpec } from '@tusk/contracts';
import { ProgressRenderer, type CreateJobRequest, type TuskClient } from '@tusk/client';
import { idxUpload, type SplitFiles } from '../../scripts/demo/fashion-mnist.js';
import { loadTrainedModel } from '../../scripts/demo/train-on-tusk.js';

/** Uploads a Fashion-MNIST split once, so several jobs can train on the same dataset. */
export async function uploadSplit({
  client,
  split,
  name,
  partitions,
  seed,
}: {
  client: TuskClient;
  split: SplitFiles;
  name: string;
  partitions: number;
  seed: number;
}): Promise<{ dataset: DatasetManifest; seconds: number }> {
  const started = performance.now();
  const dataset = await client.createDataset(idxUpload(split, { name, partitions, seed }));
  return { dataset, seconds: (performance.now() - started) / 1000 };
}

export interface JobRun {
  job: JobRecord;
  /** POST /jobs to the final status, seen from the client. */
  submitSeconds: number;
  /** startedAt to finishedAt of the job record (the driver's clock); submitSeconds when missing. */
  jobSeconds: number;
  model?: tf.LayersModel;
}

/** Submits one job, follows it over SSE with a progress line, and downloads the model when it succeeded. */
export async function runJob({
  client,
  dataset,
  model,
  compile,
  training,
  name,
  onEvent,
  log = console.log,
}: {
  client: TuskClient;
  dataset: DatasetManifest;
  model: Record<string, unknown>;
  compile: CompileSpec;
  training: CreateJobRequest['training'] & Partial<TrainingSpec>;
  name: string;
  /** Every event of the job's stream, as it arrives. */
  onEvent?: (event: JobEvent) => void;
  log?: (line: string) => void;
}): Promise<JobRun> {
  const submitted = performance.now();
  const created = await client.createJob({ name, model, compile, datasetId: dataset.id, training });
  const a = created.spec.training.async;
  const every = a?.frequency === 'epoch' ? 'epoch' : `${a?.pushEvery} batch(es)`;
  const asyncText = a ? `, push every ${every}, maxStaleness ${a.maxStaleness ?? 'none'} (${a.stalePolicy})` : '';
  log(
    `job ${created.id}: ${created.spec.training.mode}, ${created.params} parameters, ` +
      `${created.spec.training.partitions} partitions, batch ${created.spec.training.batchSize}${asyncText}`,
  );
  const progress = new ProgressRenderer(process.stdout, process.stdout.isTTY === true);
  let job: JobRecord;
  try {
    job = await client.followJob(created.id, {
      onEvent: (event) => {
        progress.event(event);
        onEvent?.(event);
      },
      pollMs: 2_000,
    });
  } finally {
    progress.finish();
  }
  const submitSeconds = (performance.now() - submitted) / 1000;
  const jobSeconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : submitSeconds;
  for (const r of job.history) {
    const workers = r.workers.map((w) => `${w.workerId}/p${w.partition} ${w.samplesPerSecond}/s`).join(', ');
    log(
      `  round ${r.round}: epoch ${r.epoch}  loss ${r.metrics.loss?.toFixed(4)}  acc ${r.metrics.accuracy?.toFixed(4)}` +
        `  ${r.seconds.toFixed(1)} s  [${workers}]`,
    );
  }
  if (job.status !== 'succeeded') {
    log(`job ${job.id} ended ${job.status}${job.error ? `: ${job.error}` : ''}`);
    return { job, submitSeconds, jobSeconds };
  }
  return { job, submitSeconds, jobSeconds, model: await loadTrainedModel(client, job.id, log) };
}
