import { api } from '../api/client.js';
import { ErrorNote } from '../components/status-badge.js';
import { bytes, duration } from '../format.js';
import { useNow, usePoll } from '../hooks.js';

/** Every live worker (its heartbeat has not expired), refreshed every 2 s. */
export function WorkersPage() {
  const { value: workers, error } = usePoll(api.workers, 2000);
  const now = useNow();
  return (
    <section>
      <h1>Workers</h1>
      <ErrorNote error={error} />
      {workers && workers.length === 0 && (
        <p class="muted">
          No live worker. Start some: <code>npm start</code> or <code>docker compose up --scale worker=4</code>.
        </p>
      )}
      {workers && workers.length > 0 && (
        <table class="table" data-testid="workers-table">
          <thead>
            <tr>
              <th>Worker</th>
              <th>Heartbeat</th>
              <th>Backend</th>
              <th>Current task</th>
              <th>Tasks done</th>
              <th>Samples/s</th>
              <th>Cached partitions</th>
              <th>RSS</th>
              <th>Heap</th>
              <th>Tensors</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((w) => (
              <tr key={w.id}>
                <td>{w.id}</td>
                <td>{duration((now - Date.parse(w.updatedAt)) / 1000)} ago</td>
                <td>{w.backend}</td>
                <td>
                  {w.currentTask ? (
                    <a href={`#/jobs/${w.currentTask.jobId}`}>
                      {w.currentTask.kind} r{w.currentTask.round} p{w.currentTask.partition}
                    </a>
                  ) : (
                    'idle'
                  )}
                </td>
                <td class="num">{w.tasksDone}</td>
                <td class="num">{Math.round(w.samplesPerSecond)}</td>
                <td class="mono">{w.cachedPartitions?.join(' ') || '—'}</td>
                <td class="num">{bytes(w.memory?.rssBytes)}</td>
                <td class="num">{bytes(w.memory?.heapUsedBytes)}</td>
                <td class="num">{bytes(w.memory?.tensorBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
