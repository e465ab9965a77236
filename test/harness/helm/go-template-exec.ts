import { FUNCTIONS } from './helm-functions.js';
import type { ControlNode, Node, Operand, Pipeline } from './go-template-parser.js';
import { isTrue, kindOf, printValue, TemplateRuntimeError } from './go-values.js';

/** Variables of the running template: `$` and those declared in enclosing blocks (a block's end drops its own). */
class Scope {
  private readonly frames: Map<string, unknown>[];

  constructor(root: unknown) {
    this.frames = [new Map([['$', root]])];
  }

  push(): void {
    this.frames.push(new Map());
  }

  pop(): void {
    this.frames.pop();
  }

  declare(name: string, value: unknown): void {
    this.frames.at(-1)!.set(name, value);
  }

  assign(name: string, value: unknown, where: string): void {
    const frame = [...this.frames].reverse().find((f) => f.has(name));
    if (!frame) throw new TemplateRuntimeError(`${where}: undefined variable ${name}`);
    frame.set(name, value);
  }

  get(name: string, where: string): unknown {
    for (let i = this.frames.length - 1; i >= 0; i--) if (this.frames[i].has(name)) return this.frames[i].get(name);
    throw new TemplateRuntimeError(`${where}: undefined variable ${name}`);
  }
}

const MAX_INCLUDE_DEPTH = 100;

/**
 * Runs parsed templates as Go's text/template does under Helm: a missing map key is nil (printed as nothing),
 * a field of nil is an error, `and`/`or` stop at the first deciding argument, `include` renders a named template
 * to a string. `templates` holds every define and every file (by its path), as Helm shares them across files.
 */
export class TemplateExecutor {
  private depth = 0;

  constructor(private readonly templates: Map<string, Node[]>) {}

  /** Renders a named template (a define or a file) with `data` as both `.` and `$`. */
  render(name: string, data: unknown): string {
    const nodes = this.templates.get(name);
    if (!nodes) throw new TemplateRuntimeError(`no template "${name}"`);
    if (++this.depth > MAX_INCLUDE_DEPTH) throw new TemplateRuntimeError(`rendering template has a nested reference name: ${name}`);
    try {
      return this.nodes(nodes, data, new Scope(data));
    } finally {
      this.depth--;
    }
  }

  private nodes(nodes: Node[], dot: unknown, scope: Scope): string {
    let out = '';
    for (const node of nodes) out += this.node(node, dot, scope);
    return out;
  }

  private node(node: Node, dot: unknown, scope: Scope): string {
    switch (node.type) {
      case 'text':
        return node.text;
      case 'action': {
        const value = this.pipeline(node.pipe, dot, scope, node.where);
        return node.pipe.vars.length ? '' : printValue(value);
      }
      case 'template':
        return this.render(node.name, node.pipe ? this.pipeline(node.pipe, dot, scope, node.where) : null);
      case 'if':
      case 'with':
        return this.conditional(node, dot, scope);
      case 'range':
        return this.range(node, dot, scope);
    }
  }

  private conditional(node: ControlNode, dot: unknown, scope: Scope): string {
    scope.push();
    try {
      const value = this.pipeline(node.pipe, dot, scope, node.where);
      if (isTrue(value)) return this.nodes(node.then, node.type === 'with' ? value : dot, scope);
      return this.nodes(node.otherwise, dot, scope);
    } finally {
      scope.pop();
    }
  }

  private range(node: ControlNode, dot: unknown, scope: Scope): string {
    const { vars } = node.pipe;
    const collection = this.pipeline({ ...node.pipe, vars: [] }, dot, scope, node.where);
    const kind = kindOf(collection);
    let entries: [unknown, unknown][];
    if (kind === 'slice') entries = (collection as unknown[]).map((v, i) => [BigInt(i), v]);
    else if (kind === 'map') {
      const map = collection as Record<string, unknown>;
      entries = Object.keys(map)
        .sort()
        .map((k) => [k, map[k]]);
    } else if (kind === 'invalid') entries = [];
    else throw new TemplateRuntimeError(`${node.where}: range can't iterate over ${printValue(collection)}`);
    if (entries.length === 0) return this.nodes(node.otherwise, dot, scope);
    let out = '';
    for (const [key, value] of entries) {
      scope.push();
      if (vars.length === 1) scope.declare(vars[0], value);
      if (vars.length === 2) {
        scope.declare(vars[0], key);
        scope.declare(vars[1], value);
      }
      out += this.nodes(node.then, value, scope);
      scope.pop();
    }
    return out;
  }

