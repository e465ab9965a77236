import { inspect } from 'node:util';
import type { LogLevel as NestLogLevel } from '@nestjs/common';
import type { JobLogLine, LogLevel } from '@tusk/contracts';

export type ServiceName = JobLogLine['service'];

/** What a log line may say about a job; `GET /jobs/:id/logs` serves the lines that carry a `jobId`. */
export interface JobLogContext {
  jobId: string;
  round?: number;
  partition?: number;
}

/**
 * The job fields of a task, result or push (undefined ones dropped), as a log call's structured param:
 * `logger.log('trained', jobContext(task))`.
 */
export function jobContext({ jobId, round, partition }: JobLogContext): JobLogContext {
  const context: JobLogContext = { jobId };
  if (round !== undefined) context.round = round;
  if (partition !== undefined) context.partition = partition;
  return context;
}

/** One log call, as the logger saw it. */
export interface LogCall {
  time: Date;
  level: NestLogLevel;
  service: ServiceName;
  instance: string;
  context?: string;
  message: unknown;
  /** Structured params of the call (`{ jobId, round, partition }` and anything else). */
  params?: Record<string, unknown>;
  /** A stack passed beside the message (`logger.error(text, err.stack)`). */
  stack?: string;
  /** An Error passed as (or beside) the message. */
  error?: Error;
}

/** Any message as one line of text: an Error by its message, an object inspected on one line. */
export function messageText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.message;
  return inspect(message, { compact: true, breakLength: Infinity, depth: 4 });
}

const RECORD_KEYS = ['time', 'level', 'service', 'instance', 'context', 'message', 'jobId', 'round', 'partition', 'stack'];

/** The object one stdout line holds with LOG_FORMAT=json; extra params follow, never overriding these fields. */
export function jsonLogRecord(call: LogCall): Record<string, unknown> {
  const { jobId, round, partition, ...extra } = call.params ?? {};
  const record: Record<string, unknown> = {
    time: call.time.toISOString(),
    level: call.level,
    service: call.service,
    instance: call.instance,
    context: call.context || undefined,
    message: messageText(call.message),
    jobId,
    round,
    partition,
    stack: call.stack ?? call.error?.stack,
  };
  for (const [key, value] of Object.entries(extra)) if (!RECORD_KEYS.includes(key)) record[key] = value;
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}

const PUBLISHED: Partial<Record<NestLogLevel, LogLevel>> = { fatal: 'error', error: 'error', warn: 'warn', log: 'log' };

/** The line a job's log keeps, or null: only lines that name a job, at level log and above. */
export function jobLogLine(call: LogCall): JobLogLine | null {
  const level = PUBLISHED[call.level];
  const { jobId, round, partition } = call.params ?? {};
  if (!level || typeof jobId !== 'string') return null;
  const line: JobLogLine = {
    at: call.time.toISOString(),
    level,
    service: call.service,
    instance: call.instance,
    jobId,
    message: messageText(call.message),
  };
  if (call.context) line.context = call.context;
  if (typeof round === 'number') line.round = round;
  if (typeof partition === 'number') line.partition = partition;
  return line;
}
