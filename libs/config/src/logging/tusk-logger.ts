import { hostname } from 'node:os';
import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import type { JobLogLine } from '@tusk/contracts';
import { logLevels, type BaseEnv } from '../base-env.js';
import { jobLogLine, jsonLogRecord, type LogCall, type ServiceName } from './log-record.js';

export interface TuskLoggerOptions {
  service: ServiceName;
  format: BaseEnv['LOG_FORMAT'];
  level: BaseEnv['LOG_LEVEL'];
  /** Which instance writes: a worker id; the host name by default. */
  instance?: string;
}

/** Where lines about a job go besides stdout (the NATS job-log publisher). */
export interface JobLineSink {
  publish(line: JobLogLine): void;
}

/** Levels a job's log keeps, whatever LOG_LEVEL lets through to stdout. */
const JOB_LOG_LEVELS: NestLogLevel[] = ['fatal', 'error', 'warn', 'log'];

/**
 * Nest's ConsoleLogger, text as usual or one JSON object per line (`LOG_FORMAT=json`) with the service,
 * the instance and a call's job fields; lines that name a job are also handed to the job-log sink.
 */
export class TuskLogger extends ConsoleLogger {
  readonly service: ServiceName;
  instance: string;
  private readonly printedLevels: Set<NestLogLevel>;
  private jobLineSink?: JobLineSink;
  private sinking = false;

  constructor({ service, format, level, instance = hostname() }: TuskLoggerOptions) {
    const printed = new Set<NestLogLevel>(['fatal', ...logLevels(level)]);
    // Colours only on a terminal: text logs piped to compose, journald or a file stay free of escape codes.
    const colors = format !== 'json' && Boolean(process.stdout.isTTY);
    // Enabled: what stdout shows plus what a job's log keeps; printMessages decides which goes where.
    const enabled = [...new Set([...printed, ...JOB_LOG_LEVELS])];
    super({ json: format === 'json', colors, prefix: service, logLevels: enabled, flattenParams: true });
    this.service = service;
    this.instance = instance;
    this.printedLevels = printed;
  }

  /** Sends every line that names a job (level log and above) to `sink` too; the sink must never block. */
  sendJobLinesTo(sink: JobLineSink): void {
    this.jobLineSink = sink;
  }

  /** A line about the service itself (its banner, its shutdown) that stdout shows whatever LOG_LEVEL says. */
  announce(message: string, context: string): void {
    super.printMessages([message], context, 'log', 'stdout');
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: NestLogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    if (this.printedLevels.has(logLevel)) super.printMessages(messages, context, logLevel, writeStreamType, errorStack, params);
    if (!this.jobLineSink || this.sinking || !params) return;
    const line = jobLogLine(this.call({ message: this.resolveMessage(messages[0]), context, level: logLevel, params }));
    if (!line) return;
    // A sink that logs (or throws) must not recurse into itself or fail the caller.
    this.sinking = true;
    try {
      this.jobLineSink.publish(line);
    } catch {
      // Job logs are best effort: the line is on stdout already.
    } finally {
      this.sinking = false;
    }
  }

  /** One JSON object per line, with Tusk's fields instead of Nest's (`pid`, epoch `timestamp`, nested `params`). */
  protected override printAsJson(
    message: unknown,
    options: {
      context: string;
      logLevel: NestLogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
      error?: Error;
      params?: Record<string, unknown>;
    },
  ): void {
    const stack = typeof options.errorStack === 'string' ? options.errorStack : undefined;
    const record = jsonLogRecord(
      this.call({ message, context: options.context, level: options.logLevel, params: options.params, stack, error: options.error }),
    );
    process[options.writeStreamType ?? 'stdout'].write(`${this.stringifyJsonLogObject(record)}\n`);
  }

  private call(fields: Omit<LogCall, 'time' | 'service' | 'instance'>): LogCall {
    return { time: new Date(), service: this.service, instance: this.instance, ...fields };
  }
}
