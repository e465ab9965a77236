/**
 * Lexing of Go's text/template, the subset Helm charts use: text, `{{ }}` actions with `{{-` / `-}}` trimming,
 * `{{/* comments *\/}}`, and inside actions fields, variables, literals, identifiers, `(`, `)`, `|`, `:=`, `=`, `,`.
 * Anything else is an error: a template this lexer cannot read is one this repository's test cannot vouch for.
 */

export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

export type Token =
  | { kind: 'field'; names: string[] } // `.` (names empty) or `.A.B`
  | { kind: 'variable'; name: string; names: string[] } // `$` or `$x`, with an optional `.A.B`
  | { kind: 'identifier'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number | bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'chain'; names: string[] } // `.A.B` right after `)`
  | { kind: 'punct'; value: '(' | ')' | '|' | ':=' | '=' | ',' };

export type Item = { kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; line: number };

const SPACE = /[ \t\r\n]/;

/** Splits a template into text and actions, applying the trim markers to the neighbouring text. */
export function lexTemplate(source: string, name: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    let text = open < 0 ? source.slice(pos) : source.slice(pos, open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open < 0) {
      if (text) items.push({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    const trimLeft = source[start] === '-' && SPACE.test(source[start + 1] ?? '');
    if (trimLeft) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 2;
    }
    if (text) items.push({ kind: 'text', text });
    const line = source.slice(0, open).split('\n').length;
    const where = `${name}:${line}`;
    // As in Go, a comment starts right after the delimiter (and its trim marker) and ends right before the closing one.
    if (source.startsWith('/*', start)) {
      const endComment = source.indexOf('*/', start + 2);
      if (endComment < 0) throw new TemplateSyntaxError(`${where}: unclosed comment`);
      const close = /^([ \t\r\n]-)?\}\}/.exec(source.slice(endComment + 2));
      if (!close) throw new TemplateSyntaxError(`${where}: comment ends before the closing delimiter`);
      trimNext = close[0].length > 2;
      pos = endComment + 2 + close[0].length;
      continue;
    }
    const { tokens, end, trimRight } = lexAction(source, start, where);
    items.push({ kind: 'action', tokens, line });
    trimNext = trimRight;
    pos = end;
  }
  return items;
}

function lexAction(source: string, from: number, where: string): { tokens: Token[]; end: number; trimRight: boolean } {
  const tokens: Token[] = [];
  let i = from;
  for (;;) {
    while (SPACE.test(source[i] ?? '')) {
      // ` -}}` closes with a right trim; the dash needs the space before it.
      if (source.startsWith('-}}', i + 1)) return { tokens, end: i + 4, trimRight: true };
      i++;
    }
    if (i >= source.length) throw new TemplateSyntaxError(`${where}: unclosed action`);
    if (source.startsWith('}}', i)) return { tokens, end: i + 2, trimRight: false };
    const c = source[i];
    const rest = source.slice(i);
    let m: RegExpExecArray | null;
    if (c === '(' || c === ')' || c === '|' || c === ',') {
      tokens.push({ kind: 'punct', value: c as '(' | ')' | '|' | ',' });
      i++;
    } else if (rest.startsWith(':=')) {
      tokens.push({ kind: 'punct', value: ':=' });
      i += 2;
    } else if (c === '=') {
      tokens.push({ kind: 'punct', value: '=' });
      i++;
    } else if (c === '"') {
      const { value, length } = readQuoted(rest, where);
      tokens.push({ kind: 'string', value });
      i += length;
    } else if (c === '`') {
      const close = source.indexOf('`', i + 1);
      if (close < 0) throw new TemplateSyntaxError(`${where}: unclosed raw string`);
      tokens.push({ kind: 'string', value: source.slice(i + 1, close) });
      i = close + 1;
    } else if ((m = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(rest))) {
      const names = m[0].slice(1).split('.');
      const previous = tokens.at(-1);
      const chained = previous?.kind === 'punct' && previous.value === ')' && i > 0 && !SPACE.test(source[i - 1]);
      tokens.push(chained ? { kind: 'chain', names } : { kind: 'field', names });
      i += m[0].length;
    } else if (c === '.') {
      tokens.push({ kind: 'field', names: [] });
      i++;
    } else if ((m = /^\$([A-Za-z_][A-Za-z0-9_]*)?((\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(rest))) {
      tokens.push({ kind: 'variable', name: `$${m[1] ?? ''}`, names: m[2] ? m[2].slice(1).split('.') : [] });
      i += m[0].length;
    } else if ((m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest))) {
      // Go keeps integer constants as ints and the others as floats: comparing the two kinds is an error there too.
      const isInt = m[1] === undefined && m[2] === undefined;
      tokens.push({ kind: 'number', value: isInt ? BigInt(m[0]) : Number(m[0]) });
      i += m[0].length;
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      const word = m[0];
      if (word === 'true' || word === 'false') tokens.push({ kind: 'bool', value: word === 'true' });
      else if (word === 'nil') tokens.push({ kind: 'nil' });
      else tokens.push({ kind: 'identifier', name: word });
      i += word.length;
    } else {
      throw new TemplateSyntaxError(`${where}: unexpected ${JSON.stringify(c)} in action`);
    }
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

function readQuoted(rest: string, where: string): { value: string; length: number } {
  let value = '';
  for (let j = 1; j < rest.length; j++) {
    const ch = rest[j];
    if (ch === '"') return { value, length: j + 1 };
    if (ch === '\n') break;
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = rest[++j];
    if (next in ESCAPES) value += ESCAPES[next];
    else if (next === 'x' || next === 'u') {
      const width = next === 'x' ? 2 : 4;
      value += String.fromCodePoint(parseInt(rest.slice(j + 1, j + 1 + width), 16));
      j += width;
    } else throw new TemplateSyntaxError(`${where}: unknown escape \\${next}`);
  }
  throw new TemplateSyntaxError(`${where}: unclosed string`);
}
