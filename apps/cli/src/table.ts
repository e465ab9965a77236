/**
 * A plain-text table: a header row, then one row per item, columns left-aligned and separated by
 * two spaces, no trailing spaces. Columns listed in `right` are right-aligned (numbers).
 */
export function formatTable(headers: string[], rows: string[][], { right = [] }: { right?: number[] } = {}): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    widths
      .map((w, i) => {
        const cell = cells[i] ?? '';
        return right.includes(i) ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
