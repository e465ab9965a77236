import { describe, expect, it } from '@jest/globals';
import { measuredStaleness, pushOutcome } from './push-outcome.js';

const reply = { accepted: true, version: 5, staleness: 0, scale: 1 };

describe('pushOutcome', () => {
  it('tells applied, scaled and stale-rejected pushes apart', () => {
    expect(pushOutcome(reply)).toBe('applied');
    expect(pushOutcome({ ...reply, staleness: 4, scale: 0.2 })).toBe('scaled');
    expect(pushOutcome({ ...reply, accepted: false, staleness: 4, scale: 0 })).toBe('stale_rejected');
  });

  it('counts copies, busy replies and errors as such, whatever else the reply says', () => {
    expect(pushOutcome({ ...reply, duplicate: true })).toBe('duplicate');
    expect(pushOutcome({ ...reply, accepted: false, duplicate: true })).toBe('duplicate');
    expect(pushOutcome({ ...reply, accepted: false, busy: true })).toBe('busy');
    expect(pushOutcome({ ...reply, accepted: false, version: -1, error: 'job j is closed' })).toBe('refused');
    expect(pushOutcome({ ...reply, accepted: false, version: -1, error: 'kv timeout', retryable: true })).toBe('failed');
  });

  it('measures staleness only for pushes decided against the weights', () => {
    expect(
      ['applied', 'scaled', 'stale_rejected', 'duplicate', 'busy', 'refused', 'failed'].filter((o) => measuredStaleness(o as never)),
    ).toEqual(['applied', 'scaled', 'stale_rejected']);
  });
});
