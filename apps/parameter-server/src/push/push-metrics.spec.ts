import { describe, expect, it } from '@jest/globals';
import { formatPushMetrics } from '@tusk/contracts';
import { parsePushMetrics } from './push-metrics.js';

describe('formatPushMetrics', () => {
  it('writes finite values with 6 significant digits and leaves out the others', () => {
    expect(formatPushMetrics({ loss: 0.123456789, accuracy: 0.875, tiny: 1.234567e-9, nan: NaN, inf: Infinity })).toBe(
      'loss=0.123457,accuracy=0.875,tiny=1.23457e-9',
    );
    expect(formatPushMetrics({})).toBe('');
  });
});

describe('parsePushMetrics', () => {
  it('reads what the worker writes', () => {
    expect(parsePushMetrics(formatPushMetrics({ loss: 0.4123456, accuracy: 0.88, mse: -2e-7 }))).toEqual({
      loss: 0.412346,
      accuracy: 0.88,
      mse: -2e-7,
    });
  });

  it('is empty without a header', () => {
    expect(parsePushMetrics(undefined)).toEqual({});
    expect(parsePushMetrics('')).toEqual({});
  });

  it('drops pairs with a bad name, a value that is not a plain finite decimal, or a repeated name', () => {
    const header = 'loss=0.5,1abc=1,__proto__=1,a-b=2,x=,y,z=1=2,hex=0x10,blank= 1,inf=Infinity,big=1e999,nan=NaN,loss=9,constructor=3';
    expect(parsePushMetrics(header)).toEqual({ loss: 0.5, constructor: 3 });
  });

  it('drops names longer than 32 characters', () => {
    expect(parsePushMetrics(`${'a'.repeat(32)}=1,${'b'.repeat(33)}=2`)).toEqual({ ['a'.repeat(32)]: 1 });
  });

  it('keeps at most 8 metrics', () => {
    const header = Array.from({ length: 12 }, (_, i) => `m${i}=${i}`).join(',');
    expect(Object.keys(parsePushMetrics(header))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('ignores a header longer than 512 characters altogether', () => {
    expect(parsePushMetrics(`loss=1,pad=${'1'.repeat(520)}`)).toEqual({});
  });
});
