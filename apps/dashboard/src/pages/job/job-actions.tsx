import type { EvaluationRecord } from '@tusk/contracts';
import { isFinalStatus } from '@tusk/client';
import { useState } from 'preact/hooks';
import { api, type JobWithProgress } from '../../api/client.js';
import { ErrorNote } from '../../components/status-badge.js';
import { metric } from '../../format.js';
import { usePoll } from '../../hooks.js';

/** Saves a blob under a file name (the model files need the token, so a plain link cannot fetch them). */
function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Cancel, download the model (model.json + weights.bin, as tf.loadLayersModel reads them) and evaluate. */
export function JobActions({ job, onChange }: { job: JobWithProgress; onChange: () => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChange();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const download = async () => {
    saveBlob(await api.modelFile(job.id, 'model.json'), 'model.json');
    saveBlob(await api.modelFile(job.id, 'weights.bin'), 'weights.bin');
  };
  const final = isFinalStatus(job.status);
  return (
    <div class="actions">
      <button
        class="danger"
        disabled={final || busy}
        onClick={() => confirm(`Cancel ${job.spec.name}?`) && act(() => api.cancelJob(job.id))}
      >
        Cancel job
      </button>
      <button disabled={!job.modelReady || busy} onClick={() => act(download)}>
        Download model
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

export function EvaluatePanel({ job }: { job: JobWithProgress }) {
  const { value: datasets } = usePoll(api.datasets, 30_000);
  const [datasetId, setDatasetId] = useState('');
  const [result, setResult] = useState<EvaluationRecord | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [running, setRunning] = useState(false);
  const evaluate = async (e: Event) => {
    e.preventDefault();
    setRunning(true);
    setError(null);
    try {
      setResult(await api.evaluate(job.id, datasetId || job.spec.datasetId));
    } catch (err) {
      setError(err as Error);
    } finally {
      setRunning(false);
    }
  };
  const past = job.evaluations ?? [];
  return (
    <form class="inline" onSubmit={evaluate}>
      <select name="datasetId" value={datasetId} onChange={(e) => setDatasetId(e.currentTarget.value)}>
        <option value="">{job.spec.datasetId} (training data)</option>
        {(datasets ?? [])
          .filter((d) => d.id !== job.spec.datasetId)
          .map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.id})
            </option>
          ))}
      </select>
      <button type="submit" disabled={!job.modelReady || running}>
        {running ? 'Evaluating…' : 'Evaluate'}
      </button>
      <ErrorNote error={error} />
      {[...(result ? [result] : []), ...past.filter((p) => p.id !== result?.id)].map((r) => (
        <p key={r.id} class="mono" data-testid="evaluation">
          {r.datasetId}: {r.status}{' '}
          {Object.entries(r.metrics)
            .map(([k, v]) => `${k}=${metric(v)}`)
            .join(' ')}{' '}
          {r.error ?? ''}
        </p>
      ))}
    </form>
  );
}
