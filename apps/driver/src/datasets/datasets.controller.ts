import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseInterceptors } from '@nestjs/common';
import type { DatasetManifest } from '@tusk/contracts';
import { CreateDatasetDto } from './create-dataset.dto.js';
import { DatasetsService } from './datasets.service.js';
import { Staged, StreamingUploadInterceptor, type StagedUploads } from './streaming-upload.interceptor.js';

@Controller('datasets')
export class DatasetsController {
  constructor(@Inject(DatasetsService) private readonly datasets: DatasetsService) {}

  /** Multipart upload (fields `file` | `features`+`labels` | `images`+`labels`) or JSON with `source` keys. */
  @Post()
  @UseInterceptors(StreamingUploadInterceptor)
  create(@Body() dto: CreateDatasetDto, @Staged() staged: StagedUploads): Promise<DatasetManifest> {
    return this.datasets.create(dto, staged);
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
