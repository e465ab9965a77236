import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

/** A message on a subject did not match its contract; the receiver logs and terminates it. */
export class InvalidMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}

/** Checks a received payload against its contract class, so a malformed message never reaches service logic. */
export function parseMessage<T extends object>(cls: ClassConstructor<T>, data: Uint8Array | string | object): T {
  let plain: unknown = data;
  if (data instanceof Uint8Array || typeof data === 'string') {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    try {
      plain = JSON.parse(text);
    } catch {
      throw new InvalidMessageError(`${cls.name}: payload is not JSON`);
    }
  }
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new InvalidMessageError(`${cls.name}: payload must be a JSON object`);
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? { nested: 'invalid' }).join(', ')}`);
    throw new InvalidMessageError(`${cls.name}: ${detail.join('; ')}`);
  }
  return instance;
}

/** JSON bytes for a message, the encoding every Tusk subject uses except weight blobs. */
export function encodeMessage(message: object): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message));
}
