import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { TemplateExecutor } from './go-template-exec.js';
import { parseTemplate, type Node } from './go-template-parser.js';

/**
 * `helm template` for this repository's chart, without Helm: the chart's values merged with the caller's, every
 * file of templates/ rendered by the Go-template executor, the output split into YAML documents. The subset of Go
 * templates and sprig it implements is small (see helm-functions.ts); a template that steps outside it fails to
 * render rather than render differently. Subcharts are not rendered (there is no network to fetch them here).
 */

export interface RenderOptions {
  /** Values layered over the chart's values.yaml, as `-f` files are: maps merge, anything else replaces, null deletes. */
  values?: Record<string, unknown>;
  releaseName?: string;
  namespace?: string;
  /** API versions the cluster serves on top of the built-in ones, as `helm template --api-versions` takes them. */
  apiVersions?: string[];
}

export interface RenderedChart {
  /** Every Kubernetes object, in file order (files sorted by name). */
  objects: Record<string, unknown>[];
  /** The objects of each template file. */
  byFile: Map<string, Record<string, unknown>[]>;
  notes: string;
  values: Record<string, unknown>;
}

/** Kubernetes' own API versions and kinds the chart uses (Helm's defaults include every built-in one). */
const BUILT_IN_APIS = ['v1', 'apps/v1', 'policy/v1', 'autoscaling/v2', 'batch/v1', 'networking.k8s.io/v1'];

/** Reads YAML as Kubernetes and Helm do (go-yaml, YAML 1.1): `on`, `yes` and `no` are booleans. */
export const parseYaml11 = (text: string): unknown => parse(text, { version: '1.1' });

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's coalescing of user values over chart defaults. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key] as Record<string, unknown>, value);
    else out[key] = value;
  }
  return out;
}

export function renderChart(chartDir: string, options: RenderOptions = {}): RenderedChart {
  const chart = parseYaml11(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, string>;
  const defaults = parseYaml11(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const values = mergeValues(defaults, options.values ?? {});
  const basePath = `${chart.name}/templates`;
  const templates = new Map<string, Node[]>();
  const files = readdirSync(join(chartDir, 'templates')).sort();
  for (const file of files) {
    const name = `${basePath}/${file}`;
    const parsed = parseTemplate(readFileSync(join(chartDir, 'templates', file), 'utf8'), name);
    templates.set(name, parsed.body);
    for (const [defined, body] of parsed.defines) templates.set(defined, body);
  }
  const apis = new Set([...BUILT_IN_APIS, ...(options.apiVersions ?? [])]);
  const context = (file: string) => ({
    Values: values,
    Release: {
      Name: options.releaseName ?? 'tusk',
      Namespace: options.namespace ?? 'default',
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion, Description: chart.description },
    Capabilities: {
      // Helm's Has takes "group/version" or "group/version/Kind".
      APIVersions: { Has: (api: unknown) => typeof api === 'string' && apis.has(api) },
      KubeVersion: { Version: 'v1.31.0', Major: '1', Minor: '31', GitVersion: 'v1.31.0' },
    },
    Template: { Name: `${basePath}/${file}`, BasePath: basePath },
  });
  const executor = new TemplateExecutor(templates);
  const byFile = new Map<string, Record<string, unknown>[]>();
  let notes = '';
  for (const file of files) {
    if (file.startsWith('_')) continue;
    // Helm drops the "<no value>" that a nil prints.
    const output = executor.render(`${basePath}/${file}`, context(file)).replaceAll('<no value>', '');
    if (file === 'NOTES.txt') notes = output;
    else byFile.set(file, splitManifests(output, file));
  }
  return { objects: [...byFile.values()].flat(), byFile, notes, values };
}

/** The YAML documents of one rendered file; empty ones (only comments or blanks) are dropped, as Helm does. */
function splitManifests(output: string, file: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (const doc of parseAllDocuments(output, { version: '1.1' })) {
    if (doc.errors.length) throw new Error(`${file}: the rendered YAML does not parse: ${doc.errors[0].message}\n${output}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isMap(value)) throw new Error(`${file}: a rendered document is not a map: ${JSON.stringify(value)}`);
    objects.push(value);
  }
  return objects;
}

/** Renders one template string (a `$tplYaml` value of a subchart, say) with `data` as `.` and `$`. */
export function renderTemplateString(source: string, data: unknown, name = 'inline'): string {
  const parsed = parseTemplate(source, name);
  const templates = new Map<string, Node[]>([[name, parsed.body], ...parsed.defines]);
  return new TemplateExecutor(templates).render(name, data).replaceAll('<no value>', '');
}
