import type { ColumnSpec, DatasetManifest, PartitionEntry } from '@tusk/contracts';
import { DatasetArgumentError } from './errors.js';
import type { TableColumn } from './types.js';

/** The parts of a table a manifest describes (no data), so a streamed dataset can have one too. */
export interface TableShape {
  rows: number;
  features: Omit<TableColumn, 'data'>;
  labels: Omit<TableColumn, 'data'>;
}

/** Inputs to buildManifest; createdAt defaults to now (pass it for reproducible output). */
export interface BuildManifestArgs {
  id: string;
  name: string;
  format: DatasetManifest['format'];
  seed: number;
  table: TableShape;
  parts: PartitionEntry[];
  createdAt?: Date | string;
}

/** The ColumnSpec describing one table column, leaving out absent optional fields so the JSON stays clean. */
export function columnSpec(column: Omit<TableColumn, 'data'>): ColumnSpec {
  const spec: ColumnSpec = { dtype: column.dtype, shape: [...column.shape], scale: column.scale };
  if (column.numClasses !== undefined) spec.numClasses = column.numClasses;
  if (column.names !== undefined) spec.names = [...column.names];
  return spec;
}

/** Assembles `datasets/<id>/manifest.json` from the table and its uploaded parts, checking the parts cover every row. */
export function buildManifest(args: BuildManifestArgs): DatasetManifest {
  const partitions = [...args.parts].sort((a, b) => a.index - b.index).map((p) => ({ ...p }));
  partitions.forEach((p, i) => {
    if (p.index !== i)
      throw new DatasetArgumentError(`partition indexes must be 0..${partitions.length - 1}, found ${p.index} at position ${i}`);
  });
  const partRows = partitions.reduce((sum, p) => sum + p.rows, 0);
  if (partRows !== args.table.rows) {
    throw new DatasetArgumentError(`partitions hold ${partRows} rows but the table has ${args.table.rows}`);
  }
  const createdAt = args.createdAt === undefined ? new Date() : new Date(args.createdAt);
  return {
    id: args.id,
    name: args.name,
    format: args.format,
    createdAt: createdAt.toISOString(),
    rows: args.table.rows,
    seed: args.seed,
    features: columnSpec(args.table.features),
    labels: columnSpec(args.table.labels),
    partitions,
  };
}
