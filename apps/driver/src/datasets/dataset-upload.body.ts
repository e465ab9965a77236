import { ApiPropertyOptional } from '@nestjs/swagger';
import { CreateDatasetDto } from './create-dataset.dto.js';

const BINARY = { type: 'string', format: 'binary' } as const;

/** OpenAPI only: the multipart form of `POST /datasets`, the DTO's fields next to the files (JSON bodies send `source`). */
export class DatasetUploadBody extends CreateDatasetDto {
  @ApiPropertyOptional({ ...BINARY, description: 'CSV, NPY features or IDX images (gzip accepted)' }) file?: never;
  @ApiPropertyOptional({ ...BINARY, description: 'NPY features' }) features?: never;
  @ApiPropertyOptional({ ...BINARY, description: 'IDX images' }) images?: never;
  @ApiPropertyOptional({ ...BINARY, description: 'NPY or IDX labels, with features or images' }) labels?: never;
}
