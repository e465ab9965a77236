import type { DatasetManifest, InitialWeightsSource, JobSpec, TrainingMode, TrainingSpec } from '@tusk/contracts';
import {
  buildModel,
  compileSettingsInModel,
  countParams,
  kerasCompileSpec,
  kerasToTfjsTopology,
  ModelSpecError,
  normalizeLoss,
  preflightTopology,
  roundMetricNames,
} from '@tusk/model';
import type { DriverEnv } from '../driver-env.js';
import type { CreateJobDto } from './dto/create-job.dto.js';
import type { InitialWeightsDto } from './dto/initial-weights.dto.js';
import { elasticFields } from './elastic-validator.js';
import { earlyStoppingSpec, learningRateFields } from './lr-control-validator.js';

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
/** Measured with bench:sync-parity (README, Performance). */
const DEFAULT_OPTIMIZER_STATE = 'reset';
const CLASS_LOSSES = new Set(['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'categoricalHinge']);

/** Model output units that the dataset's labels can fill, or the reason they cannot. */
function checkOutput(units: number, manifest: DatasetManifest, loss: string): string | null {
  const labels = manifest.labels;
  if (CLASS_LOSSES.has(loss)) {
    if (!labels.numClasses) return `loss ${loss} needs integer class labels, the dataset's labels have shape [${labels.shape}]`;
    if (units < labels.numClasses) return `the model outputs ${units} units but the dataset's labels have ${labels.numClasses} classes`;
    return null;
  }
  const width = product(labels.shape);
  if (units !== width) return `the model outputs ${units} units but each label has ${width} values`;
  return null;
}

/** The one form `initialWeights` must take: `jobId` (+ `round`), or `modelJson` + `weights`. */
function initialWeightsSource({ jobId, round, modelJson, weights }: InitialWeightsDto): InitialWeightsSource {
  if (jobId !== undefined && modelJson === undefined && weights === undefined) return { jobId, ...(round !== undefined ? { round } : {}) };
  if (jobId === undefined && round === undefined && modelJson !== undefined && weights !== undefined) return { modelJson, weights };
  throw new ModelSpecError(
    'initialWeights',
    'name either jobId (with round for a checkpoint) or modelJson and weights (object keys of a tfjs artifact in the bucket)',
  );
}

/**
 * `roundsPerEpoch` as the spec keeps it (absent for 1): synchronous, with one epoch per round, and no more rounds than
 * the smallest partition has batches per epoch, so that every round's slice trains something.
 */
function roundsPerEpochOf({
  t,
  mode,
  partitions,
  batchSize,
  manifest,
}: {
  t: CreateJobDto['training'];
  mode: TrainingMode;
  partitions: number;
  batchSize: number;
  manifest: DatasetManifest;
}): Pick<TrainingSpec, 'roundsPerEpoch'> {
  const perEpoch = t.roundsPerEpoch;
  if (perEpoch === undefined) return {};
  if (mode !== 'synchronous')
    throw new ModelSpecError('training.roundsPerEpoch', 'applies to synchronous jobs only (an asynchronous job is one round)');
  if (perEpoch === 1) return {};
  if ((t.localEpochs ?? 1) > 1)
    throw new ModelSpecError('training.roundsPerEpoch', 'splits one epoch into rounds: it cannot be combined with localEpochs above 1');
  const split = t.validationSplit ?? 0;
  const batches = Array.from({ length: partitions }, (_, p) => {
    const rows = manifest.partitions.filter((part) => part.index % partitions === p).reduce((n, part) => n + part.rows, 0);
    return Math.ceil((split > 0 ? Math.floor(rows * (1 - split)) : rows) / batchSize);
  });
  const fewest = Math.min(...batches);
  if (perEpoch > fewest)
    throw new ModelSpecError(
      'training.roundsPerEpoch',
      `partition ${batches.indexOf(fewest)} has ${fewest} batch(es) per epoch: at most that many rounds per epoch`,
    );
  return { roundsPerEpoch: perEpoch };
}

/**
 * Checks a job against its dataset and the configured limits before anything is stored or queued,
 * building the model once to catch unknown layers, shapes that do not fit and oversized models.
 */
export async function validateJob({
  dto,
  manifest,
  validation,
  env,
}: {
  dto: CreateJobDto;
  manifest: DatasetManifest;
  validation?: DatasetManifest;
  env: DriverEnv;
}): Promise<{ spec: JobSpec; params: number }> {
  const t = dto.training;
  const mode = t.mode ?? 'synchronous';
  const asyncOnly = (['frequency', 'pushEvery', 'maxStaleness', 'stalePolicy'] as const).find((k) => t[k] !== undefined);
  if (mode === 'synchronous' && asyncOnly)
    throw new ModelSpecError(`training.${asyncOnly}`, 'applies to asynchronous and hogwild jobs only');
  if (t.deltaEncoding === 'float16' && mode !== 'synchronous')
    throw new ModelSpecError('training.deltaEncoding', 'float16 deltas apply to synchronous jobs only');
  if (t.localEpochs !== undefined && mode !== 'synchronous')
    throw new ModelSpecError('training.localEpochs', 'applies to synchronous jobs only');
  if (t.optimizerState !== undefined && mode !== 'synchronous')
    throw new ModelSpecError('training.optimizerState', 'applies to synchronous jobs only');
  if (t.checkpointEvery !== undefined && mode !== 'synchronous')
    throw new ModelSpecError(
      'training.checkpointEvery',
      'applies to synchronous jobs only (an asynchronous job is one round, kept at its end)',
    );
  if (t.serverMomentum !== undefined && mode !== 'synchronous')
    throw new ModelSpecError('training.serverMomentum', 'applies to synchronous jobs only (asynchronous deltas are not averaged)');
  if (t.epochs > env.TUSK_MAX_EPOCHS)
    throw new ModelSpecError('training.epochs', `at most ${env.TUSK_MAX_EPOCHS} epochs (TUSK_MAX_EPOCHS)`);
  const available = manifest.partitions.length;
  const partitions = t.partitions ?? available;
  if (partitions > available)
    throw new ModelSpecError('training.partitions', `the dataset has ${available} partitions; a job can use at most that many`);
  if (partitions > env.TUSK_MAX_PARTITIONS)
    throw new ModelSpecError('training.partitions', `at most ${env.TUSK_MAX_PARTITIONS} (TUSK_MAX_PARTITIONS)`);
  const localEpochs = Math.min(t.localEpochs ?? 1, t.epochs);
  const batchSize = t.batchSize ?? 32;
  const roundsPerEpoch = roundsPerEpochOf({ t, mode, partitions, batchSize, manifest });
  const compile = kerasCompileSpec(dto.compile ?? compileSettingsInModel(dto.model));
  const seed = t.seed ?? 42;

  // Keras 2.x / 3.x to_json() as tfjs reads it; stored so that workers and the saved model.json use it too.
  const topology = kerasToTfjsTopology(dto.model);
  // Before tfjs builds the model (which allocates every weight): cycles, unknown inputs, size.
  preflightTopology(topology, { maxParams: env.TUSK_MAX_PARAMS });
  const model = await buildModel({ topology, compile, seed });
  try {
    const params = countParams(model);
    if (params > env.TUSK_MAX_PARAMS)
      throw new ModelSpecError('model', `${params} parameters is over the limit of ${env.TUSK_MAX_PARAMS} (TUSK_MAX_PARAMS)`);
    if (model.inputs[0].dtype !== 'float32')
      throw new ModelSpecError('model', `the model's input must be float32, not ${model.inputs[0].dtype}`);
    const inputShape = model.inputs[0].shape.slice(1);
    if (inputShape.some((d) => d === null)) throw new ModelSpecError('model', `the input shape [${inputShape}] must be fully defined`);
    if (product(inputShape as number[]) !== product(manifest.features.shape)) {
      throw new ModelSpecError(
        'model',
        `the model's input shape [${inputShape}] does not fit the dataset's features of shape [${manifest.features.shape}]`,
      );
    }
    const outputShape = model.outputs[0].shape;
    const units = outputShape[outputShape.length - 1] ?? 0;
    const outputProblem = checkOutput(units, manifest, normalizeLoss(compile.loss));
    if (outputProblem) throw new ModelSpecError('model', outputProblem);
    if (validation) {
      const problem =
        product(validation.features.shape) !== product(manifest.features.shape)
          ? `its features of shape [${validation.features.shape}] differ from the training data's [${manifest.features.shape}]`
          : checkOutput(units, validation, normalizeLoss(compile.loss));
      if (problem) throw new ModelSpecError('training.validationDatasetId', problem);
    }
    const learningRate = learningRateFields({ dto: t, epochs: t.epochs, partitions, compile });
    const elastic = elasticFields({ dto: t, mode, partitions });
    const validates = (t.validationSplit ?? 0) > 0 || validation !== undefined;
    const earlyStopping = t.earlyStopping
      ? earlyStoppingSpec({ dto: t.earlyStopping, mode, recorded: roundMetricNames({ model, validates }) })
      : undefined;
    const spec: JobSpec = {
      name: dto.name ?? `job on ${manifest.name}`,
      model: topology,
      compile,
      datasetId: manifest.id,
      ...(dto.initialWeights ? { initialWeights: initialWeightsSource(dto.initialWeights) } : {}),
      training: {
        mode,
        epochs: t.epochs,
        batchSize,
        partitions,
        localEpochs,
        ...roundsPerEpoch,
        validationSplit: t.validationSplit ?? 0,
        seed,
        ...(validation ? { validationDatasetId: validation.id } : {}),
        deltaEncoding: t.deltaEncoding ?? 'float32',
        ...(mode === 'synchronous' ? { optimizerState: t.optimizerState ?? DEFAULT_OPTIMIZER_STATE } : {}),
        ...(t.checkpointEvery !== undefined ? { checkpointEvery: t.checkpointEvery } : {}),
        ...(t.keepCheckpoints !== undefined ? { keepCheckpoints: t.keepCheckpoints } : {}),
        ...learningRate,
        ...(t.serverMomentum ? { serverMomentum: t.serverMomentum } : {}),
        ...(earlyStopping ? { earlyStopping } : {}),
        ...elastic,
        ...(mode === 'synchronous'
          ? {}
          : {
              async: {
                frequency: t.frequency ?? 'epoch',
                pushEvery: t.pushEvery ?? 1,
                maxStaleness: t.maxStaleness ?? null,
                stalePolicy: t.stalePolicy ?? 'reject',
              },
            }),
      },
    };
    return { spec, params };
  } finally {
    model.optimizer?.dispose();
    model.dispose();
  }
}
