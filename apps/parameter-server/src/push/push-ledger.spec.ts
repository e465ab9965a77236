import { describe, expect, it } from '@jest/globals';
import { answeredBefore, appliedTotal, recordAnswers } from './push-ledger.js';

const reply = (version: number, accepted = true) => ({ accepted, version, staleness: 0, scale: accepted ? 1 : 0 });

describe('push ledger', () => {
  const ledger = recordAnswers({}, [
    { stream: '0/5-1', step: 0, reply: reply(1) },
    { stream: '1/6-1', step: 0, reply: reply(2) },
    { stream: '0/5-1', step: 1, reply: reply(2, false) },
    { stream: '0/5-1', step: 2, reply: reply(3) },
  ]);

  it("keeps the last step, its reply and how many of the stream's pushes moved the weights", () => {
    expect(ledger).toEqual({
      '0/5-1': { step: 2, applied: 2, reply: reply(3) },
      '1/6-1': { step: 0, applied: 1, reply: reply(2) },
    });
    expect(appliedTotal(ledger)).toBe(3);
  });

  it('answers the last step again with its original reply, marked duplicate', () => {
    expect(answeredBefore({ ledger, stream: '0/5-1', step: 2, version: 9 })).toEqual({ ...reply(3), duplicate: true });
  });

  it('answers an older step as a duplicate that was not accepted (nobody waits for it)', () => {
    expect(answeredBefore({ ledger, stream: '0/5-1', step: 0, version: 9 })).toEqual({
      accepted: false,
      version: 9,
      staleness: 0,
      scale: 0,
      duplicate: true,
    });
  });

  it('says a later step, or a stream it never saw, is new', () => {
    expect(answeredBefore({ ledger, stream: '0/5-1', step: 3, version: 9 })).toBeNull();
    expect(answeredBefore({ ledger, stream: '0/5-2', step: 0, version: 9 })).toBeNull();
    expect(answeredBefore({ ledger, stream: 'toString', step: 0, version: 9 })).toBeNull();
    expect(answeredBefore({ ledger: undefined, stream: '0/5-1', step: 0, version: 9 })).toBeNull();
  });

  it("stores only the reply's outcome, leaves the old ledger untouched and refuses a step out of order", () => {
    const next = recordAnswers(ledger, [{ stream: '1/6-1', step: 1, reply: { ...reply(4), duplicate: true, busy: false } }]);
    expect(next['1/6-1']).toEqual({ step: 1, applied: 2, reply: reply(4) });
    expect(ledger['1/6-1'].step).toBe(0);
    expect(() => recordAnswers(ledger, [{ stream: '0/5-1', step: 2, reply: reply(4) }])).toThrow(
      'push ledger: step 2 of stream 0/5-1 answered after step 2',
    );
  });
});
