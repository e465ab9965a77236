import type { JobEvent, RoundRecord } from '@tusk/contracts';

const fmt = (v: number | undefined, digits = 4) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '?';
  const t = Math.max(0, Math.round(s));
  return t >= 60 ? `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s` : `${t}s`;
}

export function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** One line describing a job event: bar, round, epoch, loss, accuracy, throughput and ETA. */
export function formatEvent(event: JobEvent, lastRecord: RoundRecord | undefined, totalEpochs: number, elapsedS: number): string {
  const parts = [
    bar(event.progress),
    `${String(Math.round(event.progress * 100)).padStart(3)}%`,
    `round ${event.round}/${event.totalRounds}`,
    `epoch ${lastRecord?.epoch ?? 0}/${totalEpochs}`,
    `loss ${fmt(lastRecord?.metrics.loss)}`,
    `acc ${fmt(lastRecord?.metrics.accuracy)}`,
  ];
  if (lastRecord) parts.push(`${lastRecord.samplesPerSecond} samples/s`);
  parts.push(event.status === 'running' || event.status === 'queued' ? `ETA ${formatSeconds(event.etaSeconds)}` : event.status);
  parts.push(`(${formatSeconds(elapsedS)} elapsed)`);
  return parts.join('  ');
}

/**
 * Shows job progress: on a terminal one line redrawn in place, otherwise (a pipe, a CI log) one plain line
 * per update. A ticker redraws the terminal line every second so the elapsed time moves between rounds.
 */
export class ProgressReporter {
  private lastRecord?: RoundRecord;
  private lastEvent?: JobEvent;
  private lastLine = '';
  private readonly started = Date.now();
  private ticker?: NodeJS.Timeout;
  private open = false;

  constructor(private readonly totalEpochs: number, private readonly out: NodeJS.WriteStream = process.stdout, readonly tty = Boolean(out.isTTY)) {
    if (this.tty) this.ticker = setInterval(() => this.redraw(), 1_000).unref();
  }

  update(event: JobEvent): void {
    if (event.record) this.lastRecord = event.record;
    this.lastEvent = event;
    const line = formatEvent(event, this.lastRecord, this.totalEpochs, (Date.now() - this.started) / 1000);
    if (this.tty) this.draw(line);
    else if (line.replace(/\(.*elapsed\)/, '') !== this.lastLine.replace(/\(.*elapsed\)/, '')) this.out.write(`${line}\n`);
    this.lastLine = line;
  }

  private redraw(): void {
    if (!this.lastEvent || !this.open) return;
    this.draw(formatEvent(this.lastEvent, this.lastRecord, this.totalEpochs, (Date.now() - this.started) / 1000));
  }

  private draw(line: string): void {
    const width = this.out.columns ? this.out.columns - 1 : line.length;
    this.out.write(`\r\u001b[2K${line.slice(0, width)}`);
    this.open = true;
  }

  /** Ends the progress line so normal output can follow. */
  finish(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.tty && this.open) this.out.write('\n');
    this.open = false;
  }

  /** Prints a message without breaking the progress line. */
  log(message: string): void {
    if (this.tty && this.open) this.out.write('\r\u001b[2K');
    this.out.write(`${message}\n`);
    if (this.tty && this.open && this.lastLine) this.out.write(this.lastLine);
  }
}
