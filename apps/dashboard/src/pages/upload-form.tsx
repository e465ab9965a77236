import { useState } from 'preact/hooks';
import { TuskApiError } from '@tusk/client';
import { uploadDataset } from '../api/upload.js';
import { Field, OtherErrors } from '../components/field.js';
import { ProgressBar } from '../components/status-badge.js';
import { navigate } from '../hooks.js';

const FILES: Record<string, string[]> = { csv: ['file'], npy: ['features', 'labels'], idx: ['images', 'labels'] };
const FIELDS = ['name', 'format', 'labelColumns', 'partitions', 'seed', 'scale', 'file', 'features', 'images', 'labels'];

/** `POST /datasets` as multipart with a progress bar. */
export function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const [format, setFormat] = useState('csv');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<TuskApiError | Error | null>(null);
  const apiError = error instanceof TuskApiError ? error : null;
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    // Empty optional fields are left out, so the driver's defaults apply.
    for (const [k, v] of [...form.entries()]) if (v === '' || (v instanceof File && v.size === 0 && !v.name)) form.delete(k);
    setError(null);
    setProgress(0);
    try {
      const manifest = await uploadDataset(form, setProgress);
      onUploaded();
      navigate(`/datasets/${manifest.id}`);
    } catch (err) {
      setError(err as Error);
    } finally {
      setProgress(null);
    }
  };
  return (
    <form class="grid-form" onSubmit={submit} data-testid="upload-form">
      <Field label="Name" name="name" error={apiError}>
        <input name="name" />
      </Field>
      <Field label="Format" name="format" error={apiError}>
        <select name="format" value={format} onChange={(e) => setFormat(e.currentTarget.value)}>
          <option value="csv">CSV</option>
          <option value="npy">NumPy .npy (features + labels)</option>
          <option value="idx">IDX (MNIST-style images + labels)</option>
        </select>
      </Field>
      {FILES[format].map((role) => (
        <Field key={role} label={`File: ${role}`} name={role} error={apiError}>
          <input type="file" name={role} required />
        </Field>
      ))}
      {format === 'csv' && (
        <Field label="Label column(s)" name="labelColumns" error={apiError} hint="comma-separated">
          <input name="labelColumns" placeholder="label" />
        </Field>
      )}
      {format === 'npy' && (
        <Field label="Scale" name="scale" error={apiError} hint="e.g. 0.00392 for 1/255">
          <input name="scale" />
        </Field>
      )}
      <Field label="Partitions" name="partitions" error={apiError}>
        <input name="partitions" type="number" min={1} placeholder="4" />
      </Field>
      <Field label="Seed" name="seed" error={apiError}>
        <input name="seed" type="number" min={0} />
      </Field>
      <OtherErrors error={error} fields={FIELDS} />
      <div class="form-actions">
        <button type="submit" disabled={progress !== null}>
          Upload
        </button>
        {progress !== null && <ProgressBar value={progress} label={progress < 1 ? `${Math.round(progress * 100)}%` : 'partitioning…'} />}
      </div>
    </form>
  );
}
