import { csvNumber, readCsvRow, type CsvLayout } from './csv.js';

const COMMA = 44;
const SKIP = -0x80000000;

/** Where each header column goes: feature k (k ≥ 0), label k (-(k + 1)) or nowhere; for readPlainCsvRow. */
export function csvColumnPlan(layout: CsvLayout): Int32Array {
  const plan = new Int32Array(layout.header.length).fill(SKIP);
  layout.featureIdx.forEach((col, k) => (plan[col] = k));
  layout.labelIdx.forEach((col, k) => (plan[col] = -(k + 1)));
  return plan;
}

/**
 * Reads one data row of plain CSV (no quotes; text[start, end) is the line without its LF) straight from the text:
 * short digit runs are parsed in place, with no string per field. Anything unusual (a field count that is off, a
 * value that is not a number) goes to readCsvRow, so errors are exactly parseCsv's.
 */
export function readPlainCsvRow(
  text: string,
  start: number,
  end: number,
  line: number,
  r: number,
  layout: CsvLayout,
  plan: Int32Array,
  features: Float32Array,
  fOff: number,
  labels: Float64Array,
  lOff: number,
): void {
  const slow = () => readCsvRow(layout, { line, fields: text.slice(start, end).split(',') }, r, features, fOff, labels, lOff);
  let count = 1;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === COMMA) count++;
  if (count !== plan.length) return slow();
  let col = 0;
  let fieldStart = start;
  let digits = 0;
  let plain = true;
  for (let i = start; ; i++) {
    const c = i < end ? text.charCodeAt(i) : COMMA;
    if (c === COMMA) {
      const target = plan[col];
      if (target !== SKIP) {
        const length = i - fieldStart;
        let value = digits;
        if (!plain || length === 0 || length > 9) {
          value = csvNumber(text.slice(fieldStart, i));
          if (!Number.isFinite(Math.fround(value))) return slow();
        }
        if (target >= 0) features[fOff + target] = value;
        else labels[lOff - target - 1] = value;
      }
      if (i >= end) return;
      col++;
      fieldStart = i + 1;
      digits = 0;
      plain = true;
    } else if (plain) {
      if (c >= 48 && c <= 57) digits = digits * 10 + (c - 48);
      else plain = false;
    }
  }
}
