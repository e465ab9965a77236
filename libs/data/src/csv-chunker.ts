import { countNewlines } from './csv-records.js';
import { DatasetFormatError } from './errors.js';

/** A run of whole CSV records and the line it starts on, ready for parseCsvRecords(text, firstLine). */
export interface CsvPiece {
  text: string;
  firstLine: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Cuts streamed CSV text at record boundaries (a line break outside quotes), so a file can be parsed a piece at a
 * time with the same parser and the same line numbers as the whole text. A record longer than maxRecordChars fails.
 */
export class CsvChunker {
  private pending = '';
  private line = 1;

  constructor(private readonly maxRecordChars = 16 * 1024 * 1024) {}

  /** Adds text; returns the complete records so far (or null), keeping a partial last record for later. */
  push(text: string): CsvPiece | null {
    this.pending += text;
    const cut = lastBoundary(this.pending);
    if (cut === 0) {
      if (this.pending.length > this.maxRecordChars) {
        throw new DatasetFormatError(`CSV line ${this.line}: a record is longer than ${this.maxRecordChars} characters`);
      }
      return null;
    }
    return this.take(cut);
  }

  /** The rest of the text, after the last push. */
  end(): CsvPiece | null {
    return this.pending.length > 0 ? this.take(this.pending.length) : null;
  }

  private take(cut: number): CsvPiece {
    const piece = { text: this.pending.slice(0, cut), firstLine: this.line };
    this.pending = this.pending.slice(cut);
    this.line += countNewlines(piece.text);
    return piece;
  }
}

/** End (exclusive) of the last line break outside quotes, or 0; a CR at the very end waits, as an LF may follow it. */
function lastBoundary(text: string): number {
  const end = text.length - (text.charCodeAt(text.length - 1) === CR ? 1 : 0);
  if (text.indexOf('"') < 0) return Math.max(text.lastIndexOf('\n', end - 1), text.lastIndexOf('\r', end - 1)) + 1;
  let cut = 0;
  let inQuotes = false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && (c === LF || c === CR)) cut = i + 1;
  }
  return cut;
}
