import type { JobRecord } from '@tusk/contracts';
import { layersOf } from './model-layers.js';

export function ModelSummary({ job }: { job: JobRecord }) {
  const layers = layersOf(job.spec.model);
  return (
    <>
      <p data-testid="param-count">
        {job.params.toLocaleString()} parameters · {layers.length} layers
      </p>
      <table class="table compact">
        <thead>
          <tr>
            <th>Layer</th>
            <th>Type</th>
            <th>Settings</th>
          </tr>
        </thead>
        <tbody>
          {layers.map((l) => (
            <tr key={l.name}>
              <td>{l.name}</td>
              <td>{l.type}</td>
              <td class="mono">{l.settings}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
