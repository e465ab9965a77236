import { readFile } from 'node:fs/promises';
import type { TextSink, TuskClient } from '@tusk/client';

/** What every command gets: the API client and where to write. */
export interface CommandContext {
  client: TuskClient;
  stdout: TextSink;
  stderr: TextSink;
  /** stdout is a terminal: progress redraws in place. */
  isTTY: boolean;
}

/** Parsed option values (node:util parseArgs), all commands' options in one bag. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** A mistake in the command line: usage text and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user can act on (a file that cannot be read): its message and exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export function requireString(values: OptionValues, name: string, why = ''): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required${why ? ` ${why}` : ''}`);
  return value;
}

export function optionalInt(values: OptionValues, name: string, min: number): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, not "${String(value)}"`);
  return n;
}

export const line = (out: TextSink, text: string) => out.write(`${text}\n`);

/** A file holding one JSON object (a request body), with messages that name the file. */
export async function readJsonObject(file: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CliError(`${file} must hold a JSON object (${what})`);
  return body as Record<string, unknown>;
}
