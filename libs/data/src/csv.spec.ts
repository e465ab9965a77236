import { describe, expect, it } from '@jest/globals';
import { parseCsv } from './csv.js';

const text = 'x1,"x 2",y,"note"\r\n1,2.5,0,3\r\n"-4",5e-1,2,"6"\r\n7,.25,1,8\r\n';

describe('parseCsv', () => {
  it('reads features and integer class labels', () => {
    const out = parseCsv({ text, labelColumns: ['y'] });
    expect(out.rows).toBe(3);
    expect(out.features).toEqual({
      dtype: 'float32',
      shape: [3, 3],
      names: ['x1', 'x 2', 'note'],
      data: Float32Array.from([1, 2.5, 3, -4, 0.5, 6, 7, 0.25, 8]),
    });
    expect(out.labels).toEqual({ dtype: 'int32', shape: [3], names: ['y'], data: Int32Array.from([0, 2, 1]), numClasses: 3 });
  });

  it('honours featureColumns and their order', () => {
    const out = parseCsv({ text, labelColumns: ['y'], featureColumns: ['note', 'x1'] });
    expect(out.features.shape).toEqual([3, 2]);
    expect(out.features.data).toEqual(Float32Array.from([3, 1, 6, -4, 8, 7]));
  });

  it('keeps float labels for several label columns or non-integer values', () => {
    const multi = parseCsv({ text, labelColumns: ['y', 'note'] });
    expect(multi.labels).toEqual({ dtype: 'float32', shape: [3, 2], names: ['y', 'note'], data: Float32Array.from([0, 3, 2, 6, 1, 8]) });
    expect(multi.features.names).toEqual(['x1', 'x 2']);
    const reg = parseCsv({ text, labelColumns: ['x 2'] });
    expect(reg.labels).toEqual({ dtype: 'float32', shape: [3, 1], names: ['x 2'], data: Float32Array.from([2.5, 0.5, 0.25]) });
    const negative = parseCsv({ text, labelColumns: ['x1'] });
    expect(negative.labels.dtype).toBe('float32');
  });

  it('names the row, line and column of a non-numeric value', () => {
    expect(() => parseCsv({ text: 'a,b\n1,2\n3,abc\n', labelColumns: ['b'] })).toThrow(
      'CSV row 2 (line 3), column "b": "abc" is not a number',
    );
    expect(() => parseCsv({ text: 'a,b\n1,\n', labelColumns: ['b'] })).toThrow('CSV row 1 (line 2), column "b": "" is not a number');
    expect(() => parseCsv({ text: 'a,b\n0x10,1\n', labelColumns: ['b'] })).toThrow(
      'CSV row 1 (line 2), column "a": "0x10" is not a number',
    );
    expect(() => parseCsv({ text: 'a,b\n1e39,1\n', labelColumns: ['b'] })).toThrow(
      'CSV row 1 (line 2), column "a": "1e39" is out of float32 range',
    );
  });

  it('rejects bad column choices and bad shapes', () => {
    expect(() => parseCsv({ text, labelColumns: ['label'] })).toThrow(
      'CSV label column "label" not found in header (columns: x1, x 2, y, note)',
    );
    expect(() => parseCsv({ text, labelColumns: ['y'], featureColumns: ['x3'] })).toThrow(
      'CSV feature column "x3" not found in header (columns: x1, x 2, y, note)',
    );
    expect(() => parseCsv({ text, labelColumns: [] })).toThrow('CSV needs at least one label column');
    expect(() => parseCsv({ text, labelColumns: ['y'], featureColumns: ['y'] })).toThrow(
      'CSV column "y" cannot be both a feature and a label',
    );
    expect(() => parseCsv({ text: 'a,b\n1,2\n', labelColumns: ['a', 'b'] })).toThrow(
      'CSV has no feature columns besides the label columns',
    );
    expect(() => parseCsv({ text: 'a,a\n1,2\n', labelColumns: ['a'] })).toThrow('CSV header has duplicate column "a"');
    expect(() => parseCsv({ text: '', labelColumns: ['a'] })).toThrow('CSV is empty: expected a header row');
    expect(() => parseCsv({ text: 'a,b\r\n', labelColumns: ['b'] })).toThrow('CSV has a header but no data rows');
    expect(() => parseCsv({ text: 'a,b\n1,2\n3\n', labelColumns: ['b'] })).toThrow('CSV row 2 (line 3) has 1 fields, expected 2');
  });

  it('throws errors named for the HTTP layer', () => {
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as Error).name;
      }
      return 'none';
    };
    expect(caught(() => parseCsv({ text: 'a,b\n1,x\n', labelColumns: ['b'] }))).toBe('DatasetFormatError');
    expect(caught(() => parseCsv({ text, labelColumns: ['nope'] }))).toBe('DatasetArgumentError');
  });
});
