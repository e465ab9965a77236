import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobRecord, TrainingMode } from '@tusk/contracts';
import { ManagedProcess } from '../../scripts/local-services/index.js';

/** A positive whole number from the environment, or `fallback` when unset or empty. */
export const envInt = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${v}: must be a positive whole number`);
  return n;
};

/** A running job record of `params` parameters, as the parameter server expects to find it in tusk-jobs. */
export function asyncJob(id: string, mode: TrainingMode, params: number): JobRecord {
  const now = new Date().toISOString();
  return {
    id,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    round: 0,
    totalRounds: 1,
    params,
    history: [],
    backends: [],
    modelReady: false,
    spec: {
      name: id,
      model: {},
      compile: { optimizer: 'sgd', loss: 'mse', metrics: [] },
      datasetId: 'none',
      training: {
        mode,
        epochs: 1,
        batchSize: 1,
        partitions: 1,
        localEpochs: 1,
        validationSplit: 0,
        seed: 1,
        async: { frequency: 'batch', pushEvery: 1, maxStaleness: null, stalePolicy: 'reject' },
      },
    },
  };
}

/** Small finite values, so a long run of pushes never overflows. */
export function randomDelta(params: number): Float32Array {
  const out = new Float32Array(params);
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 1e-6;
  }
  return out;
}

/** Starts echo-responder.js in its own process, answering on `subject`; wait for it with echoReady. */
export function spawnEchoResponder(natsUrl: string, subject: string): ManagedProcess {
  return ManagedProcess.start({
    name: 'echo',
    command: process.execPath,
    args: [join(dirname(fileURLToPath(import.meta.url)), 'echo-responder.js')],
    options: { env: { ...process.env, NATS_URL: natsUrl, ECHO_SUBJECT: subject } },
  });
}

/** Resolves once the echo responder prints `ready`; rejects if it exits first or takes over 15 s. */
export function echoReady(echo: ManagedProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the echo responder did not start')), 15_000);
    echo.child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void echo.exited.then(() => reject(new Error('the echo responder exited')));
  });
}
