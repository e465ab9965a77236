import { gzipSync } from 'node:zlib';

export interface Part {
  name: string;
  value: string | Uint8Array;
  /** Present: the part is a file. */
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body built by hand, so malformed variants can be made from the same code. */
export function multipart(parts: Part[], boundary = 'tuskHostileBoundary7MA4YWxk'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const type = p.filename !== undefined ? `\r\ncontent-type: ${p.contentType ?? 'application/octet-stream'}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disp}${type}\r\n\r\n`, 'utf8'));
    chunks.push(typeof p.value === 'string' ? Buffer.from(p.value, 'utf8') : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A .npy file; every piece can be overridden to make it wrong. */
export function npy({
  descr = '<f4',
  shape,
  data,
  fortran = false,
  major = 1,
  magic,
  headerLenOverride,
  headerText,
}: {
  descr?: string;
  shape: (number | string)[];
  data: Uint8Array;
  fortran?: boolean;
  major?: number;
  magic?: number[];
  headerLenOverride?: number;
  headerText?: string;
}): Uint8Array {
  let header =
    headerText ??
    `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ` +
      `(${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set(magic ?? [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  const len = headerLenOverride ?? header.length;
  if (major === 1) view.setUint16(8, len & 0xffff, true);
  else view.setUint32(8, len >>> 0, true);
  out.set(Buffer.from(header, 'latin1'), prefix);
  out.set(data, prefix + header.length);
  return out;
}

export const f32 = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);
export const i32 = (values: number[]): Uint8Array => new Uint8Array(new Int32Array(values).buffer);

/** An IDX file: magic 00 00 <dtype> <ndims>, big-endian uint32 dims, then the data. */
export function idx({
  dtype = 0x08,
  dims,
  data,
  magic01 = [0, 0],
  ndimsOverride,
}: {
  dtype?: number;
  dims: number[];
  data: Uint8Array;
  magic01?: number[];
  ndimsOverride?: number;
}): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[0] = magic01[0];
  out[1] = magic01[1];
  out[2] = dtype;
  out[3] = ndimsOverride ?? dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d >>> 0, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

export const gzip = (bytes: Uint8Array | string): Uint8Array =>
  new Uint8Array(gzipSync(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { level: 9 }));

/** Deep copy of plain JSON data. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export const DELETE = Symbol('delete');

/**
 * A copy of `base` with the value at `path` replaced (or removed with DELETE). Keys are set as own
 * properties, so `__proto__` and `constructor` end up in the JSON text as ordinary keys.
 */
export function mutate(base: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = clone(base) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (value === DELETE) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** JSON text with raw tokens spliced in (NaN, 1e400, 10k-level nesting...) where a placeholder string was. */
export function jsonWithRaw(value: unknown, raw: Record<string, string>): string {
  let text = JSON.stringify(value);
  for (const [token, rawText] of Object.entries(raw)) text = text.split(JSON.stringify(token)).join(rawText);
  return text;
}

export const nestedObjects = (depth: number, leaf = '1'): string => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
export const nestedArrays = (depth: number, leaf = '1'): string => '['.repeat(depth) + leaf + ']'.repeat(depth);
