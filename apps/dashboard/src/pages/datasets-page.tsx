import { api } from '../api/client.js';
import { ErrorNote } from '../components/status-badge.js';
import { time } from '../format.js';
import { usePoll } from '../hooks.js';
import { UploadForm } from './upload-form.js';

/** The datasets, one manifest opened, and the upload form. */
export function DatasetsPage({ selected }: { selected?: string }) {
  const { value: datasets, error, refresh } = usePoll(api.datasets, 10_000);
  const { value: manifest, error: manifestError } = usePoll(() => (selected ? api.dataset(selected) : Promise.resolve(null)), 60_000, [
    selected,
  ]);
  return (
    <section>
      <h1>Datasets</h1>
      <ErrorNote error={error} />
      {datasets && datasets.length === 0 && <p class="muted">No dataset yet: upload one below.</p>}
      {datasets && datasets.length > 0 && (
        <table class="table" data-testid="datasets-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Format</th>
              <th>Rows</th>
              <th>Features</th>
              <th>Labels</th>
              <th>Partitions</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <tr key={d.id} class={d.id === selected ? 'selected' : ''}>
                <td>
                  <a href={`#/datasets/${d.id}`}>{d.name}</a>
                </td>
                <td class="mono">{d.id}</td>
                <td>{d.format}</td>
                <td class="num">{d.rows.toLocaleString()}</td>
                <td class="mono">[{d.features.shape.join(', ')}]</td>
                <td class="mono">[{d.labels.shape.join(', ')}]</td>
                <td class="num">{d.partitions.length}</td>
                <td>{time(d.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <>
          <h2>Manifest of {selected}</h2>
          <ErrorNote error={manifestError} />
          {manifest && (
            <pre class="mono spec" data-testid="manifest">
              {JSON.stringify(manifest, null, 2)}
            </pre>
          )}
        </>
      )}
      <h2>Upload</h2>
      <UploadForm onUploaded={refresh} />
    </section>
  );
}
