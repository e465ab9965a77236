import { describe, expect, it } from '@jest/globals';
import { membershipChanges, nextMembers } from './membership-math.js';

describe('nextMembers', () => {
  it('keeps the workers already training the job first, then adds newcomers in id order', () => {
    expect(nextMembers({ previous: ['w3', 'w1'], live: ['w2', 'w1', 'w3', 'w0'] })).toEqual(['w3', 'w1', 'w0', 'w2']);
  });

  it('drops members that are no longer live', () => {
    expect(nextMembers({ previous: ['w1', 'w2'], live: ['w2'] })).toEqual(['w2']);
  });

  it('caps the members at maxWorkers without displacing a member for a newcomer', () => {
    expect(nextMembers({ previous: ['w9'], live: ['w1', 'w9', 'w5'], maxWorkers: 2 })).toEqual(['w9', 'w1']);
  });
});

describe('membershipChanges', () => {
  const at = '2026-11-26T00:00:00.000Z';

  it('lists departures before arrivals, each with the members right after it', () => {
    const events = membershipChanges({ previous: ['a', 'b'], next: ['b', 'c'], silent: new Set(), round: 4, at });
    expect(events).toEqual([
      { at, round: 4, change: 'left', workerId: 'a', members: ['b'] },
      { at, round: 4, change: 'joined', workerId: 'c', members: ['b', 'c'] },
    ]);
  });

  it('calls a departed worker lost when it went silent, left when its heartbeat is gone', () => {
    const events = membershipChanges({ previous: ['a', 'b'], next: [], silent: new Set(['b']), round: 0, at });
    expect(events.map((e) => `${e.workerId} ${e.change}`)).toEqual(['a left', 'b lost']);
  });

  it('says nothing when the members are the same', () => {
    expect(membershipChanges({ previous: ['a'], next: ['a'], silent: new Set(), round: 1, at })).toEqual([]);
  });
});
