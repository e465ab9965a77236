/**
 * Go's view of the values a Helm template handles. Values files are YAML read into JSON shapes, so every number
 * in them is a float64 (a JS number here); integer constants in templates and sprig's integer results are int64
 * (a bigint here). The difference shows: a float64 of a million prints as 1e+06.
 */

export class TemplateRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRuntimeError';
  }
}

export type GoKind = 'invalid' | 'string' | 'float64' | 'int64' | 'bool' | 'map' | 'slice' | 'func';

export function kindOf(value: unknown): GoKind {
  if (value === null || value === undefined) return 'invalid';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'bigint') return 'int64';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'function') return 'func';
  return 'map';
}

/** text/template's truth: false, 0, nil and empty strings, maps and slices are false. */
export function isTrue(value: unknown): boolean {
  switch (kindOf(value)) {
    case 'invalid':
      return false;
    case 'string':
      return (value as string).length > 0;
    case 'float64':
    case 'int64':
      return value != 0; // a bigint 0n is loosely equal to 0
    case 'bool':
      return value as boolean;
    case 'slice':
      return (value as unknown[]).length > 0;
    case 'map':
      return Object.keys(value as object).length > 0;
    default:
      return true;
  }
}

/** sprig's `empty`, which `default` uses: so `default true false` is true. */
export const isEmpty = (value: unknown): boolean => !isTrue(value);

/** Go's %v of a float64 (strconv 'g', shortest): exponent form below 1e-4 and from 1e+06 (21 digits never reached). */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, exponent] = n.toExponential().split('e');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** What `{{ value }}` prints (fmt's %v); nil prints `<no value>`, which Helm then removes from the output. */
export function printValue(value: unknown): string {
  switch (kindOf(value)) {
    case 'invalid':
      return '<no value>';
    case 'string':
      return value as string;
    case 'float64':
      return formatFloat(value as number);
    case 'int64':
    case 'bool':
      return String(value);
    case 'slice':
      return `[${(value as unknown[]).map(printNested).join(' ')}]`;
    case 'map':
      return `map[${Object.keys(value as object)
        .sort()
        .map((k) => `${k}:${printNested((value as Record<string, unknown>)[k])}`)
        .join(' ')}]`;
    default:
      throw new TemplateRuntimeError('cannot print a function');
  }
}

const printNested = (value: unknown): string => (kindOf(value) === 'invalid' ? '<nil>' : printValue(value));

/** sprig's strval: strings as they are, anything else through %v. */
export const strval = (value: unknown): string => (typeof value === 'string' ? value : printNested(value));

/** Go's %q: a double-quoted string with Go escapes (printable Unicode kept as is). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** sprig's toInt64 (spf13/cast): floats truncate, numeric strings parse, anything else is 0. */
export function toInt64(value: unknown): bigint {
  switch (kindOf(value)) {
    case 'int64':
      return value as bigint;
    case 'float64':
      return BigInt(Math.trunc(value as number));
    case 'bool':
      return value ? 1n : 0n;
    case 'string':
      return /^[+-]?\d+$/.test((value as string).trim()) ? BigInt((value as string).trim()) : 0n;
    default:
      return 0n;
  }
}

/** Go's `eq` and `lt` compare only values of one basic kind; int64 against float64 is an error, as in Go. */
export function compare(a: unknown, b: unknown, op: string): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb || !['string', 'float64', 'int64', 'bool'].includes(ka)) {
    if (op === 'eq' && ka === 'invalid' && kb === 'invalid') return 0;
    throw new TemplateRuntimeError(`error calling ${op}: incompatible types for comparison (${ka} and ${kb})`);
  }
  if (ka === 'bool' && op !== 'eq') throw new TemplateRuntimeError(`error calling ${op}: invalid type for comparison`);
  return a === b ? 0 : (a as string | number | bigint) < (b as string | number | bigint) ? -1 : 1;
}
