import { bestTrialText, LeaderboardRenderer, sweepSummary, sweepsTable } from '../sweep-format.js';
import { CliError, line, UsageError, readJsonObject, type CommandContext, type OptionValues } from './context.js';
import { downloadModel } from './models.js';

/** `tusk sweep submit <file.json> [--watch]`: the file is the POST /sweeps body. */
export async function submitSweep(ctx: CommandContext, file: string, values: OptionValues): Promise<number> {
  const body = await readJsonObject(file, 'the POST /sweeps body');
  const sweep = await ctx.client.createSweep(body);
  line(ctx.stdout, sweep.id);
  return values.watch ? watchSweep(ctx, sweep.id) : 0;
}

export interface WatchOptions {
  /** How often the sweep record is polled as a safety net next to the event stream. */
  pollMs?: number;
}

/**
 * `tusk sweep watch <id>`: follows the sweep's events (TuskClient.followSweep, as jobs watch does) and
 * redraws the leaderboard until the sweep ends. Exit code 0 when the sweep succeeded, 1 otherwise.
 */
export async function watchSweep(ctx: CommandContext, id: string, { pollMs = 5_000 }: WatchOptions = {}): Promise<number> {
  const board = new LeaderboardRenderer(ctx.stdout, ctx.isTTY, (ctx.stdout as { columns?: number }).columns);
  const sweep = await ctx.client.followSweep(id, {
    pollMs,
    onEvent: (event) => board.draw(event.sweep),
    onRecord: (record) => board.draw(record),
  });
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
  const sweep = await ctx.client.cancelSweep(id);
  line(ctx.stdout, `${sweep.id} ${sweep.status}`);
  return 0;
}
