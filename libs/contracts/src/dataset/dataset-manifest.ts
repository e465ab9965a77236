/** Element types a dataset column may be stored in. */
export type ColumnDtype = 'float32' | 'int32' | 'uint8';

/** One column group (features or labels) of a dataset: what a single row holds. */
export interface ColumnSpec {
  dtype: ColumnDtype;
  /** Shape of one row, without the batch dimension: [] for a scalar label, [28, 28] for an image. */
  shape: number[];
  /** Multiplier applied when the worker turns stored values into float32 (1/255 for uint8 pixels). */
  scale: number;
  /** For integer class labels: the number of classes (max label + 1). */
  numClasses?: number;
  /** Column names when the source had them (CSV header). */
  names?: string[];
}

export interface PartitionEntry {
  index: number;
  key: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** `datasets/<id>/manifest.json`: everything a worker or the driver needs to know about a dataset. */
export interface DatasetManifest {
  id: string;
  name: string;
  format: 'csv' | 'npy' | 'idx';
  createdAt: string;
  rows: number;
  seed: number;
  features: ColumnSpec;
  labels: ColumnSpec;
  partitions: PartitionEntry[];
}
