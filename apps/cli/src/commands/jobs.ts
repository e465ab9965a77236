import { accuracyOf, formatDuration, formatMetric, isFinalStatus, ProgressRenderer, stateFromJob } from '@tusk/client';
import { jobsTable } from '../format.js';
import { line, readJsonObject, type CommandContext, type OptionValues } from './context.js';

/** `tusk jobs submit job.json [--dataset <id>] [--watch]`: job.json is the POST /jobs body. */
export async function submitJob(ctx: CommandContext, file: string, values: OptionValues): Promise<number> {
  const body = await readJsonObject(file, 'the POST /jobs body');
  if (typeof values.dataset === 'string') body.datasetId = values.dataset;
  const job = await ctx.client.createJob(body);
  line(ctx.stdout, job.id);
  return values.watch ? watchJob(ctx, job.id) : 0;
}

export interface WatchOptions {
  /** How often the job record is polled as a safety net next to the event stream. */
  pollMs?: number;
}

/**
 * `tusk jobs watch <id>`: follows the job's events (TuskClient.followJob: the stream, re-opened when it
 * drops, and the record polled) and draws the progress line until the job ends. Exit code 0 when the
 * job succeeded, 1 otherwise.
 */
export async function watchJob(ctx: CommandContext, id: string, { pollMs = 5_000 }: WatchOptions = {}): Promise<number> {
  const renderer = new ProgressRenderer(ctx.stdout, ctx.isTTY);
  const job = await ctx.client.followJob(id, {
    pollMs,
    onEvent: (event) => renderer.event(event),
    // The first record sets the line up silently; a final one (read when the stream ended early) is drawn.
    onRecord: (record) => {
      if (isFinalStatus(record.status)) renderer.set(stateFromJob(record));
      else renderer.state ??= stateFromJob(record);
    },
  });
  renderer.finish();
  if (job.status === 'succeeded') {
    // With early stopping the model is the best round's, so are the figures shown.
    const modelRound = job.history.find((r) => r.round === job.bestRound) ?? job.history.at(-1);
    const metrics = modelRound?.metrics;
    const took =
      job.startedAt && job.finishedAt ? ` in ${formatDuration((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000)}` : '';
    const accuracy = accuracyOf(metrics);
    const accuracyText = accuracy === undefined ? '' : `, accuracy ${formatMetric(accuracy)}`;
    line(
      ctx.stdout,
      `job ${job.id} succeeded${took}: ${job.stoppedEarly ? 'stopped early after ' : ''}${job.round}/${job.totalRounds} rounds` +
        `${modelRound && modelRound.round !== job.round ? `, model from round ${modelRound.round}` : ''}` +
        `, loss ${formatMetric(metrics?.loss)}${accuracyText}`,
    );
    return 0;
  }
  line(ctx.stderr, `job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
  return 1;
}

export async function listJobs(ctx: CommandContext): Promise<number> {
  line(ctx.stdout, jobsTable(await ctx.client.jobs()));
  return 0;
}

export async function showJob(ctx: CommandContext, id: string): Promise<number> {
  line(ctx.stdout, JSON.stringify(await ctx.client.job(id), null, 2));
  return 0;
}

export async function cancelJob(ctx: CommandContext, id: string): Promise<number> {
  const job = await ctx.client.cancelJob(id);
  line(ctx.stdout, `${job.id} ${job.status}`);
  return 0;
}
