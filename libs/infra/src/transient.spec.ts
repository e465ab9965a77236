import { describe, expect, it } from '@jest/globals';
import { isTransientError, withRetries } from './transient.js';

const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('isTransientError', () => {
  it('recognises NATS and network failures', () => {
    expect(isTransientError(named('TimeoutError'))).toBe(true);
    expect(isTransientError(named('ConnectionError'))).toBe(true);
    expect(isTransientError(Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('s3'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isTransientError(new Error('wrapper', { cause: named('TimeoutError') }))).toBe(true);
  });

  it('does not retry what a retry cannot cure', () => {
    expect(isTransientError(new Error('dataset ds-1 has no partition 3'))).toBe(false);
    expect(isTransientError(Object.assign(new Error('denied'), { $metadata: { httpStatusCode: 403 } }))).toBe(false);
    expect(isTransientError('a string')).toBe(false);
  });
});

describe('withRetries', () => {
  it('retries transient errors, then returns', async () => {
    let calls = 0;
    const value = await withRetries(async () => {
      calls++;
      if (calls < 3) throw named('TimeoutError');
      return 'ok';
    }, { attempts: 5, baseDelayMs: 1 });
    expect([value, calls]).toEqual(['ok', 3]);
  });

  it('gives up after the attempt limit and at once on a permanent error', async () => {
    let calls = 0;
    await expect(withRetries(async () => { calls++; throw named('TimeoutError', 'slow'); }, { attempts: 3, baseDelayMs: 1 })).rejects.toThrow('slow');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetries(async () => { calls++; throw new Error('bad input'); }, { attempts: 3, baseDelayMs: 1 })).rejects.toThrow('bad input');
    expect(calls).toBe(1);
  });
});
