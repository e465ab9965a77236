import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Refuses anything but a job id, so no path segment or subject wildcard reaches S3 or NATS. */
@Injectable()
export class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^job-[0-9a-f]{32}$/.test(value)) throw new BadRequestException('id must be a job id (job-<32 hex digits>)');
    return value;
  }
}
