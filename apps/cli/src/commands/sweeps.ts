import type { SweepEvent, SweepRecord } from '@tusk/contracts';
import { ApiError } from '../api-client.js';
import { SseParser } from '../sse.js';
import { bestTrialText, isFinalSweep, LeaderboardRenderer, sweepSummary, sweepsTable } from '../sweep-format.js';
import { CliError, line, UsageError, readJsonObject, type CommandContext, type OptionValues } from './context.js';
import { downloadModel } from './models.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  let failures = 0;

  while (!isFinalSweep(sweep.status)) {
    const stop = new AbortController();
    let polling = false;
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      client.sweep(id).then((s) => { if (isFinalSweep(s.status)) stop.abort(); }, () => undefined).finally(() => { polling = false; });
    }, pollMs);
    try {
      const res = await client.sweepEvents(id, stop.signal);
      failures = 0;
      if (!res.body) throw new Error('the event stream has no body');
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      const parser = new SseParser();
      while (!isFinalSweep(sweep.status)) {
        const { done, value } = await reader.read();
        const events = done ? parser.end() : parser.push(decoder.decode(value, { stream: true }));
        for (const event of events) {
          if (!isSweepEvent(event)) continue;
          sweep = event.sweep;
          board.draw(sweep);
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
    if (!isFinalSweep(sweep.status)) {
      sweep = await client.sweep(id);
      board.draw(sweep);
      if (!isFinalSweep(sweep.status)) await sleep(1_000); // the stream closed or broke while the sweep runs: re-open it
    }
  }

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
