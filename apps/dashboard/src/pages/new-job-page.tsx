import { useState } from 'preact/hooks';
import { TuskApiError } from '@tusk/client';
import { api } from '../api/client.js';
import { Field, OtherErrors } from '../components/field.js';
import { navigate, usePoll } from '../hooks.js';
import { jobBodyOf } from './job-form.js';

const FIELDS = [
  'name',
  'model',
  'datasetId',
  'compile.optimizer',
  'compile.loss',
  'compile.metrics',
  'training.mode',
  'training.epochs',
  'training.batchSize',
  'training.partitions',
  'training.seed',
  'training.validationSplit',
  'training.localEpochs',
  'training.roundsPerEpoch',
  'training.optimizerState',
  'training.deltaEncoding',
  'training.frequency',
  'training.pushEvery',
  'training.maxStaleness',
  'training.stalePolicy',
  'training',
];
const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adagrad', 'adadelta', 'adamax'];
const LOSSES = [
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'binary_crossentropy',
  'mean_squared_error',
  'mean_absolute_error',
];

/** `POST /jobs` as a form: paste or load a Keras / tfjs model JSON, pick a dataset, set the training. */
export function NewJobPage() {
  const { value: datasets } = usePoll(api.datasets, 30_000);
  const [mode, setMode] = useState('synchronous');
  const [model, setModel] = useState('');
  const [error, setError] = useState<TuskApiError | Error | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const apiError = error instanceof TuskApiError ? error : null;

  const loadFile = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (file) setModel(await file.text());
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setSubmitting(true);
    try {
      const job = await api.createJob(jobBodyOf(new FormData(e.currentTarget as HTMLFormElement)));
      navigate(`/jobs/${job.id}`);
    } catch (err) {
      setError(err as Error);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section>
      <h1>New job</h1>
      <form class="grid-form" onSubmit={submit} data-testid="new-job-form" noValidate>
        <Field label="Name" name="name" error={apiError}>
          <input name="name" placeholder="my-model" />
        </Field>
        <Field label="Dataset" name="datasetId" error={apiError}>
          <select name="datasetId">
            {(datasets ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.rows} rows, {d.partitions.length} partitions)
              </option>
            ))}
          </select>
        </Field>
        <Field label="Model JSON (Keras model.to_json() or a tfjs model.json)" name="model" error={apiError}>
          <textarea name="model" rows={10} class="mono" value={model} onInput={(e) => setModel(e.currentTarget.value)} />
          <input type="file" accept=".json,application/json" aria-label="Load model JSON from a file" onChange={loadFile} />
        </Field>
        <fieldset>
          <legend>Compile</legend>
          <Field label="Optimizer" name="compile.optimizer" error={apiError}>
            <select name="compile.optimizer">
              {OPTIMIZERS.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          </Field>
          <Field label="Learning rate" name="compile.learningRate" error={apiError} hint="empty: the optimizer's default">
            <input name="compile.learningRate" placeholder="0.001" />
          </Field>
          <Field label="Loss" name="compile.loss" error={apiError}>
            <select name="compile.loss">
              {LOSSES.map((l) => (
                <option key={l}>{l}</option>
              ))}
            </select>
          </Field>
          <Field label="Metrics" name="compile.metrics" error={apiError} hint="comma-separated">
            <input name="compile.metrics" defaultValue="accuracy" />
          </Field>
        </fieldset>
        <fieldset>
          <legend>Training</legend>
          <Field label="Mode" name="training.mode" error={apiError}>
            <select name="training.mode" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
              <option value="synchronous">synchronous</option>
              <option value="asynchronous">asynchronous</option>
              <option value="hogwild">hogwild</option>
            </select>
          </Field>
          <Field label="Epochs" name="training.epochs" error={apiError}>
            <input name="training.epochs" defaultValue="5" />
          </Field>
          <Field label="Batch size" name="training.batchSize" error={apiError}>
            <input name="training.batchSize" placeholder="32" />
          </Field>
          <Field label="Partitions" name="training.partitions" error={apiError} hint="empty: all the dataset's partitions">
            <input name="training.partitions" />
          </Field>
          <Field label="Seed" name="training.seed" error={apiError}>
            <input name="training.seed" />
          </Field>
          <Field label="Validation split" name="training.validationSplit" error={apiError}>
            <input name="training.validationSplit" placeholder="0" />
          </Field>
          {mode === 'synchronous' ? (
            <>
              <Field label="Local epochs per round" name="training.localEpochs" error={apiError}>
                <input name="training.localEpochs" placeholder="1" />
              </Field>
              <Field label="Rounds per epoch (local SGD)" name="training.roundsPerEpoch" error={apiError}>
                <input name="training.roundsPerEpoch" placeholder="1" />
              </Field>
              <Field label="Optimizer state" name="training.optimizerState" error={apiError}>
                <select name="training.optimizerState">
                  <option value="">reset (default)</option>
                  <option value="partition">partition</option>
                </select>
              </Field>
              <Field label="Delta encoding" name="training.deltaEncoding" error={apiError}>
                <select name="training.deltaEncoding">
                  <option value="">float32 (default)</option>
                  <option value="float16">float16</option>
                </select>
              </Field>
            </>
          ) : (
            <>
              <Field label="Push frequency" name="training.frequency" error={apiError}>
                <select name="training.frequency">
                  <option value="">default</option>
                  <option value="epoch">epoch</option>
                  <option value="batch">batch</option>
                </select>
              </Field>
              <Field label="Push every (batches)" name="training.pushEvery" error={apiError}>
                <input name="training.pushEvery" />
              </Field>
              <Field label="Max staleness" name="training.maxStaleness" error={apiError}>
                <input name="training.maxStaleness" />
              </Field>
              <Field label="Stale policy" name="training.stalePolicy" error={apiError}>
                <select name="training.stalePolicy">
                  <option value="">default</option>
                  <option value="reject">reject</option>
                  <option value="scale">scale</option>
                </select>
              </Field>
            </>
          )}
        </fieldset>
        <OtherErrors error={error} fields={FIELDS} />
        <div class="form-actions">
          <button type="submit" disabled={submitting}>
            {submitting ? 'Submitting…' : 'Start training'}
          </button>
        </div>
      </form>
    </section>
  );
}
