import { TuskApiError } from '@tusk/client';

/** Empty → left out (the driver's default applies); numeric text → number; anything else is sent as typed, so the driver names it. */
export function numberOrText(value: FormDataEntryValue | null): number | string | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') return undefined;
  return /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(text) ? Number(text) : text;
}

/** The model JSON as pasted: a Keras/tfjs topology, or a whole tfjs `model.json` (its `modelTopology` is used). */
export function parseModel(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const message = `model: not valid JSON (${(err as Error).message})`;
    throw new TuskApiError({ status: 400, messages: [message], fields: { model: message } });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TuskApiError({ status: 400, messages: ['model must be a JSON object'], fields: { model: 'model must be a JSON object' } });
  }
  const artifact = parsed as { modelTopology?: Record<string, unknown> };
  return artifact.modelTopology ?? (parsed as Record<string, unknown>);
}

const compact = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The `POST /jobs` body from the new-job form. */
export function jobBodyOf(form: FormData): Record<string, unknown> {
  const text = (name: string) => (form.get(name) as string | null)?.trim() || undefined;
  const num = (name: string) => numberOrText(form.get(name));
  const synchronous = (text('training.mode') ?? 'synchronous') === 'synchronous';
  const learningRate = num('compile.learningRate');
  const optimizer = text('compile.optimizer') ?? 'adam';
  return compact({
    name: text('name'),
    model: parseModel(text('model') ?? ''),
    datasetId: text('datasetId') ?? '',
    compile: compact({
      optimizer: learningRate === undefined ? optimizer : { className: optimizer, config: { learning_rate: learningRate } },
      loss: text('compile.loss') ?? '',
      metrics: text('compile.metrics')
        ?.split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    }),
    training: compact({
      mode: text('training.mode'),
      epochs: num('training.epochs'),
      batchSize: num('training.batchSize'),
      partitions: num('training.partitions'),
      seed: num('training.seed'),
      validationSplit: num('training.validationSplit'),
      ...(synchronous
        ? {
            localEpochs: num('training.localEpochs'),
            roundsPerEpoch: num('training.roundsPerEpoch'),
            optimizerState: text('training.optimizerState'),
            deltaEncoding: text('training.deltaEncoding'),
          }
        : {
            frequency: text('training.frequency'),
            pushEvery: num('training.pushEvery'),
            maxStaleness: num('training.maxStaleness'),
            stalePolicy: text('training.stalePolicy'),
          }),
    }),
  });
}
