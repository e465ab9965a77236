import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from './csv.js';
import { removeStaleSpills, spillCsv, utf8Text } from './csv-spill.js';
import { tableFromCsv } from './dataset-table.js';
import { encodePartition } from './partition-codec.js';
import { partitionTable } from './partition.js';
import { seededRandom } from './shuffle.js';
import { spillPartitions } from './spill-partitions.js';

/** Feeds bytes in pieces of random length (1..maxPiece), so record, quote and UTF-8 boundaries fall anywhere. */
async function* pieces(bytes: Uint8Array, seed: number, maxPiece: number): AsyncGenerator<Uint8Array> {
  const random = seededRandom(seed);
  for (let i = 0; i < bytes.length;) {
    const n = 1 + Math.floor(random() * maxPiece);
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

const concat = (chunks: Iterable<Uint8Array>) => Buffer.concat([...chunks].map((c) => Buffer.from(c)));

async function streamed(
  csv: string,
  opts: { labelColumns: string[]; featureColumns?: string[] },
  partitions: number,
  seed: number,
  maxPiece = 7,
) {
  const spill = await spillCsv(utf8Text(pieces(new TextEncoder().encode(csv), seed + 1, maxPiece)), opts);
  try {
    return { spill, parts: spillPartitions(spill, partitions, seed).map((p) => ({ ...p, encoded: concat(p.chunks()) })) };
  } finally {
    await spill.remove();
  }
}

function inMemory(csv: string, opts: { labelColumns: string[]; featureColumns?: string[] }, partitions: number, seed: number) {
  const table = tableFromCsv(parseCsv({ text: csv, ...opts }));
  return { table, parts: partitionTable({ table, partitions, seed }).map((p) => Buffer.from(encodePartition(p))) };
}

function randomCsv(rows: number, seed: number, label: 'class' | 'float'): string {
  const random = seededRandom(seed);
  const lines = ['\ufeff"x 1",x2,"x""3",y,x4'];
  for (let r = 0; r < rows; r++) {
    const y = label === 'class' ? String(Math.floor(random() * 5)) : (random() * 10 - 5).toFixed(3);
    const cells = [(random() * 100).toExponential(4), ` ${Math.floor(random() * 256)} `, `"${(random() - 0.5).toFixed(6)}"`, y, '.5'];
    lines.push(cells.join(','));
    if (r % 17 === 0) lines.push(''); // blank lines are skipped
  }
  return lines.join(r_sep(seed)) + '\n';
}
const r_sep = (seed: number) => (seed % 2 ? '\r\n' : '\n');

describe('streaming CSV partitioning (spillCsv + spillPartitions)', () => {
  it.each([
    ['class labels, LF', 'class' as const, 1, 4, 11],
    ['float labels, CRLF', 'float' as const, 2, 3, 99],
    ['one partition', 'class' as const, 3, 1, 5],
  ])('writes partitions byte-identical to the in-memory path (%s)', async (_name, label, seed, partitions, maxPiece) => {
    const csv = randomCsv(203, seed, label);
    const opts = { labelColumns: ['y'] };
    const want = inMemory(csv, opts, partitions, seed);
    const got = await streamed(csv, opts, partitions, seed, maxPiece);
    expect(got.spill.rows).toBe(want.table.rows);
    expect(got.spill.labels).toEqual((({ data: _d, ...meta }) => meta)(want.table.labels));
    expect(got.spill.features).toEqual((({ data: _d, ...meta }) => meta)(want.table.features));
    expect(got.parts.map((p) => p.encoded.length)).toEqual(got.parts.map((p) => p.bytes));
    expect(got.parts.map((p) => p.encoded.toString('hex'))).toEqual(want.parts.map((p) => p.toString('hex')));
    expect(existsSync(got.spill.dir)).toBe(false);
  });

  it('reads plain CSV (no quotes, LF: the in-place number path) byte-identically, whatever the values look like', async () => {
    const random = seededRandom(5);
    const values = ['0', '7', '255', '123456789', '1234567890123', '-3', '+4', '0.5', '.25', '1e3', '-2.5E-2', ' 12 ', '00017', '3.'];
    const lines = ['p1,label,p2,p3,p4'];
    for (let r = 0; r < 500; r++) {
      lines.push(
        [0, 1, 2, 3, 4].map((c) => (c === 1 ? String(Math.floor(random() * 4)) : values[Math.floor(random() * values.length)])).join(','),
      );
      if (r % 50 === 7) lines.push('');
    }
    const csv = lines.join('\n');
    for (const labelColumns of [['label'], ['p3', 'label']]) {
      const opts = { labelColumns };
      const got = await streamed(csv, opts, 3, 21, 4000);
      expect(got.parts.map((p) => p.encoded.toString('hex'))).toEqual(inMemory(csv, opts, 3, 21).parts.map((p) => p.toString('hex')));
    }
  });

  it.each([
    ['a value that is not a number', '1,x,3', 'column "b": "x" is not a number'],
    ['an empty value', '1,,3', 'column "b": "" is not a number'],
    ['two bad values (the first in column order is named)', '1,x,1e99', 'column "b": "x" is not a number'],
    ['a value out of float32 range', '1,2,1e99', 'column "y": "1e99" is out of float32 range'],
    ['a row with a field too many', '1,2,3,4', 'has 4 fields, expected 3'],
  ])('fails like parseCsv on a late plain row with %s', async (_name, bad, message) => {
    const csv = `a,b,y\n${'1,2,3\n'.repeat(3000)}${bad}\n`;
    const want = (() => {
      try {
        parseCsv({ text: csv, labelColumns: ['y'] });
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(want).toContain(message);
    await expect(streamed(csv, { labelColumns: ['y'] }, 1, 1, 5000)).rejects.toThrow(want!);
  });

  it('keeps the order of chosen feature columns and several float label columns', async () => {
    const csv = 'a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10,11,12\n';
    const opts = { labelColumns: ['d', 'a'], featureColumns: ['c', 'b'] };
    const got = await streamed(csv, opts, 2, 9, 3);
    expect(got.parts.map((p) => p.encoded.toString('hex'))).toEqual(inMemory(csv, opts, 2, 9).parts.map((p) => p.toString('hex')));
  });

  it.each([
    ['', 'CSV is empty'],
    ['a,y\n', 'CSV has a header but no data rows'],
    ['a,y\n1,0\n2\n', 'CSV row 2 (line 3) has 1 fields, expected 2'],
    ['a,y\n1,0\n\n"x\n', 'quoted field is never closed'],
    ['a,y\r\n1,0\r\n2,zz\r\n', 'CSV row 2 (line 3), column "y": "zz" is not a number'],
    ['a,b\n1,0\n', 'CSV label column "y" not found'],
  ])('fails like parseCsv on %j', async (csv, message) => {
    await expect(streamed(csv, { labelColumns: ['y'] }, 1, 1, 2)).rejects.toThrow(message);
    expect(() => parseCsv({ text: csv, labelColumns: ['y'] })).toThrow(message);
  });

  it('refuses invalid UTF-8 as the whole-file decoder does', async () => {
    const bytes = Buffer.concat([Buffer.from('a,y\n1,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    await expect(spillCsv(utf8Text(pieces(bytes, 1, 3)), { labelColumns: ['y'] })).rejects.toThrow('not valid for encoding utf-8');
  });

  it('removes the spill dirs of processes that are gone, and only those', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tusk-spill-test-'));
    const mine = join(tmp, `tusk-csv-${process.pid}-abc`);
    const gone = join(tmp, 'tusk-csv-2147483000-abc'); // no such pid
    const other = join(tmp, 'something-else');
    for (const d of [mine, gone, other]) mkdirSync(d);
    expect(await removeStaleSpills(tmp)).toBe(1);
    expect([existsSync(mine), existsSync(gone), existsSync(other)]).toEqual([true, false, true]);
  });
});
