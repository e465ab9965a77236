import { describe, expect, it } from '@jest/globals';
import { isTransientError } from './transient.js';

const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('isTransientError', () => {
  it('recognises NATS and network failures', () => {
    expect(isTransientError(named('TimeoutError'))).toBe(true);
    expect(isTransientError(named('ConnectionError'))).toBe(true);
    expect(isTransientError(Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('s3'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isTransientError(new Error('wrapper', { cause: named('TimeoutError') }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('replaying results timed out'), { transient: true }))).toBe(true);
  });

  it('waits out a NATS cluster electing a leader (the JetStream API answers nobody, or says it is unavailable)', () => {
    expect(isTransientError(new Error('jetstream is not enabled'))).toBe(true);
    expect(isTransientError(named('JetStreamApiError', 'JetStream system temporarily unavailable'))).toBe(true);
  });

  it('does not retry what a retry cannot cure', () => {
    expect(isTransientError(new Error('dataset ds-1 has no partition 3'))).toBe(false);
    expect(isTransientError(Object.assign(new Error('denied'), { $metadata: { httpStatusCode: 403 } }))).toBe(false);
    expect(isTransientError('a string')).toBe(false);
    expect(isTransientError(Object.assign(new Error('stalled for 600 s (TUSK_STALL_TIMEOUT_S)'), { transient: false }))).toBe(false);
  });
});
