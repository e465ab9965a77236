import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { compare, goQuote, isEmpty, isTrue, kindOf, printValue, strval, TemplateRuntimeError, toInt64, type GoKind } from './go-values.js';

/** What `required` and `fail` throw: Helm stops the install with this message. */
export class ChartFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartFailure';
  }
}

export type TemplateFunction = (...args: unknown[]) => unknown;

const KINDS: GoKind[] = ['invalid', 'string', 'float64', 'int64', 'bool', 'map', 'slice', 'func'];

function arity(name: string, args: unknown[], count: number): void {
  if (args.length !== count) throw new TemplateRuntimeError(`wrong number of args for ${name}: want ${count} got ${args.length}`);
}

function asString(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new TemplateRuntimeError(`${name}: expected a string, got ${kindOf(value)}`);
  return value;
}

/** Lines indented by n spaces, as sprig's indent (every line, empty ones too); like sprig, only of a string. */
const indent = (n: unknown, s: unknown): string => {
  const pad = ' '.repeat(Number(toInt64(n)));
  return pad + asString('indent', s).replaceAll('\n', `\n${pad}`);
};

/** Helm's toYaml: keys sorted, YAML 1.1 quoting (so "on" stays a string for Kubernetes' parser), no final newline. */
export function toYaml(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const plain = JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
  return stringify(plain, { version: '1.1', sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, '');
}

/** Go's fmt.Sprintf for the verbs charts use: %s %v %d %q %%. */
function printf(format: unknown, ...args: unknown[]): string {
  let next = 0;
  return asString('printf', format).replace(/%([svdq%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++];
    if (verb === 'd') {
      if (kindOf(arg) !== 'int64') throw new TemplateRuntimeError(`printf %d of a ${kindOf(arg)}: Go prints %!d(${kindOf(arg)}=…)`);
      return String(arg);
    }
    if (verb === 'q') return goQuote(strval(arg));
    return printValue(arg);
  });
}

/** Go's fmt.Sprint: a space between operands when neither side is a string. */
function sprint(...args: unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(arg);
  });
  return out;
}

function index(collection: unknown, ...keys: unknown[]): unknown {
  let value = collection;
  for (const key of keys) {
    const kind = kindOf(value);
    if (kind === 'map') value = (value as Record<string, unknown>)[asString('index', key)];
    else if (kind === 'slice') {
      const i = Number(toInt64(key));
      const list = value as unknown[];
      if (i < 0 || i >= list.length) throw new TemplateRuntimeError(`error calling index: index out of range: ${i}`);
      value = list[i];
    } else throw new TemplateRuntimeError(`error calling index: cannot index ${kind}`);
  }
  return value ?? null;
}

/**
 * The functions this renderer knows: Go's builtins and the part of sprig and Helm the chart uses. `include`,
 * `and` and `or` live in the executor (they need templates or lazy arguments). An unknown name fails the render.
 */
export const FUNCTIONS: Record<string, TemplateFunction> = {
  not: (v) => !isTrue(v),
  len: (v) => {
    const kind = kindOf(v);
    if (kind === 'string') return BigInt(Buffer.byteLength(v as string));
    if (kind === 'slice') return BigInt((v as unknown[]).length);
    if (kind === 'map') return BigInt(Object.keys(v as object).length);
    throw new TemplateRuntimeError(`error calling len: len of ${kind}`);
  },
  index,
  print: sprint,
  printf,
  eq: (a, ...rest) => rest.some((b) => compare(a, b, 'eq') === 0),
  ne: (a, b) => compare(a, b, 'ne') !== 0,
  lt: (a, b) => compare(a, b, 'lt') < 0,
  le: (a, b) => compare(a, b, 'le') <= 0,
  gt: (a, b) => compare(a, b, 'gt') > 0,
  ge: (a, b) => compare(a, b, 'ge') >= 0,
  required: (...args) => {
    arity('required', args, 2);
    const [message, value] = args;
    if (value === null || value === undefined || value === '') throw new ChartFailure(asString('required', message));
    return value;
  },
  fail: (message) => {
    throw new ChartFailure(asString('fail', message));
  },
  default: (...args) => {
    if (args.length < 1 || args.length > 2) throw new TemplateRuntimeError('default: wants 1 or 2 arguments');
    return args.length === 1 || isEmpty(args[1]) ? args[0] : args[1];
  },
  empty: (v) => isEmpty(v),
  ternary: (whenTrue, whenFalse, test) => {
    if (typeof test !== 'boolean') throw new TemplateRuntimeError(`ternary: the test is a ${kindOf(test)}, not a bool`);
    return test ? whenTrue : whenFalse;
  },
  quote: (...args) =>
    args
      .filter((a) => a !== null && a !== undefined)
      .map((a) => goQuote(strval(a)))
      .join(' '),
  toString: (v: unknown) => strval(v),
  toYaml,
  indent,
  nindent: (n, s) => `\n${indent(n, s)}`,
  trunc: (n, s) => {
    const str = asString('trunc', s);
    const c = Number(toInt64(n));
    return c >= 0 ? str.slice(0, c) : str.slice(Math.max(0, str.length + c));
  },
  trimSuffix: (suffix, s) => {
    const str = asString('trimSuffix', s);
    const x = asString('trimSuffix', suffix);
    return x && str.endsWith(x) ? str.slice(0, -x.length) : str;
  },
  contains: (substr, s) => asString('contains', s).includes(asString('contains', substr)),
  replace: (old, replacement, s) => asString('replace', s).replaceAll(asString('replace', old), asString('replace', replacement)),
  b64enc: (s) => Buffer.from(asString('b64enc', s), 'utf8').toString('base64'),
  sha256sum: (s) => createHash('sha256').update(asString('sha256sum', s), 'utf8').digest('hex'),
  int: (v) => toInt64(v),
  int64: (v) => toInt64(v),
  add: (...args) => args.reduce<bigint>((sum, a) => sum + toInt64(a), 0n),
  kindIs: (kind, v) => {
    if (!KINDS.includes(kind as GoKind)) throw new TemplateRuntimeError(`kindIs: this renderer does not know the kind ${String(kind)}`);
    return kindOf(v) === kind;
  },
  hasKey: (map, key) => {
    if (kindOf(map) !== 'map') throw new TemplateRuntimeError(`hasKey: expected a map, got ${kindOf(map)}`);
    return Object.hasOwn(map as object, asString('hasKey', key));
  },
  dict: (...args) => {
    if (args.length % 2) throw new TemplateRuntimeError('dict: odd number of arguments');
    const out: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) out[strval(args[i])] = args[i + 1];
    return out;
  },
  list: (...args) => args,
};
