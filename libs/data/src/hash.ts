import { createHash } from 'node:crypto';

/** Hex SHA-256 of bytes, recorded per partition so workers can detect corrupt or stale downloads. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
