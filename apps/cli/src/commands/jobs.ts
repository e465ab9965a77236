import { readFile } from 'node:fs/promises';
import type { JobEvent, JobRecord, JobStatus } from '@tusk/contracts';
import { jobsTable } from '../format.js';
import { accuracyOf, formatDuration, formatMetric, isFinalStatus, ProgressRenderer, stateFromJob } from '../progress-bar.js';
import { followEvents } from './follow-events.js';
import { CliError, line, type CommandContext, type OptionValues } from './context.js';

const enc = encodeURIComponent;

/** `tusk jobs submit job.json [--dataset <id>] [--watch]`: job.json is the POST /jobs body. */
export async function submitJob(ctx: CommandContext, file: string, values: OptionValues): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CliError(`${file} must hold a JSON object (the POST /jobs body)`);
  if (typeof values.dataset === 'string') body.datasetId = values.dataset;
  const job = await ctx.client.json<JobRecord>('POST', '/jobs', body);
  line(ctx.stdout, job.id);
  return values.watch ? watchJob(ctx, job.id) : 0;
}

export interface WatchOptions {
  /** How often the job record is polled as a safety net next to the event stream. */
  pollMs?: number;
}

/**
 * `tusk jobs watch <id>`: follows GET /jobs/:id/events and draws the progress line until the job
 * ends. The record is polled too, since an event published while the driver opens the stream could
 * be missed, and a dropped stream is re-opened. Exit code 0 when the job succeeded, 1 otherwise.
 */
export async function watchJob(ctx: CommandContext, id: string, { pollMs = 5_000 }: WatchOptions = {}): Promise<number> {
  const { client } = ctx;
  const path = `/jobs/${enc(id)}`;
  const renderer = new ProgressRenderer(ctx.stdout, ctx.isTTY);
  let job = await client.get<JobRecord>(path);
  renderer.state = stateFromJob(job);
  let final: JobStatus | undefined = isFinalStatus(job.status) ? job.status : undefined;
  if (final) renderer.set(stateFromJob(job));
  await followEvents({
    ended: () => final !== undefined,
    open: (signal) => client.stream(`${path}/events`, signal),
    onEvent: (event) => {
      if (typeof event !== 'object' || event === null || typeof (event as JobEvent).status !== 'string') return;
      renderer.event(event as JobEvent);
      if (isFinalStatus((event as JobEvent).status)) final = (event as JobEvent).status;
    },
    poll: async () => isFinalStatus((await client.get<JobRecord>(path)).status),
    pollMs,
    recheck: async () => {
      job = await client.get<JobRecord>(path);
      if (isFinalStatus(job.status)) {
        final = job.status;
        renderer.set(stateFromJob(job));
      }
    },
  });
  renderer.finish();

  job = await client.get<JobRecord>(path);
  if (job.status === 'succeeded') {
    const metrics = job.history.at(-1)?.metrics;
    const took = job.startedAt && job.finishedAt ? ` in ${formatDuration((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000)}` : '';
    const accuracy = accuracyOf(metrics);
    line(ctx.stdout, `job ${job.id} succeeded${took}: ${job.round}/${job.totalRounds} rounds, loss ${formatMetric(metrics?.loss)}${accuracy === undefined ? '' : `, accuracy ${formatMetric(accuracy)}`}`);
    return 0;
  }
  line(ctx.stderr, `job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
  return 1;
}

export async function listJobs(ctx: CommandContext): Promise<number> {
  line(ctx.stdout, jobsTable(await ctx.client.get<JobRecord[]>('/jobs')));
  return 0;
}

export async function showJob(ctx: CommandContext, id: string): Promise<number> {
  line(ctx.stdout, JSON.stringify(await ctx.client.get<JobRecord>(`/jobs/${enc(id)}`), null, 2));
  return 0;
}

export async function cancelJob(ctx: CommandContext, id: string): Promise<number> {
  const job = await ctx.client.json<JobRecord>('DELETE', `/jobs/${enc(id)}`);
  line(ctx.stdout, `${job.id} ${job.status}`);
  return 0;
}
