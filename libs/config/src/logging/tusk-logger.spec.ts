import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { stripVTControlCharacters } from 'node:util';
import { Logger } from '@nestjs/common';
import type { JobLogLine } from '@tusk/contracts';
import { TuskLogger } from './tusk-logger.js';

/** Captures what the logger writes to stdout and stderr, one entry per line. */
function captureOutput() {
  const out: string[] = [];
  const err: string[] = [];
  const spy = (stream: NodeJS.WriteStream, into: string[]) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      into.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
  const spies = [spy(process.stdout, out), spy(process.stderr, err)];
  return { out, err, restore: () => spies.forEach((s) => s.mockRestore()) };
}

describe('TuskLogger', () => {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
    Logger.overrideLogger(true);
  });

  it("writes one JSON object per line with LOG_FORMAT=json, through Nest's Logger with its context", () => {
    Logger.overrideLogger(new TuskLogger({ service: 'worker', format: 'json', level: 'log', instance: 'worker-7' }));
    new Logger('TaskLoop').log('trained 120 samples', { jobId: 'job-1', round: 2, partition: 1 });
    new Logger('Nats').warn('nats disconnect');
    expect(output.out).toHaveLength(2);
    const [first, second] = output.out.map((line) => JSON.parse(line));
    expect(first).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'log',
      service: 'worker',
      instance: 'worker-7',
      context: 'TaskLoop',
      message: 'trained 120 samples',
      jobId: 'job-1',
      round: 2,
      partition: 1,
    });
    expect(second).toMatchObject({ level: 'warn', context: 'Nats', message: 'nats disconnect' });
    expect(second.jobId).toBeUndefined();
  });

  it('writes errors to stderr with their stack, passed beside the message or as an Error', () => {
    const logger = new TuskLogger({ service: 'driver', format: 'json', level: 'log' });
    const err = new Error('S3 unreachable');
    logger.error('saving the model failed', err.stack, { jobId: 'job-1' }, 'TrainingLoop');
    logger.error(err, 'TrainingLoop');
    expect(output.out).toEqual([]);
    const [withStack, fromError] = output.err.map((line) => JSON.parse(line));
    expect(withStack).toMatchObject({
      level: 'error',
      context: 'TrainingLoop',
      message: 'saving the model failed',
      jobId: 'job-1',
      stack: err.stack,
    });
    expect(fromError).toMatchObject({ level: 'error', context: 'TrainingLoop', message: 'S3 unreachable', stack: err.stack });
  });

  it('prints only the levels LOG_LEVEL allows', () => {
    const logger = new TuskLogger({ service: 'parameter-server', format: 'json', level: 'warn' });
    logger.debug('debug line', 'PushService');
    logger.log('log line', 'PushService');
    logger.warn('warn line', 'PushService');
    expect(output.out.map((line) => JSON.parse(line).message)).toEqual(['warn line']);
  });

  it("announces the service's own lines (banner, shutdown) whatever LOG_LEVEL says", () => {
    new TuskLogger({ service: 'worker', format: 'json', level: 'error', instance: 'worker-1' }).announce('health on :8081', 'Service');
    expect(output.out.map((line) => JSON.parse(line))).toEqual([
      { time: expect.any(String), level: 'log', service: 'worker', instance: 'worker-1', context: 'Service', message: 'health on :8081' },
    ]);
  });

  it('stays human-readable with LOG_FORMAT=text, job fields appended', () => {
    const logger = new TuskLogger({ service: 'worker', format: 'text', level: 'log' });
    logger.log('trained', { jobId: 'job-1', round: 2 }, 'TaskLoop');
    expect(output.out).toHaveLength(1);
    expect(stripVTControlCharacters(output.out[0])).toMatch(
      /^\[worker\] \d+ +- .* LOG \[TaskLoop\] trained \{ jobId: 'job-1', round: 2 \}$/,
    );
  });

  it('hands lines about a job at level log and above to the sink, even below LOG_LEVEL', () => {
    const logger = new TuskLogger({ service: 'worker', format: 'text', level: 'warn', instance: 'worker-2' });
    const lines: JobLogLine[] = [];
    logger.sendJobLinesTo({ publish: (line) => lines.push(line) });
    logger.log('trained', { jobId: 'job-1', round: 0, partition: 1 }, 'TaskLoop');
    logger.debug('debug about the job', { jobId: 'job-1' }, 'TaskLoop');
    logger.warn('not about a job', 'TaskLoop');
    logger.error('failed', { jobId: 'job-1' }, 'TaskLoop');
    expect(output.out.map(stripVTControlCharacters)).toEqual([expect.stringMatching(/WARN \[TaskLoop\] not about a job$/)]);
    expect(lines).toEqual([
      {
        at: expect.any(String),
        level: 'log',
        service: 'worker',
        instance: 'worker-2',
        context: 'TaskLoop',
        jobId: 'job-1',
        round: 0,
        partition: 1,
        message: 'trained',
      },
      {
        at: expect.any(String),
        level: 'error',
        service: 'worker',
        instance: 'worker-2',
        context: 'TaskLoop',
        jobId: 'job-1',
        message: 'failed',
      },
    ]);
  });

  it('never lets the sink fail the caller or recurse into itself', () => {
    const logger = new TuskLogger({ service: 'driver', format: 'json', level: 'log' });
    let calls = 0;
    logger.sendJobLinesTo({
      publish: () => {
        calls += 1;
        logger.warn('publishing a log line failed', { jobId: 'job-1' });
        throw new Error('NATS closed');
      },
    });
    expect(() => logger.log('round 1 done', { jobId: 'job-1', round: 1 })).not.toThrow();
    expect(calls).toBe(1);
    expect(output.out.map((line) => JSON.parse(line).message)).toEqual(['round 1 done', 'publishing a log line failed']);
  });
});
