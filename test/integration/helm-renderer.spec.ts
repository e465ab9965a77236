// The Go-template renderer the Helm chart's test uses (test/harness/helm), held to what Helm does with the same
// input: each expectation below is Helm's (Go text/template + sprig) documented or well-known behaviour.
import { describe, expect, it } from '@jest/globals';
import { mergeValues, parseYaml11, renderTemplateString } from '../harness/helm/helm-chart.js';
import { ChartFailure } from '../harness/helm/helm-functions.js';
import { TemplateSyntaxError } from '../harness/helm/go-template-lexer.js';
import { TemplateRuntimeError } from '../harness/helm/go-values.js';

const values = { a: { b: 'x', n: 1000000, small: 8080, off: false, list: [1, 2] }, empty: '' };
const render = (source: string, data: unknown = { Values: values }) => renderTemplateString(source, data);

describe('the Go-template renderer of the chart test', () => {
  it('trims whitespace at {{- and -}}, newlines included, and drops comments', () => {
    expect(render('a  \n  {{- .Values.a.b -}}  \n  b')).toBe('axb');
    expect(render('a {{/* gone */}} b\n{{- /* gone too */ -}}\nc')).toBe('a  bc');
  });

  it('prints float64 values from values files as Go does: a million is 1e+06, so numbers for env go through int64', () => {
    expect(render('{{ .Values.a.n }} {{ .Values.a.small }} {{ .Values.a.n | int64 }} {{ 1000000 }}')).toBe('1e+06 8080 1000000 1000000');
    expect(render('{{ .Values.a.n | quote }}')).toBe('"1e+06"');
  });

  it('prints a missing key as nothing and fails on a field of nil', () => {
    expect(render('[{{ .Values.missing }}]')).toBe('[]');
    expect(() => render('{{ .Values.missing.deeper }}')).toThrow(TemplateRuntimeError);
  });

  it('gives `default` the sprig meaning of empty: false, 0 and "" take the default', () => {
    expect(render('{{ default "d" .Values.empty }} {{ default true .Values.a.off }} {{ default "d" .Values.a.b }}')).toBe('d true x');
  });

  it('runs if / else if / else, with, range over maps (sorted) and lists, and variables scoped to their block', () => {
    const source =
      '{{ if .Values.a.off }}1{{ else if .Values.a.b }}2{{ else }}3{{ end }}' +
      '{{ with .Values.a }}{{ .b }}{{ end }}' +
      '{{ range $k, $v := dict "z" 1 "y" 2 }}{{ $k }}={{ $v }};{{ end }}' +
      '{{ range .Values.a.list }}<{{ . }}>{{ end }}' +
      '{{ $x := "outer" }}{{ if true }}{{ $x = "set" }}{{ $y := 1 }}{{ end }}{{ $x }}';
    expect(render(source)).toBe('2xy=2;z=1;<1><2>set');
    expect(() => render('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}')).toThrow(/undefined variable \$y/);
  });

  it('includes defined templates with the argument as both . and $, and pipes a result in as the last argument', () => {
    const source = '{{- define "t" -}}a: {{ .name }}/{{ $.name }}{{- end -}}x:{{ include "t" (dict "name" "n") | nindent 2 }}';
    expect(render(source)).toBe('x:\n  a: n/n');
    expect(() => render('{{ "x" | upper }}')).toThrow(/function "upper" not defined/);
  });

  it('compares like Go: int64 against float64 is an error, and `and`/`or` stop at the deciding argument', () => {
    expect(() => render('{{ eq .Values.a.small 8080 }}')).toThrow(/incompatible types/);
    expect(render('{{ eq .Values.a.b "x" }} {{ lt (len "abc") 8 }}')).toBe('true true');
    expect(render('{{ or .Values.a.b .Values.missing.deeper }}')).toBe('x');
  });

  it('stops on `required` and `fail` with their message, and on syntax it does not know', () => {
    expect(() => render('{{ required "set a.c" .Values.a.c }}')).toThrow(new ChartFailure('set a.c'));
    expect(() => render('{{ fail "no" }}')).toThrow(ChartFailure);
    expect(() => render('{{ if true }}unclosed')).toThrow(TemplateSyntaxError);
    expect(() => render('{{ block "b" . }}{{ end }}')).toThrow(TemplateSyntaxError);
  });

  it('renders toYaml with sorted keys and YAML 1.1 quoting, so Kubernetes reads "on" as a string', () => {
    const out = render('{{ toYaml (dict "b" "on" "a" (list 1 "x")) }}');
    expect(out.indexOf('a:')).toBeLessThan(out.indexOf('b:'));
    expect(out).toContain('b: "on"');
    expect(parseYaml11(out)).toEqual({ a: [1, 'x'], b: 'on' });
  });

  it('merges values as Helm does: maps merge, lists and scalars replace, null deletes', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2], d: 'x' }, e: 1 }, { a: { c: [3], d: null }, f: 2 })).toEqual({
      a: { b: 1, c: [3] },
      e: 1,
      f: 2,
    });
  });
});
