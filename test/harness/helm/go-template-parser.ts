import { lexTemplate, TemplateSyntaxError, type Item, type Token } from './go-template-lexer.js';

/** One operand of a command: `.A.B`, `$x.A`, a literal, a function name, or `(pipeline).A`. */
export type Operand =
  | { type: 'field'; names: string[] }
  | { type: 'variable'; name: string; names: string[] }
  | { type: 'literal'; value: unknown }
  | { type: 'identifier'; name: string }
  | { type: 'pipe'; pipe: Pipeline; names: string[] };

/** `$x := a | b c`: the declared or assigned variables, then the commands joined by `|`. */
export interface Pipeline {
  vars: string[];
  assign: boolean;
  commands: Operand[][];
}

/** `{{if}}`, `{{with}}` or `{{range}}`: `otherwise` is the `{{else}}` branch (an `{{else if}}` is a nested node there). */
export interface ControlNode {
  type: 'if' | 'with' | 'range';
  pipe: Pipeline;
  then: Node[];
  otherwise: Node[];
  where: string;
}

export type Node =
  | { type: 'text'; text: string }
  | { type: 'action'; pipe: Pipeline; where: string }
  | ControlNode
  | { type: 'template'; name: string; pipe: Pipeline | null; where: string };

export interface ParsedTemplate {
  /** What the file itself renders. */
  body: Node[];
  /** `{{ define "name" }}` blocks: every file's are visible to every other, as in Helm. */
  defines: Map<string, Node[]>;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

/** Parses one template file; `name` is used in error messages (`tusk/templates/x.yaml:12`). */
export function parseTemplate(source: string, name: string): ParsedTemplate {
  const items = lexTemplate(source, name);
  const defines = new Map<string, Node[]>();
  const parser = new Parser(items, name, defines);
  const { nodes, closer } = parser.list(true);
  if (closer) throw new TemplateSyntaxError(`${name}:${closer.line}: unexpected {{${closer.keyword}}}`);
  return { body: nodes, defines };
}

interface Closer {
  keyword: 'end' | 'else';
  rest: Token[];
  line: number;
}

class Parser {
  private index = 0;

  constructor(
    private readonly items: Item[],
    private readonly name: string,
    private readonly defines: Map<string, Node[]>,
  ) {}

  /** Nodes up to the next `{{end}}` / `{{else ...}}` (returned as the closer) or the end of the file. */
  list(topLevel: boolean): { nodes: Node[]; closer: Closer | null } {
    const nodes: Node[] = [];
    while (this.index < this.items.length) {
      const item = this.items[this.index++];
      if (item.kind === 'text') {
        nodes.push({ type: 'text', text: item.text });
        continue;
      }
      const where = `${this.name}:${item.line}`;
      const [first, ...rest] = item.tokens;
      if (!first) throw new TemplateSyntaxError(`${where}: empty action`);
      const keyword = first.kind === 'identifier' && KEYWORDS.has(first.name) ? first.name : null;
      if (keyword === 'end' || keyword === 'else') return { nodes, closer: { keyword, rest, line: item.line } };
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') nodes.push(this.control(keyword, rest, where));
      else if (keyword === 'define') {
        if (!topLevel) throw new TemplateSyntaxError(`${where}: define inside a block`);
        const defined = this.templateName(rest, where);
        const { nodes: body, closer } = this.list(false);
        if (closer?.keyword !== 'end' || closer.rest.length) throw new TemplateSyntaxError(`${where}: define "${defined}" has no {{end}}`);
        this.defines.set(defined, body);
      } else if (keyword === 'template') {
        const defined = this.templateName(rest, where);
        nodes.push({ type: 'template', name: defined, pipe: rest.length > 1 ? pipeline(rest.slice(1), where, false) : null, where });
      } else if (keyword) throw new TemplateSyntaxError(`${where}: {{${keyword}}} is not supported by this renderer`);
      else nodes.push({ type: 'action', pipe: pipeline(item.tokens, where, true), where });
    }
    return { nodes, closer: null };
  }

