import { describe, expect, it } from '@jest/globals';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('pads columns to the widest cell, two spaces apart, without trailing spaces', () => {
    expect(
      formatTable(
        ['ID', 'NAME'],
        [
          ['a', 'first'],
          ['bbbb', 'x'],
        ],
      ),
    ).toBe('ID    NAME\na     first\nbbbb  x');
  });

  it('right-aligns the columns asked for', () => {
    expect(
      formatTable(
        ['NAME', 'ROWS', 'NOTE'],
        [
          ['a', '5', ''],
          ['b', '600', 'ok'],
        ],
        { right: [1] },
      ),
    ).toBe('NAME  ROWS  NOTE\na        5\nb      600  ok');
  });

  it('prints only the header when there are no rows', () => {
    expect(formatTable(['ID', 'STATUS'], [])).toBe('ID  STATUS');
  });
});
