import { readFile } from 'node:fs/promises';
import type { JobEvent, JobRecord, JobStatus } from '@tusk/contracts';
import { ApiError } from '../api-client.js';
import { jobsTable } from '../format.js';
import { accuracyOf, formatDuration, formatMetric, isFinalStatus, ProgressRenderer, stateFromJob } from '../progress-bar.js';
import { SseParser } from '../sse.js';
import { CliError, line, type CommandContext, type OptionValues } from './context.js';

const enc = encodeURIComponent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  let failures = 0;

  while (!final) {
    const stop = new AbortController();
    let polling = false;
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      client.get<JobRecord>(path).then((j) => { if (isFinalStatus(j.status)) stop.abort(); }, () => undefined).finally(() => { polling = false; });
    }, pollMs);
    try {
      const res = await client.stream(`${path}/events`, stop.signal);
      failures = 0;
      if (!res.body) throw new Error('the event stream has no body');
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      const parser = new SseParser();
      while (!final) {
        const { done, value } = await reader.read();
        const events = done ? parser.end() : parser.push(decoder.decode(value, { stream: true }));
        for (const event of events) {
          if (typeof event !== 'object' || event === null || typeof (event as JobEvent).status !== 'string') continue;
          renderer.event(event as JobEvent);
          if (isFinalStatus((event as JobEvent).status)) final = (event as JobEvent).status;
        }
        if (done) break;
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (!stop.signal.aborted && ++failures > 5) throw err;
    } finally {
      clearInterval(poll);
      stop.abort();
    }
    if (!final) {
      job = await client.get<JobRecord>(path);
      if (isFinalStatus(job.status)) {
        final = job.status;
        renderer.set(stateFromJob(job));
      } else {
        await sleep(1_000); // the stream closed or broke while the job runs: re-open it
      }
    }
  }
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
