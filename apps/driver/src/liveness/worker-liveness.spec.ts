import { describe, expect, it } from '@jest/globals';
import { silentAfterMs } from './worker-liveness.js';

describe('silentAfterMs', () => {
  it('is three heartbeat periods for a worker whose event loop never blocked long', () => {
    expect(silentAfterMs({ everyMs: 5_000, blockedMs: 40 })).toBe(15_000);
    expect(silentAfterMs({ everyMs: 1_000 })).toBe(3_000);
  });

  it('waits twice the longest block for a worker whose training steps block for long', () => {
    expect(silentAfterMs({ everyMs: 5_000, blockedMs: 30_000 })).toBe(60_000);
  });
});
