import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { countByStatus, registerStateGauges } from './state-gauges.js';

const never = <T>() => new Promise<T>(() => undefined);

describe('state gauges', () => {
  it('counts jobs by status, every status present', () => {
    expect(countByStatus(['succeeded', 'running', 'succeeded', 'failed', 'waiting'])).toEqual({
      queued: 0,
      running: 1,
      waiting: 1,
      succeeded: 2,
      failed: 1,
      cancelled: 0,
      stopped: 0,
    });
  });

  it('reads its sources at each scrape', async () => {
    const registry = new Registry();
    let statuses: ('succeeded' | 'running')[] = ['running'];
    registerStateGauges(registry, { jobStatuses: async () => statuses, pendingTasks: async () => ({ waiting: 3, held: 1, addressed: 2 }) });
    expect(await registry.metrics()).toContain('tusk_jobs{status="running"} 1');
    statuses = ['succeeded', 'succeeded'];
    const text = await registry.metrics();
    expect(text).toContain('tusk_jobs{status="running"} 0');
    expect(text).toContain('tusk_jobs{status="succeeded"} 2');
    expect(text).toContain('tusk_tasks_pending{state="waiting"} 3');
    expect(text).toContain('tusk_tasks_pending{state="held"} 1');
    expect(text).toContain('tusk_tasks_pending{state="addressed"} 2');
    expect(text).toContain('tusk_tasks_in_stream{stream="TUSK_TASKS"} 6');
  });

  it('leaves a gauge out of the scrape, not stale, when its source fails or does not answer in time', async () => {
    const registry = new Registry();
    let fail = false;
    registerStateGauges(
      registry,
      {
        jobStatuses: async () => {
          if (fail) throw new Error('nats down');
          return ['queued'];
        },
        pendingTasks: () => (fail ? never() : Promise.resolve({ waiting: 1, held: 0, addressed: 0 })),
      },
      { timeoutMs: 50 },
    );
    expect(await registry.metrics()).toContain('tusk_jobs{status="queued"} 1');
    fail = true;
    const text = await registry.metrics();
    expect(text).not.toMatch(/^tusk_jobs\{/m);
    expect(text).not.toMatch(/^tusk_tasks_pending\{/m);
    expect(text).not.toMatch(/^tusk_tasks_in_stream\{/m);
  });
});
