import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { WEIGHTS_BUCKET, weightsHeadKey, type JobRecord, type WeightsHead } from '@tusk/contracts';
import { driverApi } from '../harness/driver-api.js';
import { checkAsynchronous, checkSynchronous, type RunVerdict } from './chaos-checks.js';
import { ChaosCluster } from './chaos-cluster.js';
import { chaosJobBody } from './chaos-jobs.js';
import { chaosSchedule, describeRun, type ChaosRun } from './chaos-schedule.js';

/** `npm test` runs the short variant on a fixed schedule; `npm run test:chaos` draws a new seed unless given one. */
const RUNS = Number(process.env.TUSK_CHAOS_RUNS ?? 3);
const SEED_SETTING = process.env.TUSK_CHAOS_SEED ?? '1';
const SEED = SEED_SETTING === 'random' ? Math.floor(Math.random() * 1_000_000) : Number(SEED_SETTING);
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(SEED))
  throw new Error(
    `TUSK_CHAOS_RUNS=${process.env.TUSK_CHAOS_RUNS} and TUSK_CHAOS_SEED=${SEED_SETTING}: whole numbers (or TUSK_CHAOS_SEED=random)`,
  );
const WORKERS = 3;
const PARAMETER_SERVERS = 2;
const ACK_WAIT_S = 4;
/** A job not finished this long after its faults struck counts as stuck. */
const STUCK_AFTER_MS = 150_000;
const FAULT_WINDOW_MS = 8_000;

const print = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `npm run test:chaos` (20 runs) and, in `npm test`, a short variant (3 runs): synchronous, asynchronous and
 * hogwild jobs on a local cluster while a seeded scheduler kills and restarts workers, the driver, parameter
 * servers and nats-server, freezes workers past the ack wait and takes S3 away, at random moments.
 */
