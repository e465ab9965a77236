import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { logLevels } from '@tusk/config';
import { selectBackend } from '@tusk/model';
import { AppModule } from './app.module.js';
import { OutageFilter } from './outage.filter.js';
import { SafeBodyPipe } from './safe-body.pipe.js';
import type { DriverEnv } from './driver-env.js';

/** Builds the driver app (used by main.ts and by the end-to-end tests, which boot the real module). */
export async function createDriverApp(env: DriverEnv): Promise<INestApplication> {
  await selectBackend(env.TUSK_BACKEND);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    logger: logLevels(env.LOG_LEVEL),
    bodyParser: false,
  });
  // JSON bodies above 1 MiB are refused with 413; datasets go through the multipart upload.
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalFilters(new OutageFilter(app.get(HttpAdapterHost).httpAdapter));
  app.useGlobalPipes(new SafeBodyPipe(), new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const docs = new DocumentBuilder().setTitle('Tusk driver').setDescription('Datasets, jobs, models, evaluation').addBearerAuth().build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, docs));
  return app;
}
