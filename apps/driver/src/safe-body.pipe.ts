import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

export const MAX_BODY_DEPTH = 64;
/** `__proto__`, `constructor`, `toString`...: names that class-transformer would resolve on Object.prototype. */
const FORBIDDEN_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Refuses bodies nested deeper than MAX_BODY_DEPTH and keys that reach Object.prototype, before
 * class-transformer walks them (it recurses without a limit and would assign `__proto__`).
 * The walk uses an explicit stack, so a 200k-deep body cannot overflow it either.
 */
@Injectable()
export class SafeBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || value === null || typeof value !== 'object') return value;
    const stack: { node: unknown; path: string; depth: number }[] = [{ node: value, path: 'body', depth: 1 }];
    while (stack.length > 0) {
      const { node, path, depth } = stack.pop()!;
      if (node === null || typeof node !== 'object') continue;
      if (depth > MAX_BODY_DEPTH) throw new BadRequestException(`${path}: nested deeper than ${MAX_BODY_DEPTH} levels`);
      for (const key of Object.keys(node)) {
        if (FORBIDDEN_KEYS.has(key)) throw new BadRequestException(`${path}: the key "${key}" is not allowed`);
        stack.push({
          node: (node as Record<string, unknown>)[key],
          path: Array.isArray(node) ? `${path}[${key}]` : `${path}.${key}`,
          depth: depth + 1,
        });
      }
    }
    return value;
  }
}
