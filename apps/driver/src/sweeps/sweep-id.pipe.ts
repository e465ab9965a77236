import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Refuses anything but a sweep id, so no path segment or subject wildcard reaches NATS. */
@Injectable()
export class SweepIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^sweep-[0-9a-f]{32}$/.test(value)) throw new BadRequestException('id must be a sweep id (sweep-<32 hex digits>)');
    return value;
  }
}
