import { parseCsvRecords, type CsvRecord } from './csv-records.js';
import { DatasetArgumentError, DatasetFormatError } from './errors.js';

/** What to read from a CSV upload; featureColumns defaults to every non-label column. */
export interface CsvOptions {
  text: string;
  labelColumns: string[];
  featureColumns?: string[];
}

/** A parsed CSV: shapes include the row dimension. */
export interface CsvData {
  rows: number;
  features: { dtype: 'float32'; shape: [number, number]; data: Float32Array; names: string[] };
  /** float32 [rows, nLabels], or int32 [rows] class labels when a single label column holds non-negative integers. */
  labels:
    | { dtype: 'float32'; shape: [number, number]; data: Float32Array; names: string[] }
    | { dtype: 'int32'; shape: [number]; data: Int32Array; names: string[]; numClasses: number };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Which header columns hold the features and the labels, in output order; shared by the whole-text and streaming parsers. */
export interface CsvLayout {
  header: string[];
  featureNames: string[];
  labelNames: string[];
  featureIdx: number[];
  labelIdx: number[];
}

/** Resolves and checks the header row against the requested label / feature columns. */
export function csvLayout(headerFields: string[], options: Omit<CsvOptions, 'text'>): CsvLayout {
  const header = headerFields.map((h) => h.trim());
  const index = new Map<string, number>();
  header.forEach((name, k) => {
    if (name === '') throw new DatasetFormatError(`CSV header column ${k + 1} has no name`);
    if (index.has(name)) throw new DatasetFormatError(`CSV header has duplicate column "${name}"`);
    index.set(name, k);
  });
  const labelNames = options.labelColumns;
  if (labelNames.length === 0) throw new DatasetArgumentError('CSV needs at least one label column');
  const featureNames = options.featureColumns ?? header.filter((h) => !labelNames.includes(h));
  const labelIdx = resolveColumns(labelNames, 'label', index, header);
  const featureIdx = resolveColumns(featureNames, 'feature', index, header);
  if (featureIdx.length === 0) throw new DatasetArgumentError('CSV has no feature columns besides the label columns');
  const overlap = featureNames.find((f) => labelNames.includes(f));
  if (overlap !== undefined) throw new DatasetArgumentError(`CSV column "${overlap}" cannot be both a feature and a label`);
  return { header, featureNames: [...featureNames], labelNames: [...labelNames], featureIdx, labelIdx };
}

/** Reads data row `r` (1-based) into features[fOff..] (float32) and labels[lOff..] (float64, narrowed once the dtype is known). */
export function readCsvRow(
  layout: CsvLayout,
  record: CsvRecord,
  r: number,
  features: Float32Array,
  fOff: number,
  labels: Float64Array,
  lOff: number,
): void {
  const { header, featureIdx, labelIdx } = layout;
  const { line, fields } = record;
  if (fields.length !== header.length) {
    throw new DatasetFormatError(`CSV row ${r} (line ${line}) has ${fields.length} fields, expected ${header.length}`);
  }
  const read = (col: number): number => {
    const value = csvNumber(fields[col]);
    if (!Number.isFinite(Math.fround(value))) {
      const why = Number.isNaN(value) ? 'is not a number' : 'is out of float32 range';
      throw new DatasetFormatError(`CSV row ${r} (line ${line}), column "${header[col]}": "${fields[col]}" ${why}`);
    }
    return value;
  };
  for (let k = 0; k < featureIdx.length; k++) features[fOff + k] = read(featureIdx[k]);
  for (let k = 0; k < labelIdx.length; k++) labels[lOff + k] = read(labelIdx[k]);
}

/** A field's number (NaN when it is not one); the caller checks that it fits float32. */
export function csvNumber(field: string): number {
  const raw = field.trim();
  return isSmallUint(raw) ? smallUint(raw) : NUMBER.test(raw) ? Number(raw) : Number.NaN;
}

/** 1 to 9 ASCII digits: such a field is parsed by hand (the value Number() would give), the usual case for pixel data. */
function isSmallUint(raw: string): boolean {
  const n = raw.length;
  if (n === 0 || n > 9) return false;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function smallUint(raw: string): number {
  let v = 0;
  for (let i = 0; i < raw.length; i++) v = v * 10 + (raw.charCodeAt(i) - 48);
  return v;
}

/** Parses numeric CSV with a header row into feature and label arrays, so tabular data can be trained on. */
export function parseCsv(options: CsvOptions): CsvData {
  const records = parseCsvRecords(options.text);
  if (records.length === 0) throw new DatasetFormatError('CSV is empty: expected a header row');
  const layout = csvLayout(records[0].fields, options);
  const { featureIdx, labelIdx } = layout;
  const rows = records.length - 1;
  if (rows === 0) throw new DatasetFormatError('CSV has a header but no data rows');
  const features = new Float32Array(rows * featureIdx.length);
  const labelValues = new Float64Array(rows * labelIdx.length);
  for (let r = 0; r < rows; r++)
    readCsvRow(layout, records[r + 1], r + 1, features, r * featureIdx.length, labelValues, r * labelIdx.length);
  const names = [...layout.labelNames];
  const featurePart: CsvData['features'] = {
    dtype: 'float32',
    shape: [rows, featureIdx.length],
    data: features,
    names: layout.featureNames,
  };
  const numClasses = labelIdx.length === 1 ? classCount(labelValues) : undefined;
  const labels: CsvData['labels'] =
    numClasses !== undefined
      ? { dtype: 'int32', shape: [rows], data: Int32Array.from(labelValues), names, numClasses }
      : { dtype: 'float32', shape: [rows, labelIdx.length], data: Float32Array.from(labelValues), names };
  return { rows, features: featurePart, labels };
}

function resolveColumns(names: string[], role: string, index: Map<string, number>, header: string[]): number[] {
  const seen = new Set<string>();
  return names.map((name) => {
    const col = index.get(name);
    if (col === undefined) {
      throw new DatasetArgumentError(`CSV ${role} column "${name}" not found in header (columns: ${header.join(', ')})`);
    }
    if (seen.has(name)) throw new DatasetArgumentError(`CSV ${role} column "${name}" is listed twice`);
    seen.add(name);
    return col;
  });
}

/** Running form of classCount, for labels that arrive one row at a time. */
export class ClassCounter {
  private max = -1;
  private integral = true;

  add(v: number): void {
    if (!this.integral) return;
    if (!Number.isInteger(v) || v < 0 || v > 0x7ffffffe) this.integral = false;
    else if (v > this.max) this.max = v;
  }

  /** max+1 when every value was a non-negative int32-range integer, else undefined. */
  get count(): number | undefined {
    return this.integral ? this.max + 1 : undefined;
  }
}

function classCount(values: Float64Array): number | undefined {
  const counter = new ClassCounter();
  for (const v of values) counter.add(v);
  return counter.count;
}
