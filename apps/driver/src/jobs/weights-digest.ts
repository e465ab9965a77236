import { createHash } from 'node:crypto';

/** sha256 of a weights version (little-endian float32), recorded per round so two runs can be compared round by round. */
export const weightsDigest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
