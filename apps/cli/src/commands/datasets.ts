import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { DatasetFormat, DatasetUpload } from '@tusk/client';
import { datasetsTable } from '../format.js';
import { CliError, line, optionalInt, requireString, UsageError, type CommandContext, type OptionValues } from './context.js';

/** The multipart file fields each format needs, and the CLI flag each comes from. */
const FILES: Record<string, string[]> = { csv: ['file'], npy: ['features', 'labels'], idx: ['images', 'labels'] };

/** `tusk datasets upload --format idx|csv|npy <files> [--partitions N] [--seed S] [--name X]` */
export async function uploadDataset(ctx: CommandContext, values: OptionValues): Promise<number> {
  const format = requireString(values, 'format', '(csv, npy or idx)');
  const fields = FILES[format];
  if (!fields) throw new UsageError(`--format must be csv, npy or idx, not "${format}"`);
  for (const flag of ['file', 'features', 'images']) {
    if (values[flag] !== undefined && !fields.includes(flag))
      throw new UsageError(`--${flag} does not apply to --format ${format} (it takes ${fields.map((f) => `--${f}`).join(' and ')})`);
  }
  if (format !== 'csv' && (values['label-columns'] !== undefined || values['feature-columns'] !== undefined))
    throw new UsageError('--label-columns and --feature-columns apply to --format csv only');
  if (format !== 'npy' && values.scale !== undefined) throw new UsageError('--scale applies to --format npy only');

  const upload: DatasetUpload = { format: format as DatasetFormat };
  if (format === 'csv') upload.labelColumns = requireString(values, 'label-columns', 'for --format csv (e.g. --label-columns label)');
  if (typeof values['feature-columns'] === 'string') upload.featureColumns = values['feature-columns'];
  upload.partitions = optionalInt(values, 'partitions', 1);
  upload.seed = optionalInt(values, 'seed', 0);
  if (typeof values.name === 'string') upload.name = values.name;
  if (typeof values.scale === 'string') {
    if (!(Number(values.scale) > 0)) throw new UsageError(`--scale must be a positive number, not "${values.scale}"`);
    upload.scale = Number(values.scale);
  }
  for (const field of fields as ('file' | 'features' | 'images' | 'labels')[]) {
    const path = requireString(values, field, `for --format ${format}`);
    try {
      // A Blob backed by the file: the upload streams it from disk instead of holding it in memory.
      upload[field] = { data: await openAsBlob(path), filename: basename(path) };
    } catch (err) {
      throw new CliError(`cannot read --${field} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  const manifest = await ctx.client.createDataset(upload);
  line(
    ctx.stdout,
    `${manifest.id}  ${manifest.rows} rows, ${manifest.partitions.length} partition${manifest.partitions.length === 1 ? '' : 's'}`,
  );
  return 0;
}

export async function listDatasets(ctx: CommandContext): Promise<number> {
  const datasets = await ctx.client.datasets();
  line(ctx.stdout, datasetsTable(datasets));
  return 0;
}

export async function showDataset(ctx: CommandContext, id: string): Promise<number> {
  line(ctx.stdout, JSON.stringify(await ctx.client.dataset(id), null, 2));
  return 0;
}

export async function deleteDataset(ctx: CommandContext, id: string): Promise<number> {
  await ctx.client.deleteDataset(id);
  line(ctx.stdout, `deleted ${id}`);
  return 0;
}
