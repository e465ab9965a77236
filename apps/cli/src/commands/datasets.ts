import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DatasetManifest } from '@tusk/contracts';
import { datasetsTable } from '../format.js';
import { CliError, line, optionalInt, requireString, UsageError, type CommandContext, type OptionValues } from './context.js';

/** The multipart file fields each format needs, and the CLI flag each comes from. */
const FILES: Record<string, string[]> = { csv: ['file'], npy: ['features', 'labels'], idx: ['images', 'labels'] };

const enc = encodeURIComponent;

/** `tusk datasets upload --format idx|csv|npy <files> [--partitions N] [--seed S] [--name X]` */
export async function uploadDataset(ctx: CommandContext, values: OptionValues): Promise<number> {
  const format = requireString(values, 'format', '(csv, npy or idx)');
  const fields = FILES[format];
  if (!fields) throw new UsageError(`--format must be csv, npy or idx, not "${format}"`);
  for (const flag of ['file', 'features', 'images']) {
    if (values[flag] !== undefined && !fields.includes(flag)) throw new UsageError(`--${flag} does not apply to --format ${format} (it takes ${fields.map((f) => `--${f}`).join(' and ')})`);
  }
  if (format !== 'csv' && (values['label-columns'] !== undefined || values['feature-columns'] !== undefined)) throw new UsageError('--label-columns and --feature-columns apply to --format csv only');
  if (format !== 'npy' && values.scale !== undefined) throw new UsageError('--scale applies to --format npy only');

  const form = new FormData();
  form.set('format', format);
  if (format === 'csv') form.set('labelColumns', requireString(values, 'label-columns', 'for --format csv (e.g. --label-columns label)'));
  if (typeof values['feature-columns'] === 'string') form.set('featureColumns', values['feature-columns']);
  const partitions = optionalInt(values, 'partitions', 1);
  if (partitions !== undefined) form.set('partitions', String(partitions));
  const seed = optionalInt(values, 'seed', 0);
  if (seed !== undefined) form.set('seed', String(seed));
  if (typeof values.name === 'string') form.set('name', values.name);
  if (typeof values.scale === 'string') {
    if (!(Number(values.scale) > 0)) throw new UsageError(`--scale must be a positive number, not "${values.scale}"`);
    form.set('scale', values.scale);
  }
  for (const field of fields) {
    const path = requireString(values, field, `for --format ${format}`);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new CliError(`cannot read --${field} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    form.set(field, new Blob([new Uint8Array(bytes)]), basename(path));
  }

  const manifest = await ctx.client.postForm<DatasetManifest>('/datasets', form);
  line(ctx.stdout, `${manifest.id}  ${manifest.rows} rows, ${manifest.partitions.length} partition${manifest.partitions.length === 1 ? '' : 's'}`);
  return 0;
}

export async function listDatasets(ctx: CommandContext): Promise<number> {
  const datasets = await ctx.client.get<DatasetManifest[]>('/datasets');
  line(ctx.stdout, datasetsTable(datasets));
  return 0;
}

export async function showDataset(ctx: CommandContext, id: string): Promise<number> {
  line(ctx.stdout, JSON.stringify(await ctx.client.get<DatasetManifest>(`/datasets/${enc(id)}`), null, 2));
  return 0;
}

export async function deleteDataset(ctx: CommandContext, id: string): Promise<number> {
  await ctx.client.delete(`/datasets/${enc(id)}`);
  line(ctx.stdout, `deleted ${id}`);
  return 0;
}
