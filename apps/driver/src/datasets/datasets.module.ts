import { Module } from '@nestjs/common';
import { DatasetsController } from './datasets.controller.js';
import { DatasetsService } from './datasets.service.js';
import { StreamingUploadInterceptor } from './streaming-upload.interceptor.js';
import { UploadSlots } from './upload-slots.js';

@Module({
  controllers: [DatasetsController],
  providers: [DatasetsService, UploadSlots, StreamingUploadInterceptor],
  exports: [DatasetsService],
})
export class DatasetsModule {}
