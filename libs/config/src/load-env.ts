import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

/** The environment did not validate; the message names every bad variable. */
export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

const SECRET = /PASS|SECRET|TOKEN|KEY|CREDENTIAL/i;

/** A variable's value for an error message; secrets are never echoed, even when wrong. */
function shown(name: string, value: string | undefined): string {
  if (value === undefined) return 'null';
  return SECRET.test(name) ? '"<redacted>"' : JSON.stringify(value);
}

/**
 * Validates `process.env` against an env class at boot, so a bad deployment stops at once
 * with the variable's name instead of failing later in the middle of a job.
 */
export function loadEnv<T extends object>(cls: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const instance = plainToInstance(cls, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `${e.property}=${shown(e.property, env[e.property])}: ${Object.values(e.constraints ?? {}).join(', ')}`,
    );
    throw new EnvError(`invalid environment: ${lines.join('; ')}`);
  }
  return instance;
}
