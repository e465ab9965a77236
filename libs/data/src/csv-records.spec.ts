import { describe, expect, it } from '@jest/globals';
import { parseCsvRecords } from './csv-records.js';

describe('parseCsvRecords', () => {
  it('handles quoted fields, escaped quotes, CRLF and embedded newlines', () => {
    const text = 'a,"b ""q""",c\r\n"1,5","line\r\nbreak",3\r\n\r\n4,,""\r\n';
    expect(parseCsvRecords(text)).toEqual([
      { line: 1, fields: ['a', 'b "q"', 'c'] },
      { line: 2, fields: ['1,5', 'line\r\nbreak', '3'] },
      { line: 5, fields: ['4', '', ''] },
    ]);
  });

  it('accepts LF, CR, a BOM and a missing final newline', () => {
    expect(parseCsvRecords('\uFEFFx,y\n1,2\r3,4')).toEqual([
      { line: 1, fields: ['x', 'y'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
    ]);
  });

  it('keeps a record that is a single quoted empty field', () => {
    expect(parseCsvRecords('""\n')).toEqual([{ line: 1, fields: [''] }]);
  });

  it('rejects stray and unclosed quotes with the line number', () => {
    expect(() => parseCsvRecords('a,b\n1,2"x\n')).toThrow(
      'CSV line 2: unexpected double quote in a field (quote the whole field and escape quotes as "")',
    );
    expect(() => parseCsvRecords('a,b\n"1"x,2\n')).toThrow('CSV line 2: unexpected text after a closing quote');
    expect(() => parseCsvRecords('a,b\n1,"2\n3,4\n')).toThrow('CSV line 2: quoted field is never closed');
  });

  it('reads plain LF text (the split fast path) exactly as the general loop reads the same text with CRLF', () => {
    const text = '\ufeffa,b,c\n1, 2 ,3\n\n\n,,\n4,5\nx\n\n';
    const records = parseCsvRecords(text);
    expect(records).toEqual(parseCsvRecords(text.replace(/\n/g, '\r\n')));
    expect(records.map((r) => r.line)).toEqual([1, 2, 5, 6, 7]);
    expect(records[0].fields).toEqual(['a', 'b', 'c']);
    expect(parseCsvRecords('1,2\n3,4', 10)).toEqual([
      { line: 10, fields: ['1', '2'] },
      { line: 11, fields: ['3', '4'] },
    ]);
  });
});
