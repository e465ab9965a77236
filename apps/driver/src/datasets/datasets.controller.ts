import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import type { DatasetManifest } from '@tusk/contracts';
import { CreateDatasetDto } from './create-dataset.dto.js';
import { DatasetsService, type DatasetFiles } from './datasets.service.js';
import { DatasetUploadBody } from './dataset-upload.body.js';
import { DatasetManifestResponse } from './responses/dataset-manifest.response.js';

type MulterFiles = Partial<Record<keyof DatasetFiles, { buffer: Buffer }[]>>;
const FILE_FIELDS = ['file', 'features', 'images', 'labels'].map((name) => ({ name, maxCount: 1 }));

@Controller('datasets')
export class DatasetsController {
  constructor(@Inject(DatasetsService) private readonly datasets: DatasetsService) {}

  /** Multipart upload (fields `file` | `features`+`labels` | `images`+`labels`) or JSON with `source` keys. */
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: DatasetUploadBody })
  @ApiCreatedResponse({ type: DatasetManifestResponse })
  @Post()
  @UseInterceptors(FileFieldsInterceptor(FILE_FIELDS))
  create(@Body() dto: CreateDatasetDto, @UploadedFiles() files: MulterFiles = {}): Promise<DatasetManifest> {
    const bytes: DatasetFiles = {};
    for (const [role, list] of Object.entries(files) as [keyof DatasetFiles, { buffer: Buffer }[]][]) {
      if (list?.[0]) bytes[role] = new Uint8Array(list[0].buffer.buffer, list[0].buffer.byteOffset, list[0].buffer.byteLength);
    }
    return this.datasets.create(dto, bytes);
  }

  @ApiOkResponse({ type: [DatasetManifestResponse] })
  @Get()
  list(): Promise<DatasetManifest[]> {
    return this.datasets.list();
  }

  @ApiOkResponse({ type: DatasetManifestResponse })
  @Get(':id')
  get(@Param('id') id: string): Promise<DatasetManifest> {
    return this.datasets.get(id);
  }

  @ApiNoContentResponse({ description: 'the dataset and its partitions are gone' })
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.datasets.remove(id);
  }
}
