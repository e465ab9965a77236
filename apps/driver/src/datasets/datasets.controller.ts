import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import type { DatasetManifest } from '@tusk/contracts';
import { CreateDatasetDto } from './create-dataset.dto.js';
import { DatasetsService, type DatasetFiles } from './datasets.service.js';

type MulterFiles = Partial<Record<keyof DatasetFiles, { buffer: Buffer }[]>>;
const FILE_FIELDS = ['file', 'features', 'images', 'labels'].map((name) => ({ name, maxCount: 1 }));

@Controller('datasets')
export class DatasetsController {
  constructor(@Inject(DatasetsService) private readonly datasets: DatasetsService) {}

  /** Multipart upload (fields `file` | `features`+`labels` | `images`+`labels`) or JSON with `source` keys. */
  @Post()
  @UseInterceptors(FileFieldsInterceptor(FILE_FIELDS))
  create(@Body() dto: CreateDatasetDto, @UploadedFiles() files: MulterFiles = {}): Promise<DatasetManifest> {
    const bytes: DatasetFiles = {};
    for (const [role, list] of Object.entries(files) as [keyof DatasetFiles, { buffer: Buffer }[]][]) {
      if (list?.[0]) bytes[role] = new Uint8Array(list[0].buffer.buffer, list[0].buffer.byteOffset, list[0].buffer.byteLength);
    }
    return this.datasets.create(dto, bytes);
  }

  @Get()
  list(): Promise<DatasetManifest[]> {
    return this.datasets.list();
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<DatasetManifest> {
    return this.datasets.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.datasets.remove(id);
  }
}