  private control(type: 'if' | 'with' | 'range', tokens: Token[], where: string): Node {
    const pipe = pipeline(tokens, where, type !== 'if');
    if (pipe.assign) throw new TemplateSyntaxError(`${where}: assignment in {{${type}}}`);
    const { nodes: then, closer } = this.list(false);
    if (!closer) throw new TemplateSyntaxError(`${where}: {{${type}}} has no {{end}}`);
    if (closer.keyword === 'end') return { type, pipe, then, otherwise: [], where };
    if (closer.rest.length === 0) {
      const { nodes: otherwise, closer: end } = this.list(false);
      if (end?.keyword !== 'end') throw new TemplateSyntaxError(`${where}: {{else}} of {{${type}}} has no {{end}}`);
      return { type, pipe, then, otherwise, where };
    }
    // `{{else if ...}}` (or `else with`): a nested block that shares this one's {{end}}.
    const [nested, ...rest] = closer.rest;
    const keyword = nested.kind === 'identifier' ? nested.name : '';
    if (keyword !== 'if' && (keyword !== 'with' || type !== 'with'))
      throw new TemplateSyntaxError(`${where}: unexpected tokens after {{else}}`);
    return { type, pipe, then, otherwise: [this.control(keyword, rest, `${this.name}:${closer.line}`)], where };
  }

  private templateName(tokens: Token[], where: string): string {
    const first = tokens[0];
    if (first?.kind !== 'string') throw new TemplateSyntaxError(`${where}: expected a template name in quotes`);
    return first.value;
  }
}

/** Parses `[$a[, $b] (:=|=)] command | command ...`; declarations only where the keyword allows them. */
function pipeline(tokens: Token[], where: string, allowVars: boolean): Pipeline {
  let pos = 0;
  const vars: string[] = [];
  let assign = false;
  const declEnd = tokens.findIndex((t) => t.kind === 'punct' && (t.value === ':=' || t.value === '='));
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t, i) => (i % 2 === 0 ? t.kind === 'variable' : isPunct(t, ',')))) {
    if (!allowVars) throw new TemplateSyntaxError(`${where}: variable declaration not allowed here`);
    for (let i = 0; i < declEnd; i += 2) vars.push((tokens[i] as { name: string }).name);
    assign = isPunct(tokens[declEnd], '=');
    pos = declEnd + 1;
  }
  const { pipe, end } = commands(tokens, pos, where);
  if (end !== tokens.length) throw new TemplateSyntaxError(`${where}: unexpected ${describe(tokens[end])}`);
  return { vars, assign, commands: pipe };
}

function commands(tokens: Token[], from: number, where: string): { pipe: Operand[][]; end: number } {
  const pipe: Operand[][] = [[]];
  let pos = from;
  while (pos < tokens.length) {
    const token = tokens[pos];
    if (isPunct(token, ')')) break;
    pos++;
    if (isPunct(token, '|')) {
      if (pipe.at(-1)!.length === 0) throw new TemplateSyntaxError(`${where}: missing command before |`);
      pipe.push([]);
    } else if (isPunct(token, '(')) {
      const inner = commands(tokens, pos, where);
      if (!isPunct(tokens[inner.end], ')')) throw new TemplateSyntaxError(`${where}: unclosed (`);
      pos = inner.end + 1;
      let names: string[] = [];
      const next = tokens[pos];
      if (next?.kind === 'chain') {
        names = next.names;
        pos++;
      }
      pipe.at(-1)!.push({ type: 'pipe', pipe: { vars: [], assign: false, commands: inner.pipe }, names });
    } else pipe.at(-1)!.push(operand(token, where));
  }
  if (pipe.at(-1)!.length === 0) throw new TemplateSyntaxError(`${where}: missing command`);
  return { pipe, end: pos };
}

function operand(token: Token, where: string): Operand {
  switch (token.kind) {
    case 'field':
      return { type: 'field', names: token.names };
    case 'variable':
      return { type: 'variable', name: token.name, names: token.names };
    case 'identifier':
      if (KEYWORDS.has(token.name)) throw new TemplateSyntaxError(`${where}: unexpected keyword ${token.name}`);
      return { type: 'identifier', name: token.name };
    case 'string':
    case 'number':
    case 'bool':
      return { type: 'literal', value: token.value };
    case 'nil':
      return { type: 'literal', value: null };
    default:
      throw new TemplateSyntaxError(`${where}: unexpected ${describe(token)}`);
  }
}

const isPunct = (token: Token | undefined, value: string): boolean => token?.kind === 'punct' && token.value === value;
const describe = (token: Token | undefined): string => (token ? JSON.stringify(token) : 'end of action');
