import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { DriverEnv } from '../driver-env.js';
import { DatasetsController } from './datasets.controller.js';
import { DatasetsService } from './datasets.service.js';

@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [DriverEnv],
      // Beyond TUSK_MAX_UPLOAD_BYTES a file is refused with 413 while it is still arriving.
      useFactory: (env: DriverEnv) => ({ limits: { fileSize: env.TUSK_MAX_UPLOAD_BYTES, files: 4, fields: 20 } }),
    }),
  ],
  controllers: [DatasetsController],
  providers: [DatasetsService],
  exports: [DatasetsService],
})
export class DatasetsModule {}
