import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TuskLogger } from '@tusk/config';
import { Infra } from '@tusk/infra';
import { selectBackend } from '@tusk/model';
import { AppModule } from './app.module.js';
import { OutageFilter } from './outage.filter.js';
import { SafeBodyPipe } from './safe-body.pipe.js';
import type { DriverEnv } from './driver-env.js';

/** Builds the driver app (used by main.ts and by the end-to-end tests, which boot the real module). */
export async function createDriverApp(
  env: DriverEnv,
  logger = new TuskLogger({ service: 'driver', format: env.LOG_FORMAT, level: env.LOG_LEVEL }),
): Promise<INestApplication> {
  await selectBackend(env.TUSK_BACKEND);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), { logger, bodyParser: false });
  // Before listen(): the jobs resumed at bootstrap already log to their job's log.
  logger.sendJobLinesTo(app.get(Infra).jobLogs);
  // JSON bodies above 1 MiB are refused with 413; datasets go through the multipart upload.
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalFilters(new OutageFilter(app.get(HttpAdapterHost).httpAdapter));
  app.useGlobalPipes(new SafeBodyPipe(), new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const docs = new DocumentBuilder().setTitle('Tusk driver').setDescription('Datasets, jobs, models, evaluation').addBearerAuth().build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, docs));
  return app;
}
