import { Catch, HttpStatus, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { isTransientError } from '@tusk/infra';

/** NATS or S3 unreachable is the service's problem, not the caller's: 503 with the reason, not a bare 500. */
@Catch()
export class OutageFilter extends BaseExceptionFilter {
  private readonly outageLogger = new Logger(OutageFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (isTransientError(exception)) {
      this.outageLogger.warn(`503: ${(exception as Error).message}`);
      res
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .json({ statusCode: 503, error: 'Service Unavailable', message: (exception as Error).message });
      return;
    }
    super.catch(exception, host);
  }
}
