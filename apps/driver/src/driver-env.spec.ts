import { describe, expect, it } from '@jest/globals';
import { loadEnv } from '@tusk/config';
import { DriverEnv } from './driver-env.js';

describe('DriverEnv: TUSK_LOCALITY_WAIT_MS', () => {
  it('waits 3 s for the holder of a partition by default, and 0 turns partition affinity off', () => {
    expect(loadEnv(DriverEnv, {}).TUSK_LOCALITY_WAIT_MS).toBe(3000);
    expect(loadEnv(DriverEnv, { TUSK_LOCALITY_WAIT_MS: '0' }).TUSK_LOCALITY_WAIT_MS).toBe(0);
    expect(loadEnv(DriverEnv, { TUSK_LOCALITY_WAIT_MS: '600000' }).TUSK_LOCALITY_WAIT_MS).toBe(600_000);
  });

  it('refuses a wait that is negative, fractional, too long or not a number, naming the variable', () => {
    for (const bad of ['-1', '1.5', '600001', 'soon'])
      expect(() => loadEnv(DriverEnv, { TUSK_LOCALITY_WAIT_MS: bad })).toThrow(`TUSK_LOCALITY_WAIT_MS="${bad}"`);
  });
});
