import { DatasetFormatError } from './errors.js';

/** One CSV record with the 1-based line it starts on, so errors can point at the source. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records per RFC 4180 (quoted fields, "" escapes, CRLF/LF/CR); blank lines are skipped.
 * `firstLine` > 1 parses a later piece of a file (see CsvChunker): line numbers continue and no byte-order mark is expected.
 */
export function parseCsvRecords(text: string, firstLine = 1): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = firstLine === 1 && text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  if (text.indexOf('"') < 0 && text.indexOf('\r') < 0) return splitPlainRecords(i ? text.slice(i) : text, firstLine);
  let line = firstLine;
  let recordLine = firstLine;
  let fields: string[] = [];
  let field = '';
  let quoted = false;

  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    const blank = fields.length === 1 && fields[0] === '' && !quoted;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    quoted = false;
  };

  while (i < n) {
    const c = text[i];
    if (c === '"') {
      if (field.length > 0 || quoted) {
        throw new DatasetFormatError(
          `CSV line ${line}: unexpected double quote in a field (quote the whole field and escape quotes as "")`,
        );
      }
      quoted = true;
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new DatasetFormatError(`CSV line ${startLine}: quoted field is never closed`);
        const q = text.indexOf('"', i);
        if (q < 0) throw new DatasetFormatError(`CSV line ${startLine}: quoted field is never closed`);
        const chunk = text.slice(i, q);
        line += countNewlines(chunk);
        field += chunk;
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const next = text[i];
      if (i < n && next !== ',' && next !== '\r' && next !== '\n') {
        throw new DatasetFormatError(`CSV line ${line}: unexpected text after a closing quote`);
      }
      continue;
    }
    if (c === ',') {
      endField();
      quoted = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    let j = i;
    while (j < n) {
      const d = text[j];
      if (d === ',' || d === '\r' || d === '\n' || d === '"') break;
      j++;
    }
    field += text.slice(i, j);
    i = j;
  }
  if (field.length > 0 || quoted || fields.length > 0) endRecord();
  return records;
}

/** The common case (no quotes, LF line ends) with native splits: the same records as the general loop, several times faster. */
function splitPlainRecords(text: string, firstLine: number): CsvRecord[] {
  const lines = text.split('\n');
  const records: CsvRecord[] = [];
  for (let k = 0; k < lines.length; k++) if (lines[k] !== '') records.push({ line: firstLine + k, fields: lines[k].split(',') });
  return records;
}

/** Line breaks in s (CRLF, LF or a lone CR each count once). */
export function countNewlines(s: string): number {
  let count = 0;
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (ch === '\n' || (ch === '\r' && s[k + 1] !== '\n')) count++;
  }
  return count;
}
