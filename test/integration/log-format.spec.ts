import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';

/** Every line the three apps wrote while a cluster started, a request was served and it stopped, by service. */
async function clusterOutput(format: 'json' | 'text'): Promise<{ service: string; line: string }[]> {
  const nats = await suiteNats();
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const env = { ...serviceEnv({ natsUrl: nats.url, s3: testS3() }), TUSK_BACKEND: 'cpu', LOG_FORMAT: format, LOG_LEVEL: 'log' };
  const cluster = new LocalCluster({
    dataDir: nats.storeDir,
    workers: 1,
    natsUrl: nats.url,
    s3Endpoint: env.S3_ENDPOINT,
    bucket: env.S3_BUCKET,
    logSink: sink,
    env,
  });
  try {
    await cluster.start();
    expect((await fetch(`${cluster.driverUrl}/workers`)).status).toBe(200);
  } finally {
    await cluster.stop();
    await nats.process.stop();
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((part) => ({ service: part.slice(0, part.indexOf('| ')).trim(), line: part.slice(part.indexOf('| ') + 2) }));
}

const APPS = ['driver', 'parameter-server', 'worker-1'];

describe('LOG_FORMAT in the driver, the parameter server and the worker', () => {
  it('json: every line of every app is one JSON record naming its service', async () => {
    const lines = (await clusterOutput('json')).filter((l) => APPS.includes(l.service));
    for (const app of APPS) expect(lines.filter((l) => l.service === app).length).toBeGreaterThan(2);
    for (const { service, line } of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(record).toMatchObject({
        time: expect.any(String),
        level: expect.any(String),
        service: service.replace(/-\d+$/, ''),
        message: expect.any(String),
      });
    }
  }, 120_000);

  it("text: Nest's lines led by the service and pid, without colour codes in a pipe, no JSON", async () => {
    const lines = (await clusterOutput('text')).filter((l) => APPS.includes(l.service));
    for (const app of APPS) {
      const service = app.replace(/-\d+$/, '');
      const own = lines.filter((l) => l.service === app).map((l) => l.line);
      // `[driver] 1234  - 11/26/2026, 2:50:00 AM     LOG [RouterExplorer] Mapped {/jobs, GET} route`
      const nest = own.filter((line) => / (LOG|WARN|ERROR) \[/.test(line));
      expect(nest.length).toBeGreaterThan(2);
      for (const line of nest) expect(line).toMatch(new RegExp(`^\\[${service}\\] \\d+  - `));
      expect(own).toContainEqual(expect.stringMatching(new RegExp(`^${service}: SIGTERM: shutting down$`)));
      expect(own.filter((line) => line.includes('\u001b[') || line.trimStart().startsWith('{'))).toEqual([]);
    }
  }, 120_000);
});
