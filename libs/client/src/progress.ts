import type { JobEvent, JobRecord, JobStatus, RoundRecord } from '@tusk/contracts';
import { isFinalStatus } from './status.js';

/** What one progress line shows: a job event plus the newest round seen so far. */
export interface ProgressState {
  status: JobStatus;
  round: number;
  totalRounds: number;
  progress: number;
  etaSeconds: number | null;
  epoch?: number;
  metrics?: Record<string, number>;
}

/** `--` when unknown, then `42s`, `3m07s`, `2h05m`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A metric with 4 decimals, `-` when absent. */
export function formatMetric(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(4);
}

/** The accuracy metric under whichever name the compile spec used. */
export function accuracyOf(metrics: Record<string, number> | undefined): number | undefined {
  return metrics?.accuracy ?? metrics?.acc ?? metrics?.categoricalAccuracy ?? metrics?.binaryAccuracy;
}

/** `[#####---------------]` for a progress in 0..1, `width` cells inside the brackets. */
export function formatBar(progress: number, width = 20): string {
  const p = Math.min(1, Math.max(0, Number.isFinite(progress) ? progress : 0));
  const filled = Math.floor(p * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * One progress line, e.g.
 * `running    [##########----------]  50%  round 2/4  epoch 2  loss 0.4321  accuracy 0.9000  ETA 12s`.
 * Epoch and metrics appear once a round completed; the ETA only while the job is not final.
 */
export function formatProgressLine(state: ProgressState, width = 20): string {
  const percent = `${Math.floor(Math.min(1, Math.max(0, state.progress)) * 100)}%`.padStart(4);
  const parts = [`${state.status.padEnd(9)}  ${formatBar(state.progress, width)} ${percent}`, `round ${state.round}/${state.totalRounds}`];
  // Fractional with roundsPerEpoch: 0.33, 0.67, 1 rather than 0.3333333333333333.
  if (state.epoch !== undefined) parts.push(`epoch ${Number(state.epoch.toFixed(2))}`);
  if (state.metrics) {
    parts.push(`loss ${formatMetric(state.metrics.loss)}`);
    const accuracy = accuracyOf(state.metrics);
    if (accuracy !== undefined) parts.push(`accuracy ${formatMetric(accuracy)}`);
  }
  if (!isFinalStatus(state.status)) parts.push(`ETA ${formatDuration(state.etaSeconds)}`);
  return parts.join('  ');
}

/** The progress state of a job record (as GET /jobs/:id returns it), ETA from the mean round time. */
export function stateFromJob(job: JobRecord): ProgressState {
  const last = job.history.at(-1);
  const progress = job.totalRounds === 0 ? 1 : job.round / job.totalRounds;
  const etaSeconds =
    job.history.length === 0
      ? null
      : Math.round((job.history.reduce((s, r) => s + r.seconds, 0) / job.history.length) * (job.totalRounds - job.round));
  return {
    status: job.status,
    round: job.round,
    totalRounds: job.totalRounds,
    progress,
    etaSeconds,
    epoch: last?.epoch,
    metrics: last?.metrics,
  };
}

/** The state after an event, keeping the newest round's epoch and metrics when the event has none. */
export function applyEvent(previous: ProgressState | undefined, event: JobEvent): ProgressState {
  const record: RoundRecord | undefined = event.record;
  return {
    status: event.status,
    round: event.round,
    totalRounds: event.totalRounds,
    progress: event.progress,
    etaSeconds: event.etaSeconds,
    epoch: record?.epoch ?? previous?.epoch,
    metrics: record?.metrics ?? previous?.metrics,
  };
}

export interface TextSink {
  write(text: string): unknown;
}

/**
 * The one progress renderer (the CLI's `jobs watch`, the demo and the benches). Draws progress lines: on a terminal
 * one line redrawn in place with \r (padded over a longer previous line), otherwise one line per update so logs and
 * pipes keep every step.
 */
export class ProgressRenderer {
  state?: ProgressState;
  private drawn = 0;

  constructor(
    private readonly out: TextSink,
    private readonly tty: boolean,
    private readonly width = 20,
  ) {}

  set(state: ProgressState): void {
    this.state = state;
    this.draw();
  }

  /**
   * A `version` event (one per push of an asynchronous job) draws nothing: its metrics become the line's loss
   * and accuracy at the next progress event, so a job with thousands of pushes does not print a line each.
   */
  event(event: JobEvent): void {
    if (event.type === 'version') {
      const metrics = event.point?.metrics;
      if (this.state && metrics && Object.keys(metrics).length > 0) this.state = { ...this.state, metrics };
      return;
    }
    this.set(applyEvent(this.state, event));
  }

  private draw(): void {
    if (!this.state) return;
    const line = formatProgressLine(this.state, this.width);
    if (this.tty) {
      this.out.write(`\r${line.padEnd(this.drawn)}`);
      this.drawn = line.length;
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Ends the redrawn line on a terminal so what follows starts on a line of its own. */
  finish(): void {
    if (this.tty && this.drawn > 0) this.out.write('\n');
    this.drawn = 0;
  }
}
