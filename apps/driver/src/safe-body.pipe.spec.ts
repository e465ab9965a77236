import { describe, expect, it } from '@jest/globals';
import { SafeBodyPipe } from './safe-body.pipe.js';

const body = { type: 'body' as const };

describe('SafeBodyPipe', () => {
  const pipe = new SafeBodyPipe();

  it('passes ordinary bodies through untouched', () => {
    const value = { model: { layers: [{ config: { units: 3 } }] }, training: { epochs: 1 } };
    expect(pipe.transform(value, body)).toBe(value);
  });

  it('refuses a 200,000-level body without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(() => pipe.transform(deep, body)).toThrow('nested deeper than 64 levels');
  });

  it('names a key that would reach Object.prototype', () => {
    expect(() => pipe.transform(JSON.parse('{"training":{"__proto__":{"x":1}}}'), body)).toThrow(
      'body.training: the key "__proto__" is not allowed',
    );
    expect(() => pipe.transform({ compile: { metrics: [{ constructor: 1 }] } }, body)).toThrow(
      'body.compile.metrics[0]: the key "constructor" is not allowed',
    );
    expect(() => pipe.transform({ toString: { polluted: true } }, body)).toThrow('body: the key "toString" is not allowed');
  });

  it('ignores route parameters', () => {
    expect(pipe.transform('__proto__', { type: 'param' })).toBe('__proto__');
  });
});
