import { classCount, splitRows, toColumnData } from './column.js';
import type { CsvData } from './csv.js';
import { DatasetArgumentError, DatasetFormatError } from './errors.js';
import type { DatasetTable, RawArray, TableColumn } from './types.js';

/** Builds a table from parsed IDX images and labels (MNIST layout): uint8 pixels keep 1 byte with scale 1/255. */
export function tableFromIdx(args: { images: RawArray; labels: RawArray }): DatasetTable {
  const { images, labels } = args;
  const img = splitRows(images.shape, 'IDX images');
  const lab = splitRows(labels.shape, 'IDX labels');
  if (lab.rowShape.length !== 0) {
    throw new DatasetFormatError(`IDX labels must be one-dimensional, got shape [${labels.shape.join(', ')}]`);
  }
  assertSameRows(img.rows, lab.rows);
  const feat = toColumnData(images, 'IDX images');
  const labelData = toColumnData(labels, 'IDX labels');
  if (labelData.dtype === 'float32') throw new DatasetFormatError(`IDX labels must be integers, got ${labels.dtype}`);
  const ints = Int32Array.from(labelData.data);
  const numClasses = classCount(ints);
  if (numClasses === undefined) throw new DatasetFormatError('IDX labels must be non-negative class indices');
  return {
    rows: img.rows,
    features: { dtype: feat.dtype, shape: img.rowShape, scale: feat.dtype === 'uint8' ? 1 / 255 : 1, data: feat.data },
    labels: { dtype: 'int32', shape: [], scale: 1, data: ints, numClasses },
  };
}

/**
 * Builds a table from parsed .npy arrays; float64 narrows to float32, integer types to int32, uint8 stays.
 * scale defaults to 1/255 for uint8 features and 1 otherwise. Integer labels of shape [rows] with no negative
 * value become class labels (numClasses = max + 1); other integer labels are int32, float labels float32.
 */
export function tableFromNpy(args: { features: RawArray; labels: RawArray; scale?: number }): DatasetTable {
  const f = splitRows(args.features.shape, 'NPY features');
  const l = splitRows(args.labels.shape, 'NPY labels');
  assertSameRows(f.rows, l.rows);
  const feat = toColumnData(args.features, 'NPY features');
  const scale = args.scale ?? (feat.dtype === 'uint8' ? 1 / 255 : 1);
  if (!Number.isFinite(scale) || scale === 0) throw new DatasetArgumentError(`scale must be a finite non-zero number, got ${scale}`);
  const lab = toColumnData(args.labels, 'NPY labels');
  let labels: TableColumn;
  if (lab.dtype === 'float32') {
    labels = { dtype: 'float32', shape: l.rowShape, scale: 1, data: lab.data };
  } else {
    const ints = lab.data instanceof Int32Array ? lab.data : Int32Array.from(lab.data);
    const numClasses = l.rowShape.length === 0 ? classCount(ints) : undefined;
    labels = { dtype: 'int32', shape: l.rowShape, scale: 1, data: ints, ...(numClasses !== undefined && { numClasses }) };
  }
  return { rows: f.rows, features: { dtype: feat.dtype, shape: f.rowShape, scale, data: feat.data }, labels };
}

/** Builds a table from a parsed CSV, keeping column names for the manifest. */
export function tableFromCsv(csv: CsvData): DatasetTable {
  if (csv.rows === 0) throw new DatasetFormatError('features have 0 rows: the dataset is empty');
  const { features: f, labels: l } = csv;
  assertSameRows(f.shape[0], l.shape[0]);
  const labels: TableColumn =
    l.dtype === 'int32'
      ? { dtype: 'int32', shape: [], scale: 1, data: l.data, numClasses: l.numClasses, names: l.names }
      : { dtype: 'float32', shape: [l.shape[1]], scale: 1, data: l.data, names: l.names };
  return { rows: csv.rows, features: { dtype: 'float32', shape: [f.shape[1]], scale: 1, data: f.data, names: f.names }, labels };
}

function assertSameRows(featureRows: number, labelRows: number): void {
  if (featureRows !== labelRows) {
    throw new DatasetFormatError(`features have ${featureRows} rows but labels have ${labelRows}`);
  }
}
