import type { ColumnDtype } from '@tusk/contracts';

/** Element types the IDX and NPY parsers can produce. */
export type RawDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'bool';

/** Typed array backing a parsed file (bool is stored as 0/1 bytes, int64 as BigInt64Array). */
export type RawTypedArray = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/** A parsed n-dimensional array; shape includes the leading row dimension. */
export interface RawArray {
  dtype: RawDtype;
  shape: number[];
  data: RawTypedArray;
}

/** Typed array of one of the three stored column dtypes. */
export type ColumnData = Float32Array | Int32Array | Uint8Array;

/** One column group held in memory; shape is per row (no batch dimension), as in ColumnSpec. */
export interface TableColumn {
  dtype: ColumnDtype;
  shape: number[];
  scale: number;
  data: ColumnData;
  numClasses?: number;
  names?: string[];
}

/** A whole dataset in memory, row-major: row i of features pairs with row i of labels. */
export interface DatasetTable {
  rows: number;
  features: TableColumn;
  labels: TableColumn;
}
