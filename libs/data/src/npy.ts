import { assertLittleEndianHost, copyBytes } from './bytes.js';
import { DatasetFormatError } from './errors.js';
import type { RawArray, RawDtype, RawTypedArray } from './types.js';

const NPY_TYPES: Record<string, { dtype: RawDtype; size: number }> = {
  f4: { dtype: 'float32', size: 4 },
  f8: { dtype: 'float64', size: 8 },
  i4: { dtype: 'int32', size: 4 },
  i8: { dtype: 'int64', size: 8 },
  i2: { dtype: 'int16', size: 2 },
  u1: { dtype: 'uint8', size: 1 },
  i1: { dtype: 'int8', size: 1 },
  b1: { dtype: 'bool', size: 1 },
};
const SUPPORTED = '<f4, <f8, <i4, <i8, <i2, |u1, |i1, |b1';
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses a NumPy `.npy` file (format v1/v2/v3, C order) so arrays saved with np.save can be uploaded directly. */
export function parseNpy(bytes: Uint8Array): RawArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DatasetFormatError('NPY magic string \\x93NUMPY not found: not a .npy file');
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) {
    throw new DatasetFormatError(`NPY format version ${major}.${minor} is not supported (expected 1.0, 2.0 or 3.0)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) throw new DatasetFormatError(`NPY header is truncated: file is ${bytes.length} bytes`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = prefix + headerLen;
  if (bytes.length < dataStart) {
    throw new DatasetFormatError(`NPY header is truncated: header declares ${headerLen} bytes, file has ${bytes.length - prefix}`);
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(prefix, dataStart));
  const header = parseHeader(text);
  const type = resolveDescr(header.descr);
  if (header.fortranOrder) {
    throw new DatasetFormatError('NPY array is in Fortran order; save it in C order (np.ascontiguousarray) first');
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const need = count * type.size;
  const have = bytes.length - dataStart;
  const desc = `shape [${header.shape.join(', ')}] of '${header.descr}'`;
  if (have < need) throw new DatasetFormatError(`NPY data is truncated: ${desc} needs ${need} bytes, got ${have}`);
  if (have > need) throw new DatasetFormatError(`NPY file has ${have - need} trailing bytes after ${desc}`);
  return { dtype: type.dtype, shape: header.shape, data: makeArray(type.dtype, copyBytes(bytes, dataStart, need)) };
}

function parseHeader(text: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  if (!descr) throw new DatasetFormatError(`NPY header has no simple 'descr' (structured dtypes are not supported): ${text.trim()}`);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  if (!fortran) throw new DatasetFormatError(`NPY header has no 'fortran_order': ${text.trim()}`);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) throw new DatasetFormatError(`NPY header has no 'shape': ${text.trim()}`);
  const parts = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const shape = parts.map((p) => {
    if (!/^\d+L?$/.test(p)) throw new DatasetFormatError(`NPY shape entry '${p}' is not a non-negative integer`);
    return Number.parseInt(p, 10);
  });
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape };
}

function resolveDescr(descr: string): { dtype: RawDtype; size: number } {
  const order = descr[0];
  const type = NPY_TYPES[descr.slice(1)];
  if (!type || !'<>|='.includes(order) || descr.length !== 3) {
    throw new DatasetFormatError(`NPY dtype '${descr}' is not supported (supported: ${SUPPORTED})`);
  }
  if (type.size > 1 && order !== '<') {
    throw new DatasetFormatError(`NPY dtype '${descr}' is not little-endian; save with a '<' dtype (supported: ${SUPPORTED})`);
  }
  return type;
}

function makeArray(dtype: RawDtype, buf: ArrayBuffer): RawTypedArray {
  assertLittleEndianHost();
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'int16':
      return new Int16Array(buf);
    case 'int8':
      return new Int8Array(buf);
    default:
      return new Uint8Array(buf); // uint8 and bool
  }
}
