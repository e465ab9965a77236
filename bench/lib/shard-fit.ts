import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { parseIdx, toFloat32 } from '@tusk/data';
import { buildModel, trainEpochs } from '@tusk/model';
import { warmUpBackend } from '../../apps/worker/src/training/warm-up.js';
import { useWasmBackend } from '../../scripts/demo/evaluate.js';
import { readSplitBytes, type SplitFiles } from '../../scripts/demo/fashion-mnist.js';
import { MLP_COMPILE, mlpTopology, mlpTraining, NUM_CLASSES } from '../../scripts/demo/mlp.js';

/**
 * The ceiling of data-parallel training on this machine: `shards` local processes started at once, each training
 * the MLP on its own contiguous share of the rows for `epochs` epochs, with nothing exchanged between them. The
 * shares are cut beforehand into raw uint8 files, as a dataset upload cuts partitions, and each process clocks
 * itself as a worker's job does: from reading its file (then scaling it to float32 and building its tensors) to the
 * end of training, its kernels warmed up first as a worker's are at boot. The slowest one is the figure: no job can
 * train its partitions faster on the same cores.
 */
export async function shardedFitSeconds({ split, shards, epochs }: { split: SplitFiles; shards: number; epochs: number }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-shards-'));
  try {
    const { images, labels } = readSplitBytes(split);
    const pixels = parseIdx(images);
    const classes = parseIdx(labels);
    const rows = pixels.shape[0];
    const rowSize = pixels.shape.slice(1).reduce((a, b) => a * b, 1);
    for (let shard = 0; shard < shards; shard++) {
      const first = Math.floor((shard * rows) / shards);
      const end = Math.floor(((shard + 1) * rows) / shards);
      writeFileSync(join(dir, `${shard}.images`), pixels.data.subarray(first * rowSize, end * rowSize) as Uint8Array);
      writeFileSync(join(dir, `${shard}.labels`), classes.data.subarray(first, end) as Uint8Array);
    }
    const child = fileURLToPath(import.meta.url);
    const runs = Array.from(
      { length: shards },
      (_, shard) =>
        new Promise<number>((resolve, reject) => {
          const args = [child, join(dir, String(shard)), String(rowSize), String(epochs)];
          const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          proc.on('error', reject);
          proc.on('exit', (code) => {
            const seconds = Number(/^SECONDS (\S+)$/m.exec(out)?.[1]);
            if (code === 0 && Number.isFinite(seconds)) resolve(seconds);
            else reject(new Error(`shard ${shard} of ${shards} exited with ${code}: ${out.trim()}`));
          });
        }),
    );
    return Math.max(...(await Promise.all(runs)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In the child: reads its shard, trains on it and prints `SECONDS <s>`. */
async function trainShard(path: string, rowSize: number, epochs: number): Promise<void> {
  await useWasmBackend();
  await warmUpBackend(); // as a worker does at boot, before any task
  const training = mlpTraining({ epochs, partitions: 1, validationSplit: 0 });
  const model = await buildModel({ topology: mlpTopology(), compile: MLP_COMPILE, seed: training.seed });
  const touched = performance.now();
  const labels = readFileSync(`${path}.labels`);
  const rows = labels.length;
  const x = tf.tensor2d(toFloat32({ data: readFileSync(`${path}.images`), scale: 1 / 255 }), [rows, rowSize]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), NUM_CLASSES).toFloat();
  await trainEpochs({ model, x, y, epochs, batchSize: training.batchSize, seed: training.seed });
  console.log(`SECONDS ${(performance.now() - touched) / 1000}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, rowSize, epochs] = process.argv.slice(2);
  await trainShard(path, Number(rowSize), Number(epochs));
}
