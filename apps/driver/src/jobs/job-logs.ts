import { Inject, Injectable } from '@nestjs/common';
import { DeliverPolicy } from '@nats-io/jetstream';
import { jobLogSubject, LOGS_STREAM, type JobLogLine, type LogLevel } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { LOG_LEVELS } from './dto/job-logs.query.js';

const READ_TIMEOUT_MS = 10_000;

/** Reading a job's log took too long (NATS unreachable or slow): answered 503, as other outages are. */
export class JobLogsTimeoutError extends Error {
  readonly transient = true;

  constructor(jobId: string) {
    super(`reading the log of job ${jobId} timed out after ${READ_TIMEOUT_MS / 1000} s`);
    this.name = 'JobLogsTimeoutError';
  }
}

const severity = (level: LogLevel): number => LOG_LEVELS.indexOf(level);

function parseLine(data: Uint8Array): JobLogLine | null {
  try {
    const line = JSON.parse(new TextDecoder().decode(data)) as JobLogLine;
    return typeof line?.at === 'string' && typeof line.message === 'string' && LOG_LEVELS.includes(line.level) ? line : null;
  } catch {
    return null;
  }
}

/** A job's log lines from every service, as the logs stream keeps them (at most its per-job limit, the newest). */
@Injectable()
export class JobLogs {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  /**
   * The last `limit` lines at `level` or more severe, oldest first. Reads the job's subject from its start to
   * the message that was last when the call began: bounded by the stream's per-job limit, and never waiting
   * on lines still to come.
   */
  async last(jobId: string, { limit, level }: { limit: number; level?: LogLevel }): Promise<JobLogLine[]> {
    const subject = jobLogSubject(jobId);
    const last = await this.infra.jsm.streams.getMessage(LOGS_STREAM, { last_by_subj: subject });
    if (!last) return [];
    const consumer = await this.infra.js.consumers.get(LOGS_STREAM, { filter_subjects: subject, deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume();
    const timer = setTimeout(() => void messages.close(), READ_TIMEOUT_MS);
    const lines: JobLogLine[] = [];
    let reachedEnd = false;
    try {
      for await (const m of messages) {
        const line = parseLine(m.data);
        if (line && (!level || severity(line.level) <= severity(level))) lines.push(line);
        if (m.seq >= last.seq) {
          reachedEnd = true;
          break;
        }
      }
    } finally {
      clearTimeout(timer);
      await messages.close();
    }
    if (!reachedEnd) throw new JobLogsTimeoutError(jobId);
    // Services' clocks and connections differ: order by when each line was written, stream order breaking ties.
    return lines.slice(-limit).sort((a, b) => a.at.localeCompare(b.at));
  }
}
