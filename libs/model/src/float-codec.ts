/** Float32 values as little-endian bytes without copying (every supported platform is little-endian). */
export function float32ToBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Bytes back to Float32 values; copies only when the bytes are not 4-byte aligned. */
export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error(`a float32 buffer cannot be ${bytes.byteLength} bytes long`);
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  // new Uint8Array(x) copies into a fresh buffer; Buffer#slice would return a view of a shared pool.
  return new Float32Array(new Uint8Array(bytes).buffer);
}
