import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { DriverEnv } from '../driver-env.js';
import { IS_PUBLIC } from './public.decorator.js';

/** Requires `Authorization: Bearer <TUSK_API_TOKEN>` when a token is configured. */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    @Inject(DriverEnv) private readonly env: DriverEnv,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.env.TUSK_API_TOKEN;
    if (!expected) return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const header = String(context.switchToHttp().getRequest().headers.authorization ?? '');
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const want = Buffer.from(expected);
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw new UnauthorizedException('a valid bearer token is required');
    return true;
  }
}
