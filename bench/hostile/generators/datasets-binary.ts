import { f32, gzip, i32, idx, npy, type Part } from '../bodies.js';
import type { HostileRequest } from '../http.js';
import type { Generator } from './common.js';
import { upload } from './datasets.js';

// ---------------------------------------------------------------- POST /datasets (NPY and IDX uploads)

const npyMeta: Part[] = [{ name: 'format', value: 'npy' }];
const npyUpload = (g: string, label: string, features: Uint8Array | null, labels: Uint8Array | null, extra: Part[] = []) =>
  upload(g, label, [
    ...npyMeta,
    ...extra,
    ...(features ? [{ name: 'features', value: features, filename: 'x.npy' }] : []),
    ...(labels ? [{ name: 'labels', value: labels, filename: 'y.npy' }] : []),
  ]);

export const uploadsNpyIdx: Generator = {
  name: 'datasets.npy-idx-uploads',
  make: () => {
    const g = 'datasets.npy-idx-uploads';
    const X = npy({ shape: [3, 4], data: f32(Array.from({ length: 12 }, (_, i) => i / 10)) });
    const Y = npy({ descr: '<i4', shape: [3], data: i32([0, 1, 2]) });
    const f = (o: Partial<Parameters<typeof npy>[0]>) => npy({ shape: [3, 4], data: f32(Array.from({ length: 12 }, () => 1)), ...o });
    const out: HostileRequest[] = [];
    const cases: [string, Uint8Array | null, Uint8Array | null, Part[]?][] = [
      ['wrong magic', f({ magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a] }), Y],
      ['magic only (8 bytes)', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), Y],
      ['version 4.0', f({ major: 4 }), Y],
      ['version 0.0', f({ major: 0 }), Y],
      ['header length 65535 (truncated header)', f({ headerLenOverride: 65535 }), Y],
      ['v2 header length 2**32-1', f({ major: 2, headerLenOverride: 2 ** 32 - 1 }), Y],
      ['header length 0', f({ headerLenOverride: 0 }), Y],
      ['header without descr', f({ headerText: "{'fortran_order': False, 'shape': (3, 4), }" }), Y],
      ['header without shape', f({ headerText: "{'descr': '<f4', 'fortran_order': False, }" }), Y],
      ['header without fortran_order', f({ headerText: "{'descr': '<f4', 'shape': (3, 4), }" }), Y],
      ['header is python code', f({ headerText: "__import__('os').system('id')" }), Y],
      ['fortran order', f({ fortran: true }), Y],
      ['dtype <c16', f({ descr: '<c16' }), Y],
      ['dtype object |O', f({ descr: '|O' }), Y],
      ['dtype >f4 big-endian', f({ descr: '>f4' }), Y],
      ['dtype <U10 strings', f({ descr: '<U10' }), Y],
      ['structured dtype', f({ headerText: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }" }), Y],
      ['shape with a negative entry', f({ shape: [3, -4] }), Y],
      ['shape with text', f({ shape: [3, "'a'"] }), Y],
      ['shape 1e12 rows', f({ shape: [1_000_000_000_000, 4] }), Y],
      ['shape 2**64 elements', f({ shape: [4294967296, 4294967296] }), Y],
      ['shape 99999999999999999999999', f({ shape: ['99999999999999999999999', 4] }), Y],
      ['shape () scalar', f({ shape: [], data: f32([1]) }), Y],
      ['shape (0, 4) empty', f({ shape: [0, 4], data: new Uint8Array(0) }), Y],
      ['shape (3, 0) empty rows', f({ shape: [3, 0], data: new Uint8Array(0) }), Y],
      ['data truncated', f({ data: f32([1, 2, 3]) }), Y],
      ['trailing bytes', f({ data: f32(Array.from({ length: 13 }, () => 1)) }), Y],
      ['features NaN', f({ data: f32([NaN, ...Array.from({ length: 11 }, () => 1)]) }), Y],
      ['features Infinity', f({ data: f32([Infinity, ...Array.from({ length: 11 }, () => 1)]) }), Y],
      [
        'features f8 out of float32 range',
        npy({ descr: '<f8', shape: [3, 4], data: new Uint8Array(new Float64Array(Array.from({ length: 12 }, () => 1e300)).buffer) }),
        Y,
      ],
      [
        'labels int64 beyond int32',
        X,
        npy({ descr: '<i8', shape: [3], data: new Uint8Array(new BigInt64Array([0n, 1n, 2n ** 40n]).buffer) }),
      ],
      ['rows mismatch (3 vs 2)', X, npy({ descr: '<i4', shape: [2], data: i32([0, 1]) })],
      ['labels missing', X, null],
      ['features missing', null, Y],
      ['features gzip corrupt', new Uint8Array([0x1f, 0x8b, 0, 0, 0]), Y],
      ['scale 0', X, Y, [{ name: 'scale', value: '0' }]],
      ['scale -1', X, Y, [{ name: 'scale', value: '-1' }]],
      ['scale abc', X, Y, [{ name: 'scale', value: 'abc' }]],
      ['scale 1e309 (Infinity)', X, Y, [{ name: 'scale', value: '1e309' }]],
    ];
    for (const [label, a, b, extra] of cases) out.push(npyUpload(g, `npy ${label}`, a, b, extra));

    const img = (o: Partial<Parameters<typeof idx>[0]> = {}) => idx({ dims: [3, 2, 2], data: new Uint8Array(12).fill(7), ...o });
    const lab = (o: Partial<Parameters<typeof idx>[0]> = {}) => idx({ dims: [3], data: new Uint8Array([0, 1, 2]), ...o });
    const idxCases: [string, Uint8Array | null, Uint8Array | null][] = [
      ['wrong magic (01 02)', img({ magic01: [1, 2] }), lab()],
      ['dtype 0x07', img({ dtype: 0x07 }), lab()],
      ['0 dimensions', img({ ndimsOverride: 0 }), lab()],
      ['header truncated (ndims 200)', img({ ndimsOverride: 200 }), lab()],
      ['3 bytes', new Uint8Array([0, 0, 8]), lab()],
      ['count mismatch (too few bytes)', img({ data: new Uint8Array(5) }), lab()],
      ['count mismatch (trailing bytes)', img({ data: new Uint8Array(20) }), lab()],
      ['dims 0xFFFFFFFF x 0xFFFFFFFF', img({ dims: [0xffffffff, 0xffffffff] }), lab()],
      ['dims 0 rows', img({ dims: [0, 2, 2], data: new Uint8Array(0) }), lab()],
      ['rows mismatch', img(), lab({ dims: [2], data: new Uint8Array([0, 1]) })],
      ['labels 2-D', img(), lab({ dims: [3, 1] })],
      ['labels float32', img(), lab({ dtype: 0x0d, data: new Uint8Array(12) })],
      ['labels negative int8', img(), lab({ dtype: 0x09, data: new Uint8Array([0, 255, 1]) })],
      ['images NaN float32', img({ dtype: 0x0d, dims: [3, 1], data: new Uint8Array([0x7f, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }), lab()],
      ['images gzip corrupt', new Uint8Array([0x1f, 0x8b, 8, 0, 9, 9, 9]), lab()],
      ['labels missing', img(), null],
      ['images missing', null, lab()],
      ['gzip bomb images (60 MB zeros)', gzip(Buffer.alloc(60 * 1024 * 1024)), lab()],
    ];
    for (const [label, a, b] of idxCases) {
      out.push(
        upload(g, `idx ${label}`, [
          { name: 'format', value: 'idx' },
          ...(a ? [{ name: 'images', value: a, filename: 'i.idx' }] : []),
          ...(b ? [{ name: 'labels', value: b, filename: 'l.idx' }] : []),
        ]),
      );
    }
    return out;
  },
};
