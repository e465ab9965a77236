import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import type { DatasetManifest } from '@tusk/contracts';
import { CreateDatasetDto } from './create-dataset.dto.js';
import { DatasetsService } from './datasets.service.js';
import { DatasetUploadBody } from './dataset-upload.body.js';
import { DatasetManifestResponse } from './responses/dataset-manifest.response.js';
import { Staged, StreamingUploadInterceptor, type StagedUploads } from './streaming-upload.interceptor.js';

@Controller('datasets')
export class DatasetsController {
  constructor(@Inject(DatasetsService) private readonly datasets: DatasetsService) {}

  /** Multipart upload (fields `file` | `features`+`labels` | `images`+`labels`) or JSON with `source` keys. */
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: DatasetUploadBody })
  @ApiCreatedResponse({ type: DatasetManifestResponse })
  @Post()
  @UseInterceptors(StreamingUploadInterceptor)
  create(@Body() dto: CreateDatasetDto, @Staged() staged: StagedUploads): Promise<DatasetManifest> {
    return this.datasets.create(dto, staged);
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
