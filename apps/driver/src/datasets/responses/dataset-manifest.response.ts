import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ColumnDtype, ColumnSpec, DatasetManifest, PartitionEntry } from '@tusk/contracts';

// OpenAPI shapes of the dataset manifest: `implements` keeps them in step with the interfaces.

export class ColumnSpecResponse implements ColumnSpec {
  @ApiProperty({ enum: ['float32', 'int32', 'uint8'] }) dtype!: ColumnDtype;
  @ApiProperty({ type: [Number], description: 'shape of one row: [] for a scalar label, [28, 28] for an image' }) shape!: number[];
  @ApiProperty() scale!: number;
  @ApiPropertyOptional({ type: 'integer' }) numClasses?: number;
  @ApiPropertyOptional({ type: [String] }) names?: string[];
}

export class PartitionEntryResponse implements PartitionEntry {
  @ApiProperty({ type: 'integer' }) index!: number;
  @ApiProperty() key!: string;
  @ApiProperty({ type: 'integer' }) rows!: number;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty() sha256!: string;
}

export class DatasetManifestResponse implements DatasetManifest {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['csv', 'npy', 'idx'] }) format!: 'csv' | 'npy' | 'idx';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: 'integer' }) rows!: number;
  @ApiProperty({ type: 'integer' }) seed!: number;
  @ApiProperty({ type: ColumnSpecResponse }) features!: ColumnSpecResponse;
  @ApiProperty({ type: ColumnSpecResponse }) labels!: ColumnSpecResponse;
  @ApiProperty({ type: [PartitionEntryResponse] }) partitions!: PartitionEntryResponse[];
}
