import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { S3_OBJECT_KEY } from '../s3-object-key.js';

const csvList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
const S3_KEY = S3_OBJECT_KEY;

/** Objects already in the bucket to ingest instead of uploaded files (same roles as the upload's file fields). */
export class DatasetSourceDto {
  @ApiPropertyOptional({ pattern: S3_KEY.source, description: 'CSV, NPY or IDX object key' })
  @IsOptional()
  @Matches(S3_KEY)
  file?: string;
  @ApiPropertyOptional({ pattern: S3_KEY.source })
  @IsOptional()
  @Matches(S3_KEY)
  features?: string;
  @ApiPropertyOptional({ pattern: S3_KEY.source })
  @IsOptional()
  @Matches(S3_KEY)
  images?: string;
  @ApiPropertyOptional({ pattern: S3_KEY.source })
  @IsOptional()
  @Matches(S3_KEY)
  labels?: string;
}

/** `POST /datasets`: multipart fields next to the files, or a JSON body with `source` keys in S3. */
export class CreateDatasetDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
  @ApiProperty({ enum: ['csv', 'npy', 'idx'] })
  @IsIn(['csv', 'npy', 'idx'])
  format: 'csv' | 'npy' | 'idx';
  /** CSV only: the label column(s), as an array or a comma-separated string. */
  @ApiPropertyOptional({ type: [String], description: 'CSV: the label column(s); multipart: comma-separated' })
  @IsOptional()
  @Transform(csvList)
  @IsString({ each: true })
  labelColumns?: string[];
  @ApiPropertyOptional({ type: [String], description: 'CSV: the feature columns (default: all but the labels)' })
  @IsOptional()
  @Transform(csvList)
  @IsString({ each: true })
  featureColumns?: string[];
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1024 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1024)
  partitions?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;
  /** npy only: multiplier applied to the features when training (e.g. 1/255). */
  @ApiPropertyOptional({ exclusiveMinimum: true, minimum: 0, description: 'npy: multiplier applied to the features (e.g. 1/255)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @IsPositive()
  scale?: number;
  @ApiPropertyOptional({ type: () => DatasetSourceDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DatasetSourceDto)
  source?: DatasetSourceDto;
}
