#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { TuskApiError, TuskClient, TuskConnectionError } from '@tusk/client';
import { CliError, UsageError, type CommandContext, type OptionValues } from './commands/context.js';
import { deleteDataset, listDatasets, showDataset, uploadDataset } from './commands/datasets.js';
import { cancelJob, listJobs, showJob, submitJob, watchJob } from './commands/jobs.js';
import { downloadModel } from './commands/models.js';
import { bestOfSweep, cancelSweep, listSweeps, submitSweep, watchSweep } from './commands/sweeps.js';
import { listWorkers } from './commands/workers.js';
import { USAGE } from './usage.js';

/** Every option any command takes; each command says which of them it accepts. */
const OPTIONS = {
  url: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  format: { type: 'string' },
  file: { type: 'string' },
  features: { type: 'string' },
  images: { type: 'string' },
  labels: { type: 'string' },
  'label-columns': { type: 'string' },
  'feature-columns': { type: 'string' },
  partitions: { type: 'string' },
  seed: { type: 'string' },
  name: { type: 'string' },
  scale: { type: 'string' },
  dataset: { type: 'string' },
  watch: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  download: { type: 'string' },
} as const;

const GLOBAL = ['url', 'timeout', 'help'];

interface Command {
  /** The positional arguments after the command words, by name. */
  args: string[];
  options: string[];
  run(ctx: CommandContext, args: string[], values: OptionValues): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  'datasets upload': {
    args: [],
    options: ['format', 'file', 'features', 'images', 'labels', 'label-columns', 'feature-columns', 'partitions', 'seed', 'name', 'scale'],
    run: (ctx, _args, values) => uploadDataset(ctx, values),
  },
  'datasets list': { args: [], options: [], run: (ctx) => listDatasets(ctx) },
  'datasets show': { args: ['id'], options: [], run: (ctx, [id]) => showDataset(ctx, id) },
  'datasets delete': { args: ['id'], options: [], run: (ctx, [id]) => deleteDataset(ctx, id) },
  'jobs submit': { args: ['job.json'], options: ['dataset', 'watch'], run: (ctx, [file], values) => submitJob(ctx, file, values) },
  'jobs watch': { args: ['id'], options: [], run: (ctx, [id]) => watchJob(ctx, id) },
  'jobs list': { args: [], options: [], run: (ctx) => listJobs(ctx) },
  'jobs show': { args: ['id'], options: [], run: (ctx, [id]) => showJob(ctx, id) },
  'jobs cancel': { args: ['id'], options: [], run: (ctx, [id]) => cancelJob(ctx, id) },
  'models download': { args: ['jobId'], options: ['out'], run: (ctx, [id], values) => downloadModel(ctx, id, values) },
  'sweep submit': { args: ['file.json'], options: ['watch'], run: (ctx, [file], values) => submitSweep(ctx, file, values) },
  'sweep watch': { args: ['id'], options: [], run: (ctx, [id]) => watchSweep(ctx, id) },
  'sweep best': { args: ['id'], options: ['download'], run: (ctx, [id], values) => bestOfSweep(ctx, id, values) },
  'sweep list': { args: [], options: [], run: (ctx) => listSweeps(ctx) },
  'sweep cancel': { args: ['id'], options: [], run: (ctx, [id]) => cancelSweep(ctx, id) },
  workers: { args: [], options: [], run: (ctx) => listWorkers(ctx) },
};

export interface Io {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
}

/** Runs one command line; resolves to the exit code (0 ok, 1 error, 2 usage). */
export async function run({ argv, env, stdout, stderr }: Io): Promise<number> {
  /** Usage mistakes: the full usage for a missing or unknown command, else the message and a hint. */
  const usage = (message?: string, full = false) => {
    if (!message) stdout.write(USAGE);
    else if (full) stderr.write(`tusk: ${message}\n\n${USAGE}`);
    else stderr.write(`tusk: ${message}\nRun 'tusk --help' for usage.\n`);
    return 2;
  };
  let values: OptionValues;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (values.help) return usage();
  if (positionals.length === 0) return usage('no command given', true);

  const words = positionals[0] === 'workers' ? 1 : 2;
  const name = positionals.slice(0, words).join(' ');
  const command = COMMANDS[name];
  if (!command) return usage(`unknown command "${name}"`, true);
  const args = positionals.slice(words);
  if (args.length !== command.args.length) {
    return usage(
      args.length < command.args.length
        ? `tusk ${name} needs <${command.args[args.length]}>`
        : `tusk ${name}: unexpected argument "${args[command.args.length]}"`,
    );
  }
  const stray = Object.keys(values).filter((k) => values[k] !== undefined && !GLOBAL.includes(k) && !command.options.includes(k));
  if (stray.length > 0) return usage(`tusk ${name} does not take --${stray[0]}`);

  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!(seconds > 0)) return usage(`--timeout must be a positive number of seconds, not "${String(values.timeout)}"`);
    timeoutMs = seconds * 1000;
  }
  const client = TuskClient.fromEnv(env, { url: values.url as string | undefined, timeoutMs });
  const ctx: CommandContext = { client, stdout, stderr, isTTY: stdout.isTTY === true };
  try {
    return await command.run(ctx, args, values);
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    if (err instanceof TuskApiError) {
      stderr.write(`tusk: ${err.summary}\n`);
      return 1;
    }
    if (err instanceof TuskConnectionError || err instanceof CliError) {
      stderr.write(`tusk: ${err.message}\n`);
      return 1;
    }
    stderr.write(`tusk: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

/** True when this file is the program being run (directly or through the npm bin link). */
function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  run({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`tusk: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
