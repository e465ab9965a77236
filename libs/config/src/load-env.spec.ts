import { describe, expect, it } from '@jest/globals';
import { IsInt, Max, Min, MinLength } from 'class-validator';
import { BaseEnv } from './base-env.js';
import { loadEnv } from './load-env.js';

class ExampleEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535) PORT: number = 8080;
}

describe('loadEnv', () => {
  it('applies defaults and converts numbers', () => {
    const env = loadEnv(ExampleEnv, { PORT: '18080' });
    expect(env.PORT).toBe(18080);
    expect(env.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(env.S3_BUCKET).toBe('tusk');
  });

  it('names every bad variable', () => {
    expect(() => loadEnv(ExampleEnv, { PORT: 'eighty', NATS_URL: 'http://x' })).toThrow(
      'invalid environment: PORT="eighty": PORT must not be greater than 65535, PORT must not be less than 0, ' +
        'PORT must be an integer number; NATS_URL="http://x": must be a nats:// URL, or several separated by commas (each a nats:// URL)',
    );
  });

  it('takes a comma-separated list of NATS servers, each checked', () => {
    const env = loadEnv(ExampleEnv, { NATS_URL: 'nats://a:4222, nats://b:4222,nats://c:4222', TUSK_NATS_REPLICAS: '3' });
    expect(env.NATS_URL).toBe('nats://a:4222, nats://b:4222,nats://c:4222');
    expect(env.TUSK_NATS_REPLICAS).toBe(3);
    expect(loadEnv(ExampleEnv, {}).TUSK_NATS_REPLICAS).toBe(1);
    expect(() => loadEnv(ExampleEnv, { NATS_URL: 'nats://a:4222,http://b:4222' })).toThrow(
      'invalid environment: NATS_URL="nats://a:4222,http://b:4222": must be a nats:// URL, or several separated by commas (each a nats:// URL)',
    );
    expect(() => loadEnv(ExampleEnv, { NATS_URL: 'nats://a:4222,' })).toThrow(/NATS_URL=/);
  });

  it('keeps TUSK_NATS_REPLICAS within 1..5', () => {
    expect(() => loadEnv(ExampleEnv, { TUSK_NATS_REPLICAS: '0' })).toThrow(
      /TUSK_NATS_REPLICAS="0": TUSK_NATS_REPLICAS must not be less than 1/,
    );
    expect(() => loadEnv(ExampleEnv, { TUSK_NATS_REPLICAS: '6' })).toThrow(
      /TUSK_NATS_REPLICAS="6": TUSK_NATS_REPLICAS must not be greater than 5/,
    );
  });

  it('never echoes a secret, even a wrong one', () => {
    class TokenEnv extends BaseEnv {
      @MinLength(8) TOKEN: string = 'long-enough';
    }
    expect(() => loadEnv(TokenEnv, { TOKEN: 'hunter2' })).toThrow(
      'invalid environment: TOKEN="<redacted>": TOKEN must be longer than or equal to 8 characters',
    );
  });

  it('refuses an unknown backend', () => {
    expect(() => loadEnv(ExampleEnv, { TUSK_BACKEND: 'gpu' })).toThrow(
      /TUSK_BACKEND="gpu": TUSK_BACKEND must be one of the following values: auto, tensorflow, wasm, cpu/,
    );
  });
});
