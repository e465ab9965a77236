import { describe, expect, it } from '@jest/globals';
import { parseCsv } from './csv.js';
import { tableFromCsv, tableFromIdx, tableFromNpy } from './dataset-table.js';

describe('tableFromIdx', () => {
  const images = { dtype: 'uint8' as const, shape: [3, 2, 2], data: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]) };
  const labels = { dtype: 'uint8' as const, shape: [3], data: Uint8Array.from([4, 0, 9]) };

  it('keeps uint8 pixels with scale 1/255 and makes int32 class labels', () => {
    expect(tableFromIdx({ images, labels })).toEqual({
      rows: 3,
      features: { dtype: 'uint8', shape: [2, 2], scale: 1 / 255, data: images.data },
      labels: { dtype: 'int32', shape: [], scale: 1, data: Int32Array.from([4, 0, 9]), numClasses: 10 },
    });
  });

  it('rejects mismatched rows, float or negative labels and empty files', () => {
    expect(() => tableFromIdx({ images, labels: { ...labels, shape: [2], data: labels.data.subarray(0, 2) } })).toThrow(
      'features have 3 rows but labels have 2',
    );
    expect(() => tableFromIdx({ images, labels: { dtype: 'float32', shape: [3], data: Float32Array.from([1, 2, 3]) } })).toThrow(
      'IDX labels must be integers, got float32',
    );
    expect(() => tableFromIdx({ images, labels: { dtype: 'int8', shape: [3], data: Int8Array.from([1, -1, 0]) } })).toThrow(
      'IDX labels must be non-negative class indices',
    );
    expect(() => tableFromIdx({ images, labels: { ...labels, shape: [3, 1] } })).toThrow(
      'IDX labels must be one-dimensional, got shape [3, 1]',
    );
    expect(() => tableFromIdx({ images: { ...images, shape: [0, 2, 2], data: new Uint8Array(0) }, labels })).toThrow(
      'IDX images have 0 rows: the dataset is empty',
    );
  });
});

describe('tableFromNpy', () => {
  it('narrows float64 features to float32 and int64 labels to int32 class labels', () => {
    const table = tableFromNpy({
      features: { dtype: 'float64', shape: [2, 3], data: Float64Array.from([0.5, 1, 2, 3, 4, 5]) },
      labels: { dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, 3n]) },
    });
    expect(table).toEqual({
      rows: 2,
      features: { dtype: 'float32', shape: [3], scale: 1, data: Float32Array.from([0.5, 1, 2, 3, 4, 5]) },
      labels: { dtype: 'int32', shape: [], scale: 1, data: Int32Array.from([1, 3]), numClasses: 4 },
    });
  });

  it('keeps uint8 features (default scale 1/255, overridable) and bool/int16 as int32', () => {
    const features = { dtype: 'uint8' as const, shape: [2, 1], data: Uint8Array.from([10, 20]) };
    const bools = { dtype: 'bool' as const, shape: [2], data: Uint8Array.from([1, 0]) };
    expect(tableFromNpy({ features, labels: bools }).features.scale).toBe(1 / 255);
    expect(tableFromNpy({ features, labels: bools, scale: 0.5 }).features).toEqual({
      dtype: 'uint8',
      shape: [1],
      scale: 0.5,
      data: Uint8Array.from([10, 20]),
    });
    expect(tableFromNpy({ features, labels: bools }).labels).toEqual({
      dtype: 'int32',
      shape: [],
      scale: 1,
      data: Int32Array.from([1, 0]),
      numClasses: 2,
    });
    const ints = tableFromNpy({ features: { dtype: 'int16', shape: [2], data: Int16Array.from([-7, 300]) }, labels: bools });
    expect(ints.features).toEqual({ dtype: 'int32', shape: [], scale: 1, data: Int32Array.from([-7, 300]) });
  });

  it('keeps float labels and multi-column or negative integer labels without numClasses', () => {
    const features = { dtype: 'float32' as const, shape: [2, 1], data: Float32Array.from([1, 2]) };
    const float = tableFromNpy({ features, labels: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) } });
    expect(float.labels).toEqual({ dtype: 'float32', shape: [2], scale: 1, data: Float32Array.from([1, 2, 3, 4]) });
    const neg = tableFromNpy({ features, labels: { dtype: 'int32', shape: [2], data: Int32Array.from([-1, 1]) } });
    expect(neg.labels).toEqual({ dtype: 'int32', shape: [], scale: 1, data: Int32Array.from([-1, 1]) });
  });

  it('rejects bad values, bad scale and mismatched rows', () => {
    const labels = { dtype: 'int32' as const, shape: [2], data: Int32Array.from([0, 1]) };
    expect(() => tableFromNpy({ features: { dtype: 'float64', shape: [2], data: Float64Array.from([1, NaN]) }, labels })).toThrow(
      'NPY features value at element 1 is NaN',
    );
    expect(() => tableFromNpy({ features: { dtype: 'float64', shape: [2], data: Float64Array.from([1e300, 1]) }, labels })).toThrow(
      'NPY features value at element 0 is out of float32 range',
    );
    const big = { dtype: 'int64' as const, shape: [2], data: BigInt64Array.from([0n, 2n ** 40n]) };
    expect(() => tableFromNpy({ features: { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) }, labels: big })).toThrow(
      'NPY labels int64 value 1099511627776 at element 1 does not fit in int32',
    );
    const features = { dtype: 'float32' as const, shape: [3, 1], data: Float32Array.from([1, 2, 3]) };
    expect(() => tableFromNpy({ features, labels })).toThrow('features have 3 rows but labels have 2');
    expect(() => tableFromNpy({ features: { ...features, shape: [2, 0] }, labels })).toThrow('NPY features have an empty row shape [0]');
    expect(() => tableFromNpy({ features: { ...features, shape: [2, 1] }, labels, scale: 0 })).toThrow(
      'scale must be a finite non-zero number, got 0',
    );
    expect(() => tableFromNpy({ features: { ...features, shape: [] }, labels })).toThrow(
      'NPY features must have a row dimension, got a scalar',
    );
  });
});

describe('tableFromCsv', () => {
  it('keeps column names and class labels', () => {
    const table = tableFromCsv(parseCsv({ text: 'a,b,label\n1,2,1\n3,4,0\n', labelColumns: ['label'] }));
    expect(table).toEqual({
      rows: 2,
      features: { dtype: 'float32', shape: [2], scale: 1, data: Float32Array.from([1, 2, 3, 4]), names: ['a', 'b'] },
      labels: { dtype: 'int32', shape: [], scale: 1, data: Int32Array.from([1, 0]), numClasses: 2, names: ['label'] },
    });
  });

  it('gives float labels a per-row shape of [nLabels]', () => {
    const table = tableFromCsv(parseCsv({ text: 'a,y1,y2\n1,0.5,2\n', labelColumns: ['y1', 'y2'] }));
    expect(table.labels).toEqual({ dtype: 'float32', shape: [2], scale: 1, data: Float32Array.from([0.5, 2]), names: ['y1', 'y2'] });
  });
});
