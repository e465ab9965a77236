import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { line, requireString, type CommandContext, type OptionValues } from './context.js';

/** `tusk models download <jobId> --out <dir>`: model.json and weights.bin side by side, as tfjs loads them. */
export async function downloadModel(ctx: CommandContext, jobId: string, values: OptionValues): Promise<number> {
  const out = requireString(values, 'out', '(the directory to write model.json and weights.bin to)');
  const modelJson = await ctx.client.modelFile(jobId, 'model.json');
  const weights = await ctx.client.modelFile(jobId, 'weights.bin');
  await mkdir(out, { recursive: true });
  for (const [name, bytes] of [
    ['model.json', modelJson],
    ['weights.bin', weights],
  ] as const) {
    const path = join(out, name);
    await writeFile(path, bytes);
    line(ctx.stdout, `wrote ${path} (${bytes.byteLength} bytes)`);
  }
  return 0;
}
