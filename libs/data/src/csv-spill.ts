import { closeSync, openSync, readSync } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertLittleEndianHost } from './bytes.js';
import { CsvChunker } from './csv-chunker.js';
import { csvColumnPlan, readPlainCsvRow } from './csv-plain-row.js';
import { parseCsvRecords } from './csv-records.js';
import { ClassCounter, csvLayout, readCsvRow, type CsvLayout, type CsvOptions } from './csv.js';
import { DatasetFormatError } from './errors.js';
import type { TableColumn } from './types.js';

/** A column's description without its data: what a manifest needs. */
export type ColumnMeta = Omit<TableColumn, 'data'>;

/**
 * A CSV parsed to disk: features as float32 rows in one file, label values as float64 rows in another
 * (narrowed to int32 or float32 only when written out, once every label has been seen, exactly as parseCsv does).
 */
export interface CsvSpill {
  rows: number;
  layout: CsvLayout;
  features: ColumnMeta;
  labels: ColumnMeta;
  dir: string;
  /** Removes the spill files. */
  remove: () => Promise<void>;
}

// Small: buffers are freed only when V8 collects, so each one in flight counts several times in RSS.
const SPILL_CHUNK_BYTES = 1024 * 1024;

const SPILL_DIR_PREFIX = 'tusk-csv-';

/** Removes spill dirs left in `tmp` by processes that are gone (a crash mid-upload); returns how many. */
export async function removeStaleSpills(tmp = tmpdir()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const pid = new RegExp(`^${SPILL_DIR_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (!pid || isAlive(Number(pid))) continue;
    await rm(join(tmp, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Decodes UTF-8 byte chunks to text; invalid UTF-8 throws a TypeError, as TextDecoder's fatal mode does for whole files. */
export async function* utf8Text(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of bytes) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Parses streamed CSV text with the same checks and messages as parseCsv, writing rows to temp files as they come,
 * so memory stays at one chunk whatever the file size. The files live in a fresh dir under `tmp` until remove().
 */
export async function spillCsv(text: AsyncIterable<string>, options: Omit<CsvOptions, 'text'>, tmp = tmpdir()): Promise<CsvSpill> {
  assertLittleEndianHost();
  const dir = await mkdtemp(join(tmp, `${SPILL_DIR_PREFIX}${process.pid}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const featureFile = await open(join(dir, 'features'), 'w');
    const labelFile = await open(join(dir, 'labels'), 'w');
    try {
      const chunker = new CsvChunker();
      let layout: CsvLayout | undefined;
      let features = new Float32Array(0);
      let labels = new Float64Array(0);
      let rows = 0;
      let buffered = 0;
      let chunkRows = 0;
      const classes = new ClassCounter();
      const flush = async () => {
        if (buffered === 0) return;
        await featureFile.write(new Uint8Array(features.buffer, 0, buffered * layout!.featureIdx.length * 4));
        await labelFile.write(new Uint8Array(labels.buffer, 0, buffered * layout!.labelIdx.length * 8));
        buffered = 0;
      };
      let plan: Int32Array = new Int32Array(0);
      const consume = async (piece: { text: string; firstLine: number } | null) => {
        if (!piece) return;
        const { text: t, firstLine } = piece;
        if (layout && t.indexOf('"') < 0 && t.indexOf('\r') < 0) {
          // Plain text (the usual case): rows read straight from the text, the same values and errors as below.
          const nf = layout.featureIdx.length;
          const nl = layout.labelIdx.length;
          for (let start = 0, line = firstLine; start < t.length; line++) {
            const lf = t.indexOf('\n', start);
            const end = lf < 0 ? t.length : lf;
            if (end > start) {
              readPlainCsvRow(t, start, end, line, rows + 1, layout, plan, features, buffered * nf, labels, buffered * nl);
              if (nl === 1) classes.add(labels[buffered]);
              rows++;
              if (++buffered === chunkRows) await flush();
            }
            start = end + 1;
          }
          return;
        }
        for (const record of parseCsvRecords(piece.text, piece.firstLine)) {
          if (!layout) {
            layout = csvLayout(record.fields, options);
            chunkRows = Math.max(1, Math.floor(SPILL_CHUNK_BYTES / (layout.featureIdx.length * 4)));
            features = new Float32Array(chunkRows * layout.featureIdx.length);
            labels = new Float64Array(chunkRows * layout.labelIdx.length);
            plan = csvColumnPlan(layout);
            continue;
          }
          const nl = layout.labelIdx.length;
          readCsvRow(layout, record, rows + 1, features, buffered * layout.featureIdx.length, labels, buffered * nl);
          if (nl === 1) classes.add(labels[buffered]);
          rows++;
          if (++buffered === chunkRows) await flush();
        }
      };
      for await (const t of text) await consume(chunker.push(t));
      await consume(chunker.end());
      await flush();
      if (!layout) throw new DatasetFormatError('CSV is empty: expected a header row');
      if (rows === 0) throw new DatasetFormatError('CSV has a header but no data rows');
      const numClasses = layout.labelIdx.length === 1 ? classes.count : undefined;
      const labelMeta: ColumnMeta =
        numClasses !== undefined
          ? { dtype: 'int32', shape: [], scale: 1, numClasses, names: layout.labelNames }
          : { dtype: 'float32', shape: [layout.labelIdx.length], scale: 1, names: layout.labelNames };
      const featureMeta: ColumnMeta = { dtype: 'float32', shape: [layout.featureIdx.length], scale: 1, names: layout.featureNames };
      return { rows, layout, features: featureMeta, labels: labelMeta, dir, remove };
    } finally {
      await featureFile.close();
      await labelFile.close();
    }
  } catch (err) {
    await remove();
    throw err;
  }
}

/**
 * Reads rows of a spill file in a given order, a chunk at a time: sorted by position within a chunk so the disk reads
 * go forward, placed back in the requested order.
 */
export function* gatherSpillRows(
  path: string,
  rowBytes: number,
  order: Uint32Array,
  chunkBytes = SPILL_CHUNK_BYTES,
): Generator<Uint8Array> {
  const perChunk = Math.max(1, Math.floor(chunkBytes / rowBytes));
  const fd = openSync(path, 'r');
  try {
    for (let start = 0; start < order.length; start += perChunk) {
      const slice = order.subarray(start, start + perChunk);
      const out = new Uint8Array(slice.length * rowBytes);
      const slots = Array.from(slice.keys()).sort((a, b) => slice[a] - slice[b]);
      for (const k of slots) {
        const got = readSync(fd, out, k * rowBytes, rowBytes, slice[k] * rowBytes);
        if (got !== rowBytes) throw new Error(`spill file ${path} is short at row ${slice[k]}`);
      }
      yield out;
    }
  } finally {
    closeSync(fd);
  }
}
