import { gunzipSync } from 'node:zlib';
import { copyBytes } from './bytes.js';
import { DatasetFormatError } from './errors.js';
import type { RawArray, RawDtype, RawTypedArray } from './types.js';

const IDX_DTYPES: Record<number, { dtype: RawDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

/** True when the bytes start with the gzip magic 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips only gzip input, so callers can pass `.gz` and raw files alike; `maxBytes` stops gzip bombs. */
export function maybeGunzip(bytes: Uint8Array, what: string, maxBytes = 2 ** 31 - 1): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new DatasetFormatError(`${what} file expands to more than ${maxBytes} bytes when gunzipped`, { cause: err });
    throw new DatasetFormatError(`${what} file is gzip-compressed but the gzip stream is corrupt or truncated`, { cause: err });
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0').toUpperCase()}`;

/** Parses an IDX file (MNIST / Fashion-MNIST format), gzipped or raw, so the original downloads can be uploaded as-is. */
export function parseIdx(input: Uint8Array): RawArray {
  const buf = maybeGunzip(input, 'IDX');
  if (buf.length < 4) throw new DatasetFormatError(`IDX file is too short: ${buf.length} bytes, need at least 4 for the magic number`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new DatasetFormatError(`IDX magic number must start with two zero bytes, got ${hex(buf[0])} ${hex(buf[1])}`);
  }
  const type = IDX_DTYPES[buf[2]];
  if (!type) {
    throw new DatasetFormatError(`IDX dtype code ${hex(buf[2])} is not supported (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)`);
  }
  const ndims = buf[3];
  if (ndims === 0) throw new DatasetFormatError('IDX file declares 0 dimensions');
  const headerLen = 4 + 4 * ndims;
  if (buf.length < headerLen) {
    throw new DatasetFormatError(`IDX header is truncated: ${ndims} dimensions need ${headerLen} bytes, got ${buf.length}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndims; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * type.size;
  const have = buf.length - headerLen;
  if (have < need) {
    throw new DatasetFormatError(`IDX data is truncated: shape [${shape.join(', ')}] of ${type.dtype} needs ${need} bytes, got ${have}`);
  }
  if (have > need) {
    throw new DatasetFormatError(`IDX file has ${have - need} trailing bytes after shape [${shape.join(', ')}] of ${type.dtype}`);
  }
  return { dtype: type.dtype, shape, data: readBigEndian(buf, view, headerLen, type.dtype, count) };
}

function readBigEndian(buf: Uint8Array, view: DataView, off: number, dtype: RawDtype, n: number): RawTypedArray {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(buf.subarray(off, off + n));
    case 'int8':
      return new Int8Array(copyBytes(buf, off, n));
    case 'int16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(off + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(off + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(off + 4 * i, false);
      return out;
    }
    default: {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(off + 8 * i, false);
      return out;
    }
  }
}
