import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DriverEnv } from '../driver-env.js';

/** Counts dataset creations in progress (upload plus partitioning), refusing more than TUSK_MAX_CONCURRENT_UPLOADS with 429. */
@Injectable()
export class UploadSlots {
  private busy = 0;

  constructor(@Inject(DriverEnv) private readonly env: DriverEnv) {}

  get inUse(): number {
    return this.busy;
  }

  /** Takes a slot, or throws 429; the returned function gives it back (once). */
  acquire(): () => void {
    const max = this.env.TUSK_MAX_CONCURRENT_UPLOADS;
    if (this.busy >= max) {
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `${max} dataset upload(s) already in progress (TUSK_MAX_CONCURRENT_UPLOADS); retry when one ends`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.busy++;
    let released = false;
    return () => {
      if (!released) this.busy--;
      released = true;
    };
  }
}
