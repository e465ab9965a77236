import { describe, expect, it } from '@jest/globals';
import { jobContext, jobLogLine, jsonLogRecord, messageText, type LogCall } from './log-record.js';

const call = (fields: Partial<LogCall> = {}): LogCall => ({
  time: new Date('2025-03-01T12:00:00.123Z'),
  level: 'log',
  service: 'worker',
  instance: 'worker-1',
  context: 'TaskLoop',
  message: 'trained',
  ...fields,
});

describe('jsonLogRecord', () => {
  it('writes time, level, service, instance, context, message and the job fields, in that order', () => {
    const record = jsonLogRecord(call({ params: { jobId: 'job-1', round: 2, partition: 0 } }));
    expect(record).toEqual({
      time: '2025-03-01T12:00:00.123Z',
      level: 'log',
      service: 'worker',
      instance: 'worker-1',
      context: 'TaskLoop',
      message: 'trained',
      jobId: 'job-1',
      round: 2,
      partition: 0,
    });
    expect(Object.keys(record)).toEqual(['time', 'level', 'service', 'instance', 'context', 'message', 'jobId', 'round', 'partition']);
  });

  it('leaves out what a line does not have', () => {
    expect(jsonLogRecord(call({ context: '', level: 'warn' }))).toEqual({
      time: '2025-03-01T12:00:00.123Z',
      level: 'warn',
      service: 'worker',
      instance: 'worker-1',
      message: 'trained',
    });
  });

  it('keeps an error stack passed beside the message, or the stack of an Error message', () => {
    expect(jsonLogRecord(call({ level: 'error', stack: 'Error: x\n    at f (a.js:1:2)' })).stack).toBe('Error: x\n    at f (a.js:1:2)');
    const err = new Error('disk full');
    expect(jsonLogRecord(call({ level: 'error', message: 'disk full', error: err }))).toMatchObject({
      level: 'error',
      message: 'disk full',
      stack: err.stack,
    });
  });

  it('adds other params without letting them override its own fields', () => {
    expect(jsonLogRecord(call({ params: { jobId: 'job-1', samples: 120, level: 'debug', message: 'spoofed' } }))).toMatchObject({
      level: 'log',
      message: 'trained',
      jobId: 'job-1',
      samples: 120,
    });
  });
});

describe('messageText', () => {
  it('renders any message on one line', () => {
    expect(messageText('plain')).toBe('plain');
    expect(messageText(new Error('boom'))).toBe('boom');
    expect(messageText({ a: 1, b: [1, 2] })).toBe('{ a: 1, b: [ 1, 2 ] }');
  });
});

describe('jobLogLine', () => {
  it('turns a line about a job into a JobLogLine', () => {
    expect(jobLogLine(call({ level: 'warn', params: { jobId: 'job-1', round: 3, partition: 1 } }))).toEqual({
      at: '2025-03-01T12:00:00.123Z',
      level: 'warn',
      service: 'worker',
      instance: 'worker-1',
      context: 'TaskLoop',
      jobId: 'job-1',
      round: 3,
      partition: 1,
      message: 'trained',
    });
  });

  it('keeps log and above only, fatal as error, and nothing without a job id', () => {
    expect(jobLogLine(call({ level: 'fatal', params: { jobId: 'job-1' } }))?.level).toBe('error');
    expect(jobLogLine(call({ level: 'debug', params: { jobId: 'job-1' } }))).toBeNull();
    expect(jobLogLine(call({ level: 'verbose', params: { jobId: 'job-1' } }))).toBeNull();
    expect(jobLogLine(call({ level: 'error' }))).toBeNull();
  });
});

describe('jobContext', () => {
  it('picks the job fields and drops the undefined ones', () => {
    expect(jobContext({ jobId: 'job-1', round: 0, partition: undefined, kind: 'train' } as never)).toEqual({ jobId: 'job-1', round: 0 });
  });
});