  private pipeline(pipe: Pipeline, dot: unknown, scope: Scope, where: string): unknown {
    let value: unknown = undefined;
    let piped = false;
    for (const command of pipe.commands) {
      value = this.command(command, dot, scope, where, piped ? [value] : []);
      piped = true;
    }
    if (pipe.vars.length > 1) throw new TemplateRuntimeError(`${where}: too many variables`);
    if (pipe.vars.length === 1) {
      if (pipe.assign) scope.assign(pipe.vars[0], value, where);
      else scope.declare(pipe.vars[0], value);
    }
    return value;
  }

  private command(command: Operand[], dot: unknown, scope: Scope, where: string, piped: unknown[]): unknown {
    const [head, ...rest] = command;
    if (head.type === 'identifier') return this.call(head.name, rest, dot, scope, where, piped);
    // A field or variable that resolves to a method (Capabilities.APIVersions.Has) takes the other operands as arguments.
    const value = this.operand(head, dot, scope, where);
    if (rest.length === 0 && piped.length === 0) return value;
    if (typeof value !== 'function') throw new TemplateRuntimeError(`${where}: can't give argument to non-function ${printValue(value)}`);
    return value(...rest.map((a) => this.operand(a, dot, scope, where)), ...piped);
  }

  private call(name: string, args: Operand[], dot: unknown, scope: Scope, where: string, piped: unknown[]): unknown {
    const arg = (a: Operand) => this.operand(a, dot, scope, where);
    if (name === 'and' || name === 'or') {
      // Go evaluates these lazily, left to right: the first false (and) or true (or) argument is the result.
      const thunks = [...args.map((a) => () => arg(a)), ...piped.map((p) => () => p)];
      if (thunks.length === 0) throw new TemplateRuntimeError(`${where}: ${name} needs arguments`);
      let value: unknown;
      for (const thunk of thunks) {
        value = thunk();
        if (isTrue(value) === (name === 'or')) return value;
      }
      return value;
    }
    const values = [...args.map(arg), ...piped];
    if (name === 'include') {
      const [template, data] = values;
      if (typeof template !== 'string' || values.length !== 2) throw new TemplateRuntimeError(`${where}: include wants a name and a value`);
      return this.render(template, data);
    }
    const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (!fn) throw new TemplateRuntimeError(`${where}: function "${name}" not defined (by this renderer)`);
    try {
      return fn(...values);
    } catch (err) {
      if (err instanceof TemplateRuntimeError) err.message = `${where}: ${err.message}`;
      throw err;
    }
  }

  private operand(operand: Operand, dot: unknown, scope: Scope, where: string): unknown {
    switch (operand.type) {
      case 'literal':
        return operand.value;
      case 'field':
        return this.fields(dot, operand.names, where, '');
      case 'variable':
        return this.fields(scope.get(operand.name, where), operand.names, where, operand.name);
      case 'pipe':
        return this.fields(this.pipeline(operand.pipe, dot, scope, where), operand.names, where, '(…)');
      case 'identifier':
        // A function named as an argument is called without arguments, as Go does.
        return this.call(operand.name, [], dot, scope, where, []);
    }
  }

  private fields(value: unknown, names: string[], where: string, origin: string): unknown {
    let current = value;
    let path = origin;
    for (const name of names) {
      const kind = kindOf(current);
      if (kind === 'invalid') throw new TemplateRuntimeError(`${where}: nil pointer evaluating interface {}.${name} (${path || '.'})`);
      if (kind !== 'map') throw new TemplateRuntimeError(`${where}: can't evaluate field ${name} in type ${kind}`);
      const map = current as Record<string, unknown>;
      current = Object.hasOwn(map, name) ? map[name] : null;
      path += `.${name}`;
    }
    return current === undefined ? null : current;
  }
}
