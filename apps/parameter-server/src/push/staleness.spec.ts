import { describe, expect, it } from '@jest/globals';
import { decideStaleness } from './staleness.js';

describe('decideStaleness', () => {
  it('accepts anything without a bound', () => {
    expect(decideStaleness(50, { maxStaleness: null, stalePolicy: 'reject' })).toEqual({ stale: false, accept: true, scale: 1 });
  });
  it('accepts within the bound', () => {
    expect(decideStaleness(2, { maxStaleness: 2, stalePolicy: 'reject' })).toEqual({ stale: false, accept: true, scale: 1 });
  });
  it('rejects past the bound with the reject policy', () => {
    expect(decideStaleness(3, { maxStaleness: 2, stalePolicy: 'reject' })).toEqual({ stale: true, accept: false, scale: 0 });
  });
  it('scales by 1/(1+staleness) past the bound with the scale policy', () => {
    expect(decideStaleness(3, { maxStaleness: 2, stalePolicy: 'scale' })).toEqual({ stale: true, accept: true, scale: 0.25 });
  });
});
