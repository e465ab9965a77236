import { describe, expect, it } from '@jest/globals';
import { pushStep, resumePoint, STALE_RETRIES, type AppliedPushes } from './push.message.js';

const entry = (step: number, accepted: boolean): AppliedPushes => ({
  step,
  applied: 1,
  reply: { accepted, version: 1, staleness: 0, scale: accepted ? 1 : 0 },
});

describe('push steps across the attempts of a task', () => {
  it('numbers every try of every step in one increasing sequence', () => {
    const order = [0, 1, 2].flatMap((index) => Array.from({ length: STALE_RETRIES + 1 }, (_, retry) => pushStep({ index, retry })));
    expect(order).toEqual(Array.from({ length: order.length }, (_, i) => i));
  });

  it('starts an attempt at the first step when the task pushed nothing yet', () => {
    expect(resumePoint(undefined)).toEqual({ index: 0, retry: 0 });
  });

  it('goes on after the last step applied, whichever try got it there', () => {
    expect(resumePoint(entry(pushStep({ index: 7, retry: 0 }), true))).toEqual({ index: 8, retry: 0 });
    expect(resumePoint(entry(pushStep({ index: 7, retry: 2 }), true))).toEqual({ index: 8, retry: 0 });
  });

  it('tries a step refused as stale again, until its last try was refused too', () => {
    expect(resumePoint(entry(pushStep({ index: 4, retry: 1 }), false))).toEqual({ index: 4, retry: 2 });
    expect(resumePoint(entry(pushStep({ index: 4, retry: STALE_RETRIES }), false))).toEqual({ index: 5, retry: 0 });
  });
});
