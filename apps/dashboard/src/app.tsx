import { useEffect, useState } from 'preact/hooks';
import { onUnauthorized } from './api/client.js';
import { apiToken } from './api/token.js';
import { useRoute } from './hooks.js';
import { DatasetsPage } from './pages/datasets-page.js';
import { JobPage } from './pages/job-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { NewJobPage } from './pages/new-job-page.js';
import { SweepPage } from './pages/sweep-page.js';
import { SweepsPage } from './pages/sweeps-page.js';
import { TokenPage } from './pages/token-page.js';
import { WorkersPage } from './pages/workers-page.js';

const NAV = [
  ['jobs', 'Jobs'],
  ['new', 'New job'],
  ['sweeps', 'Sweeps'],
  ['workers', 'Workers'],
  ['datasets', 'Datasets'],
] as const;

export function App() {
  const route = useRoute();
  const [needToken, setNeedToken] = useState(false);
  useEffect(() => onUnauthorized(() => setNeedToken(true)), []);
  const [section = 'jobs', id] = route;

  if (needToken) {
    return <TokenPage hadToken={apiToken.get() !== null} onSaved={() => setNeedToken(false)} />;
  }
  return (
    <>
      <header class="topbar">
        <a class="brand" href="#/jobs">
          Tusk
        </a>
        <nav>
          {NAV.map(([path, label]) => (
            <a key={path} href={`#/${path}`} class={section === path ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        {apiToken.get() && (
          <button class="link" onClick={() => (apiToken.clear(), setNeedToken(true))}>
            Sign out
          </button>
        )}
      </header>
      <main>
        {section === 'jobs' && !id && <JobsPage />}
        {section === 'jobs' && id && <JobPage key={id} id={id} />}
        {section === 'new' && <NewJobPage />}
        {section === 'sweeps' && !id && <SweepsPage />}
        {section === 'sweeps' && id && <SweepPage key={id} id={id} />}
        {section === 'workers' && <WorkersPage />}
        {section === 'datasets' && <DatasetsPage selected={id} />}
      </main>
    </>
  );
}
