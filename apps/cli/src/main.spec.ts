import { describe, expect, it } from '@jest/globals';
import { run } from './main.js';

async function tusk(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run({
    argv,
    env: { TUSK_URL: 'http://127.0.0.1:9' },
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('tusk command line', () => {
  it('prints the usage and exits 2 on --help', async () => {
    const r = await tusk('--help');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: tusk <command> [options]');
  });

  it('exits 2 with the usage on an unknown command, a missing argument, a stray or unknown option', async () => {
    for (const [argv, message] of [
      [['frobnicate', 'now'], 'tusk: unknown command "frobnicate now"'],
      [[], 'tusk: no command given'],
      [['jobs', 'show'], 'tusk: tusk jobs show needs <id>'],
      [['jobs', 'list', 'extra'], 'tusk: tusk jobs list: unexpected argument "extra"'],
      [['jobs', 'list', '--out', 'x'], 'tusk: tusk jobs list does not take --out'],
      [
        ['datasets', 'upload', '--format', 'csv', '--file', 'x.csv'],
        'tusk: --label-columns is required for --format csv (e.g. --label-columns label)',
      ],
      [
        ['datasets', 'upload', '--format', 'idx', '--file', 'x.csv'],
        'tusk: --file does not apply to --format idx (it takes --images and --labels)',
      ],
      [['datasets', 'upload', '--format', 'parquet'], 'tusk: --format must be csv, npy or idx, not "parquet"'],
      [['models', 'download', 'job-1'], 'tusk: --out is required (the directory to write model.json and weights.bin to)'],
      [['sweep', 'submit'], 'tusk: tusk sweep submit needs <file.json>'],
      [['sweep', 'watch'], 'tusk: tusk sweep watch needs <id>'],
      [['sweep', 'best', 'sweep-1', 'extra'], 'tusk: tusk sweep best: unexpected argument "extra"'],
      [['sweep', 'list', '--watch'], 'tusk: tusk sweep list does not take --watch'],
      [['sweep', 'cancel', 'sweep-1', '--download', 'x'], 'tusk: tusk sweep cancel does not take --download'],
      [['sweep', 'best', 'sweep-1', '--download'], "tusk: Option '--download <value>' argument missing"],
      [['sweep', 'best', 'sweep-1', '--download', ''], 'tusk: --download needs a directory (to write model.json and weights.bin to)'],
      [['sweeps', 'list'], 'tusk: unknown command "sweeps list"'],
    ] as [string[], string][]) {
      const r = await tusk(...argv);
      expect({ argv, code: r.code, first: r.stderr.split('\n')[0] }).toEqual({ argv, code: 2, first: message });
      expect(r.stderr).toContain(
        argv.length === 0 || argv[0] === 'frobnicate' || argv[0] === 'sweeps'
          ? 'Usage: tusk <command> [options]'
          : "Run 'tusk --help' for usage.",
      );
    }
    const unknown = await tusk('jobs', 'list', '--bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
  });

  it('exits 1 with a message when a file cannot be read', async () => {
    const r = await tusk('jobs', 'submit', '/nonexistent/job.json');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'tusk: cannot read /nonexistent/job.json: ENOENT\n' });
  });

  it('lists the sweep commands in the usage', async () => {
    const r = await tusk('--help');
    for (const command of [
      'sweep submit <file.json> [--watch]',
      'sweep watch <id>',
      'sweep best <id> [--download <dir>]',
      'sweep list',
      'sweep cancel <id>',
    ])
      expect(r.stdout).toContain(`tusk ${command}`);
  });

  it('exits 1 with a message when a sweep file cannot be read', async () => {
    const r = await tusk('sweep', 'submit', '/nonexistent/sweep.json');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'tusk: cannot read /nonexistent/sweep.json: ENOENT\n' });
  });

  it('exits 1 with a message when the driver cannot be reached', async () => {
    const r = await tusk('jobs', 'list', '--timeout', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tusk: cannot reach the driver at http:\/\/127\.0\.0\.1:9/);
  });
});
