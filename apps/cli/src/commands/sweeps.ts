import type { SweepEvent, SweepRecord } from '@tusk/contracts';
import { bestTrialText, isFinalSweep, LeaderboardRenderer, sweepSummary, sweepsTable } from '../sweep-format.js';
import { followEvents } from './follow-events.js';
import { CliError, line, UsageError, readJsonObject, type CommandContext, type OptionValues } from './context.js';
import { downloadModel } from './models.js';


/** `tusk sweep submit <file.json> [--watch]`: the file is the POST /sweeps body. */
export async function submitSweep(ctx: CommandContext, file: string, values: OptionValues): Promise<number> {
  const body = await readJsonObject(file, 'the POST /sweeps body');
  const sweep = await ctx.client.createSweep(body);
  line(ctx.stdout, sweep.id);
  return values.watch ? watchSweep(ctx, sweep.id) : 0;
}

const isSweepEvent = (event: unknown): event is SweepEvent =>
  typeof event === 'object' && event !== null && typeof (event as SweepEvent).sweep === 'object' && (event as SweepEvent).sweep !== null && Array.isArray((event as SweepEvent).sweep.trials);

export interface WatchOptions {
  /** How often the sweep record is polled as a safety net next to the event stream. */
  pollMs?: number;
}

/**
 * `tusk sweep watch <id>`: follows GET /sweeps/:id/events and redraws the leaderboard until the sweep
 * ends. As for jobs, the record is polled too (an event published while the stream opens could be
 * missed) and a dropped stream is re-opened. Exit code 0 when the sweep succeeded, 1 otherwise.
 */
export async function watchSweep(ctx: CommandContext, id: string, { pollMs = 5_000 }: WatchOptions = {}): Promise<number> {
  const { client } = ctx;
  const board = new LeaderboardRenderer(ctx.stdout, ctx.isTTY, (ctx.stdout as { columns?: number }).columns);
  let sweep = await client.sweep(id);
  board.draw(sweep);
  await followEvents({
    ended: () => isFinalSweep(sweep.status),
    open: (signal) => client.sweepEvents(id, signal),
    onEvent: (event) => {
      if (!isSweepEvent(event)) return;
      sweep = event.sweep;
      board.draw(sweep);
    },
    poll: async () => isFinalSweep((await client.sweep(id)).status),
    pollMs,
    recheck: async () => {
      sweep = await client.sweep(id);
      board.draw(sweep);
    },
  });

  sweep = await client.sweep(id);
  board.draw(sweep);
  const summary = sweepSummary(sweep);
  if (sweep.status === 'succeeded') {
    line(ctx.stdout, summary);
    return 0;
  }
  line(ctx.stderr, summary);
  return 1;
}

/** `tusk sweep best <id> [--download <dir>]`: the best trial's params, metric and job; its model with --download. */
export async function bestOfSweep(ctx: CommandContext, id: string, values: OptionValues): Promise<number> {
  if (values.download === '') throw new UsageError('--download needs a directory (to write model.json and weights.bin to)');
  const sweep = await ctx.client.sweep(id);
  const trial = sweep.bestTrial === undefined ? undefined : sweep.trials.find((t) => t.index === sweep.bestTrial);
  if (!trial) throw new CliError(`sweep ${sweep.id} has no best trial yet: no trial has reported ${sweep.spec.metric}`);
  line(ctx.stdout, bestTrialText(sweep, trial));
  if (typeof values.download !== 'string') return 0;
  if (!trial.jobId) throw new CliError(`trial ${trial.index} of sweep ${sweep.id} has no job`);
  return downloadModel(ctx, trial.jobId, { out: values.download });
}

export async function listSweeps(ctx: CommandContext): Promise<number> {
  line(ctx.stdout, sweepsTable(await ctx.client.sweeps()));
  return 0;
}

export async function cancelSweep(ctx: CommandContext, id: string): Promise<number> {
  const sweep: SweepRecord = await ctx.client.cancelSweep(id);
  line(ctx.stdout, `${sweep.id} ${sweep.status}`);
  return 0;
}
