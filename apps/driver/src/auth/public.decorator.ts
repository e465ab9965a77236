import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tusk:public';
/** Marks a route that needs no API token (health checks, Prometheus metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
