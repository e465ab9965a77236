import { describe, expect, it } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import { outlastOutages, untilDone } from './outages.js';

const unreachable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' });

function quietLogger(lines: string[]): Logger {
  return { warn: (line: string) => lines.push(line) } as unknown as Logger;
}

describe('outlastOutages / untilDone (p-retry)', () => {
  it('retries a transient failure, logging it, and returns the value', async () => {
    const lines: string[] = [];
    let calls = 0;
    const value = await outlastOutages({
      what: 'reading',
      job: { jobId: 'j' },
      limitS: 30,
      signal: new AbortController().signal,
      logger: quietLogger(lines),
      step: async () => (++calls === 1 ? Promise.reject(unreachable()) : 'ok'),
    });
    expect(value).toBe('ok');
    expect(calls).toBe(2);
    expect(lines).toEqual(['reading: connect ECONNREFUSED 127.0.0.1:9000; retrying (attempt 1)']);
  });

  it('throws a non-transient error at once', async () => {
    let calls = 0;
    const step = async () => {
      calls++;
      throw new Error('bad spec');
    };
    await expect(
      outlastOutages({ what: 'x', job: { jobId: 'j' }, limitS: 30, signal: new AbortController().signal, logger: quietLogger([]), step }),
    ).rejects.toThrow('bad spec');
    expect(calls).toBe(1);
  });

  it('gives up after limitS with a message naming TUSK_OUTAGE_LIMIT_S', async () => {
    const step = async () => {
      throw unreachable();
    };
    await expect(
      outlastOutages({ what: 'x', job: { jobId: 'j' }, limitS: 1, signal: new AbortController().signal, logger: quietLogger([]), step }),
    ).rejects.toThrow(/stayed unreachable for more than 1 s \(TUSK_OUTAGE_LIMIT_S\): connect ECONNREFUSED/);
  });

  it('untilDone retries any error and returns quietly once aborted', async () => {
    const abort = new AbortController();
    let calls = 0;
    const step = async () => {
      if (++calls === 2) abort.abort();
      throw new Error('still failing');
    };
    await expect(
      untilDone({ what: 'x', job: { jobId: 'j' }, signal: abort.signal, logger: quietLogger([]), step }),
    ).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