describe(`chaos: ${RUNS} runs, TUSK_CHAOS_SEED=${SEED}`, () => {
  let chaos: ChaosCluster;
  let api: ReturnType<typeof driverApi>;
  let datasetId: string;
  const references = new Map<number, JobRecord>();

  const train = async (run: Pick<ChaosRun, 'mode' | 'seed'>): Promise<string> => {
    const body = chaosJobBody({ datasetId, mode: run.mode, seed: run.seed });
    const job = await api.createJob(body);
    return job.id;
  };

  /** The fault-free run a synchronous run must match, trained once per seed. */
  const reference = async (seed: number): Promise<JobRecord> => {
    if (!references.has(seed)) {
      const job = await api.finished(await train({ mode: 'synchronous', seed }), STUCK_AFTER_MS);
      if (job.status !== 'succeeded') throw new Error(`the fault-free reference run ended ${job.status}: ${job.error}`);
      references.set(seed, job);
    }
    return references.get(seed)!;
  };

  const headOf = async (jobId: string): Promise<WeightsHead | null> => {
    const nc = await connect({ servers: chaos.cluster.nats!.url });
    try {
      const entry = await (await new Kvm(nc).open(WEIGHTS_BUCKET)).get(weightsHeadKey(jobId));
      return entry && entry.operation === 'PUT' ? entry.json<WeightsHead>() : null;
    } finally {
      await nc.close();
    }
  };

  const runOnce = async (run: ChaosRun): Promise<RunVerdict> => {
    const expected = run.mode === 'synchronous' ? await reference(run.seed) : undefined;
    const jobId = await train(run);
    const problems: string[] = [];
    const struckAt: number[] = [];
    const strikes = run.faults.map((f) =>
      sleep(f.atMs)
        .then(() => {
          struckAt.push(Date.now());
          return chaos.inject(f);
        })
        .catch((err) => {
          problems.push(`${f.kind}: ${(err as Error).message}`);
        }),
    );
    const job = await api.finished(jobId, STUCK_AFTER_MS).catch(() => null);
    await Promise.all(strikes);
    const down = await chaos.down(60_000);
    const midJob = job?.finishedAt ? struckAt.filter((t) => t < Date.parse(job.finishedAt!)).length : struckAt.length;
    if (!job)
      return {
        stuck: true,
        lost: false,
        duplicates: 0,
        down,
        midJob,
        problems: [...problems, `job ${jobId} did not finish within ${STUCK_AFTER_MS / 1000} s`],
      };
    if (job.status !== 'succeeded')
      return {
        stuck: false,
        lost: true,
        duplicates: 0,
        down,
        midJob,
        problems: [...problems, `job ${jobId} ended ${job.status}: ${job.error}`],
      };
    const checked = expected
      ? { duplicates: 0, ...checkSynchronous({ job, reference: expected }) }
      : checkAsynchronous({ job, head: await headOf(jobId) });
    return { stuck: false, lost: false, down, midJob, ...checked, problems: [...problems, ...checked.problems] };
  };

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(process.env.TUSK_TEST_ROOT ?? tmpdir(), 'chaos-'));
    chaos = await ChaosCluster.start({
      dataDir,
      logDir: mkdtempSync(join(tmpdir(), `tusk-chaos-${SEED}-`)),
      workers: WORKERS,
      parameterServers: PARAMETER_SERVERS,
      env: {
        TUSK_BACKEND: 'cpu',
        LOG_LEVEL: 'log',
        TUSK_TASK_ACK_WAIT_S: String(ACK_WAIT_S),
        TUSK_HEARTBEAT_S: '1',
        TUSK_TASK_MAX_ATTEMPTS: '10',
        TUSK_REQUEST_TIMEOUT_MS: '5000',
        TUSK_STALL_TIMEOUT_S: '120',
      },
    });
    api = driverApi(chaos.cluster);
    datasetId = await api.uploadBlobs({ rows: 6000, partitions: 3, seed: 3 });
  }, 180_000);

  afterAll(async () => {
    await chaos?.stop();
  });

  it(
    'ends every job correctly: synchronous weights identical, every push applied once, nothing lost or stuck, no service down',
    async () => {
      const schedule = chaosSchedule({
        seed: SEED,
        runs: RUNS,
        workers: WORKERS,
        parameterServers: PARAMETER_SERVERS,
        ackWaitMs: ACK_WAIT_S * 1000,
        windowMs: FAULT_WINDOW_MS,
      });
      print(
        `chaos: ${RUNS} runs, seed ${SEED} (replay: TUSK_CHAOS_SEED=${SEED} TUSK_CHAOS_RUNS=${RUNS} npm run test:chaos); ` +
          `service logs in ${chaos.logPath}`,
      );
      const tally = { runs: 0, faults: 0, midJob: 0, sync: 0, identical: 0, duplicates: 0, lost: 0, stuck: 0, down: 0 };
      const failures: string[] = [];
      for (const run of schedule) {
        print(describeRun(run));
        const started = Date.now();
        const verdict = await runOnce(run);
        tally.runs += 1;
        tally.faults += run.faults.length;
        tally.midJob += verdict.midJob;
        if (run.mode === 'synchronous') tally.sync += 1;
        if (verdict.identical) tally.identical += 1;
        tally.duplicates += verdict.duplicates;
        tally.lost += verdict.lost ? 1 : 0;
        tally.stuck += verdict.stuck ? 1 : 0;
        tally.down += verdict.down.length > 0 ? 1 : 0;
        const ok = verdict.problems.length === 0 && verdict.down.length === 0;
        const problems = [...verdict.problems, ...verdict.down.map((s) => `${s} down`)].join('; ');
        print(
          `  ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
            `${verdict.midJob}/${run.faults.length} fault(s) while the job ran${ok ? '' : `: ${problems}`}`,
        );
        if (!ok) failures.push(`${describeRun(run)}: ${problems}`);
      }
      print(
        `RESULT chaos runs=${tally.runs} faults=${tally.faults} sync_identical=${tally.identical}/${tally.sync} ` +
          `async_duplicates=${tally.duplicates} lost=${tally.lost} stuck=${tally.stuck} down=${tally.down} mid_job_faults=${tally.midJob}`,
      );
      expect(failures).toEqual([]);
      expect(tally).toMatchObject({ identical: tally.sync, duplicates: 0, lost: 0, stuck: 0, down: 0 });
    },
    RUNS * 200_000 + 300_000,
  );
});
