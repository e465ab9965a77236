import { Controller } from '@nestjs/common';
import { HealthController } from '@tusk/infra';
import { Public } from '../auth/public.decorator.js';

/** The shared `/health` (NATS, S3, tfjs backend via terminus), without a token: orchestrators poll it unauthenticated. */
@Public()
@Controller('health')
export class PublicHealthController extends HealthController {}
