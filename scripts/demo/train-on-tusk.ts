import * as tf from '@tensorflow/tfjs';
import type { CompileSpec, DatasetManifest, JobRecord, TrainingSpec } from '@tusk/contracts';
import { ProgressRenderer, type TuskClient } from '@tusk/client';
import { modelFromFiles } from './evaluate.js';
import { idxUpload, type SplitFiles } from './fashion-mnist.js';

export interface TuskTraining {
  dataset: DatasetManifest;
  job: JobRecord;
  /** Seconds from `POST /jobs` to the final status. */
  trainSeconds: number;
  uploadSeconds: number;
  /** Training samples per second over trainSeconds: rows * epochs / trainSeconds. */
  samplesPerSecond: number;
  /** The trained model (only when the job succeeded). */
  model?: tf.LayersModel;
}

/**
 * Uploads a Fashion-MNIST split through the API, trains the model on it as one Tusk job followed over
 * SSE with a progress line, and downloads the result as a tfjs model.
 */
export async function trainOnTusk({
  client,
  split,
  datasetName,
  model,
  compile,
  training,
  log = console.log,
}: {
  client: TuskClient;
  split: SplitFiles;
  datasetName: string;
  model: Record<string, unknown>;
  compile: CompileSpec;
  training: TrainingSpec;
  log?: (line: string) => void;
}): Promise<TuskTraining> {
  const upload = idxUpload(split, { name: datasetName, partitions: training.partitions, seed: training.seed });
  const uploadStarted = performance.now();
  const dataset = await client.createDataset(upload);
  const uploadSeconds = (performance.now() - uploadStarted) / 1000;
  log(
    `dataset ${dataset.id}: ${dataset.rows} ` +
      `rows of [${dataset.features.shape}] ${dataset.features.dtype}, ${dataset.labels.numClasses} classes, ${dataset.partitions.length} ` +
      `partitions (${uploadSeconds.toFixed(1)} s)`,
  );

  const submitted = performance.now();
  const created = await client.createJob({ name: `${datasetName} mlp`, model, compile, datasetId: dataset.id, training });
  log(
    `job ${created.id}: ${created.params} parameters, ${created.totalRounds} rounds of ` +
      `${created.spec.training.localEpochs} local epoch(s) on ${created.spec.training.partitions} partitions, ` +
      `batch ${created.spec.training.batchSize}`,
  );
  log(`watch it in the dashboard: ${client.baseUrl}/#/jobs/${created.id}`);
  const progress = new ProgressRenderer(process.stdout, process.stdout.isTTY === true);
  let job: JobRecord;
  try {
    job = await client.followJob(created.id, { onEvent: (event) => progress.event(event) });
  } finally {
    progress.finish();
  }
  const trainSeconds = (performance.now() - submitted) / 1000;
  const samplesPerSecond = (dataset.rows * training.epochs) / trainSeconds;
  for (const r of job.history) {
    const workers = r.workers.map((w) => `${w.workerId}/p${w.partition} ${w.samplesPerSecond}/s`).join(', ');
    log(
      `  round ${r.round}: epoch ${Number(r.epoch.toFixed(2))}  loss ${r.metrics.loss?.toFixed(4)}  acc ${r.metrics.accuracy?.toFixed(4)}` +
        `  ${r.seconds.toFixed(1)} s  [${workers}]`,
    );
  }
  if (job.status !== 'succeeded') {
    log(`job ${job.id} ended ${job.status}${job.error ? `: ${job.error}` : ''}`);
    return { dataset, job, trainSeconds, uploadSeconds, samplesPerSecond };
  }
  const trained = await loadTrainedModel(client, job.id, log);
  return { dataset, job, trainSeconds, uploadSeconds, samplesPerSecond, model: trained };
}

/**
 * Opens the job's model the way a user would, `tf.loadLayersModel(<driver>/jobs/<id>/model/model.json)`;
 * if tfjs' HTTP loader fails in this runtime, fetches both files and opens them from memory.
 */
export async function loadTrainedModel(
  client: TuskClient,
  jobId: string,
  log: (line: string) => void = console.log,
): Promise<tf.LayersModel> {
  const url = client.modelUrl(jobId);
  try {
    return await tf.loadLayersModel(url);
  } catch (err) {
    log(`tf.loadLayersModel(${url}) failed (${(err as Error).message}); loading the downloaded files from memory`);
    return modelFromFiles(await client.downloadModel(jobId));
  }
}
