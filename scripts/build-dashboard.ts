import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `npm run build`'s last step: bundles the dashboard (Preact + uPlot) into dist/dashboard for the driver to serve. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const source = join(root, 'apps/dashboard');
const out = join(root, 'dist/dashboard');

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'assets'), { recursive: true });
const result = await build({
  entryPoints: { app: join(source, 'src/main.tsx') },
  outdir: join(out, 'assets'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: join(source, 'tsconfig.json'),
  metafile: true,
  logLevel: 'warning',
});
const digest = async (file: string) =>
  createHash('sha256')
    .update(await readFile(join(out, 'assets', file)))
    .digest('hex')
    .slice(0, 12);
// Query strings that change with the content: a browser never runs a stale bundle after an upgrade.
const html = (await readFile(join(source, 'index.html'), 'utf8'))
  .replace('%HASH_JS%', await digest('app.js'))
  .replace('%HASH_CSS%', await digest('app.css'));
await writeFile(join(out, 'index.html'), html);
const bytes = Object.values(result.metafile.outputs)
  .filter((o) => !o.entryPoint?.endsWith('.map'))
  .reduce((s, o) => s + o.bytes, 0);
console.log(`dashboard: dist/dashboard (${Math.round(bytes / 1024)} KiB with source maps)`);
