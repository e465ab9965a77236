import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { healthProviders } from '@tusk/infra';
import { PublicHealthController } from './health.controller.js';

/** `GET /health` of the driver (Infra comes from the global InfraModule). */
@Module({ imports: [TerminusModule], controllers: [PublicHealthController], providers: healthProviders({ service: 'driver', tfjs: true }) })
export class HealthModule {}
