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
        'PORT must be an integer number; NATS_URL="http://x": must be a nats:// URL (comma-separated for a cluster)',
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
