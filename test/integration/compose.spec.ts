// Checks docker-compose.yml with `docker-compose config`, which needs no Docker engine.
// docker-compose 1.29 prints YAML only, so the per-service checks read its
// normalised output (two-space service names, four-space keys) line by line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it, expect } from '@jest/globals';
import { MALLOC_ENV } from '../../scripts/cluster/malloc-env.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const composeFile = join(repoRoot, 'docker-compose.yml');
const clusterFile = join(repoRoot, 'docker-compose.cluster.yml');
const MISSING = 'docker-compose is missing: apt-get install docker-compose';
const API_TOKEN = 'compose-spec-token';
/** The secrets compose refuses to start without (`${VAR:?...}`), as .env.example lists them. */
const SECRETS = ['TUSK_API_TOKEN', 'NATS_PASS', 'S3_SECRET_KEY', 'GRAFANA_ADMIN_PASSWORD'] as const;
const secrets: Record<string, string> = {
  TUSK_API_TOKEN: API_TOKEN,
  NATS_PASS: 'compose-spec-nats',
  S3_SECRET_KEY: 'compose-spec-s3',
  GRAFANA_ADMIN_PASSWORD: 'compose-spec-grafana',
};

const envDir = mkdtempSync(join(tmpdir(), 'tusk-compose-'));
afterAll(() => rmSync(envDir, { recursive: true, force: true }));
let envFiles = 0;

/** An env file as a user would write from .env.example: every secret filled in but those left out. */
function envFile(values: Record<string, string>): string {
  const path = join(envDir, `env-${++envFiles}`);
  writeFileSync(
    path,
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return path;
}
const without = (name: string) => Object.fromEntries(Object.entries(secrets).filter(([k]) => k !== name));

/** The host environment without the settings the compose file interpolates: only the env file sets them. */
function composeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(NATS_|S3_|TUSK_|LOG_|COMPOSE_|DOCKER_|GRAFANA_|PROMETHEUS_)/.test(key)) env[key] = value;
  }
  return env;
}

/** `docker-compose --env-file <file> -f docker-compose.yml [-f …] <args>`; throws with compose's stderr when it fails. */
function compose(args: string[], values: Record<string, string> = secrets, files: string[] = [composeFile]): string {
  try {
    return execFileSync('docker-compose', ['--env-file', envFile(values), ...files.flatMap((f) => ['-f', f]), ...args], {
      cwd: repoRoot,
      env: composeEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number | null; stderr?: string };
    if (e.code === 'ENOENT') throw new Error(MISSING, { cause: err });
    throw new Error(`docker-compose ${args.join(' ')} exited ${e.status ?? e.code}: ${e.stderr ?? e.message}`, { cause: err });
  }
}

/** The lines of one service's block in `docker-compose config` output. */
function serviceBlock(config: string, service: string): string {
  const lines = config.split('\n');
  const start = lines.indexOf(`  ${service}:`);
  if (start < 0) throw new Error(`service ${service} not found in docker-compose config output`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^ {0,2}\S/.test(line)) break; // next service or next top-level key
    block.push(line);
  }
  return block.join('\n');
}

const APPS = ['driver', 'parameter-server', 'worker'] as const;

describe('docker-compose.yml', () => {
  it('is valid for docker-compose, with and without the observability profile', () => {
    expect(() => compose(['config', '-q'])).not.toThrow();
    expect(() => compose(['--profile', 'observability', 'config', '-q'])).not.toThrow();
  });

  it('defines exactly the Tusk services, Prometheus and Grafana only in the observability profile', () => {
    // docker-compose 1.29 lists profiled services too; the profiles key tells them apart.
    const services = compose(['config', '--services'])
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .sort();
    expect(services).toEqual(['driver', 'grafana', 'minio', 'minio-init', 'nats', 'parameter-server', 'prometheus', 'worker']);
    const config = compose(['--profile', 'observability', 'config']);
    const profiled = services.filter((s) => /^ {4}profiles:\n {4}- observability$/m.test(serviceBlock(config, s)));
    expect(profiled).toEqual(['grafana', 'prometheus']);
  });

  it('wires Prometheus to deploy/prometheus.yml and Grafana to the provisioned dashboard on port 3000', () => {
    const config = compose(['--profile', 'observability', 'config']);
    const prometheus = serviceBlock(config, 'prometheus');
    expect(prometheus).toMatch(/^ {4}image: prom\/prometheus:/m);
    expect(prometheus).toContain(`${join(repoRoot, 'deploy/prometheus.yml')}:/etc/prometheus/prometheus.yml:ro`);
    const grafana = serviceBlock(config, 'grafana');
    expect(grafana).toMatch(/^ {4}image: grafana\/grafana:/m);
    expect(grafana).toMatch(/^ {4}- published: 3000\n {6}target: 3000$/m);
    expect(grafana).toContain(`${join(repoRoot, 'deploy/grafana/provisioning')}:/etc/grafana/provisioning:ro`);
    expect(grafana).toContain(`${join(repoRoot, 'deploy/grafana/tusk-dashboard.json')}:/etc/grafana/dashboards/tusk-dashboard.json:ro`);
    expect(grafana).toMatch(/^ {6}prometheus:\n {8}condition: service_healthy$/m);
  });

  it('lets the worker scale: no container_name and no published ports', () => {
    const config = compose(['config']);
    const worker = serviceBlock(config, 'worker');
    expect(worker).toMatch(/^ {4}image: /m); // the block was really found
    expect(worker).not.toMatch(/^ {4}container_name:/m);
    expect(worker).not.toMatch(/^ {4}ports:/m);
    // the same checks do see a published port where there is one
    expect(serviceBlock(config, 'driver')).toMatch(/^ {4}ports:\n(?: {4}.*\n)*? {4}- published: 8080\n {6}target: 8080$/m);
  });

  it('builds the apps from deploy/Dockerfile with health checks, restart policy and ordered start-up', () => {
    const config = compose(['config']);
    for (const app of APPS) {
      const block = serviceBlock(config, app);
      expect(block).toContain('dockerfile: deploy/Dockerfile');
      expect(block).toMatch(new RegExp(`^ {6}APP: ${app}$`, 'm'));
      expect(block).toMatch(/^ {4}restart: unless-stopped$/m);
      expect(block).toMatch(/^ {4}healthcheck:$/m);
      expect(block).toMatch(/^ {6}NATS_URL: nats:\/\/nats:4222$/m);
      expect(block).toMatch(/^ {6}S3_ENDPOINT: http:\/\/minio:9000$/m);
      expect(block).toMatch(/^ {6}nats:\n {8}condition: service_healthy$/m);
      expect(block).toMatch(/^ {6}minio:\n {8}condition: service_healthy$/m);
      expect(block).toMatch(/^ {6}minio-init:\n {8}condition: service_completed_successfully$/m);
    }
    // The image reuses big buffers from the heap as the local launcher does (scripts/cluster/malloc-env.ts), and so do
    // the benches that time the apps against in-process baselines: the values are written in each place, kept equal here.
    const dockerfile = readFileSync(join(repoRoot, 'deploy/Dockerfile'), 'utf8');
    const { scripts } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const [name, value] of Object.entries(MALLOC_ENV)) {
      expect(dockerfile).toMatch(new RegExp(`^ +${name}=${value}\\b`, 'm'));
      for (const bench of ['bench:convergence', 'bench:fan-in']) expect(scripts[bench]).toContain(`${name}=${value} `);
    }
    expect(serviceBlock(config, 'driver')).toMatch(/127\.0\.0\.1:8080\/health/);
    expect(serviceBlock(config, 'parameter-server')).toMatch(/127\.0\.0\.1:8082\/health/);
    expect(serviceBlock(config, 'worker')).toMatch(/127\.0\.0\.1:8081\/health/);
  });

  it('takes the driver API token and the other secrets from the env file', () => {
    const config = compose(['--profile', 'observability', 'config']);
    expect(serviceBlock(config, 'driver')).toMatch(new RegExp(`^ {6}TUSK_API_TOKEN: ${API_TOKEN}$`, 'm'));
    for (const app of APPS) {
      expect(serviceBlock(config, app)).toMatch(/^ {6}NATS_PASS: compose-spec-nats$/m);
      expect(serviceBlock(config, app)).toMatch(/^ {6}S3_SECRET_KEY: compose-spec-s3$/m);
    }
    expect(serviceBlock(config, 'minio')).toMatch(/^ {6}MINIO_ROOT_PASSWORD: compose-spec-s3$/m);
    expect(serviceBlock(config, 'grafana')).toMatch(/^ {6}GF_SECURITY_ADMIN_PASSWORD: compose-spec-grafana$/m);
    expect(config).not.toMatch(/change-me/);
  });

  it.each(SECRETS)('fails closed, naming %s, when that secret is missing or empty', (name) => {
    expect(() => compose(['config', '-q'], without(name))).toThrow(new RegExp(`${name}.*set ${name} in \\.env \\(see \\.env\\.example\\)`));
    expect(() => compose(['config', '-q'], { ...without(name), [name]: '' })).toThrow(new RegExp(`set ${name} in \\.env`));
  });

  it('ships a .env.example that lists every secret, empty, and works once they are filled in', () => {
    const example = readFileSync(join(repoRoot, '.env.example'), 'utf8');
    for (const name of SECRETS) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
    const filled = example.replace(/^([A-Z0-9_]+)=$/gm, (_, name: string) => `${name}=filled-${name.toLowerCase()}`);
    const settings = filled.split('\n').filter((l) => /^[A-Z0-9_]+=/.test(l));
    const values = Object.fromEntries(settings.map((l) => l.split('=', 2) as [string, string]));
    expect(Object.keys(values).sort()).toEqual([...SECRETS].sort());
    expect(serviceBlock(compose(['config'], values), 'driver')).toMatch(/^ {6}TUSK_API_TOKEN: filled-tusk_api_token$/m);
  });
});

describe('docker-compose.cluster.yml, on top of docker-compose.yml', () => {
  const cluster = (args: string[], values: Record<string, string> = secrets) => compose(args, values, [composeFile, clusterFile]);
  const NODES = ['nats', 'nats-2', 'nats-3'];

  it('is valid for docker-compose and still refuses to start without NATS_PASS', () => {
    expect(() => cluster(['config', '-q'])).not.toThrow();
    expect(() => cluster(['config', '-q'], without('NATS_PASS'))).toThrow(/set NATS_PASS in \.env/);
  });

  it('runs three NATS 2.10 nodes from deploy/nats-cluster.conf, each with its name and its own store', () => {
    const config = cluster(['config']);
    const stores = new Set<string>();
    NODES.forEach((node, i) => {
      const block = serviceBlock(config, node);
      expect(block).toMatch(/^ {4}image: nats:2\.10-alpine$/m);
      expect(block).toContain(`${join(repoRoot, 'deploy/nats-cluster.conf')}:/etc/nats/tusk-cluster.conf:ro`);
      expect(block).toMatch(/^ {4}- \/etc\/nats\/tusk-cluster\.conf$/m);
      expect(block).toMatch(new RegExp(`^ {6}NATS_SERVER_NAME: nats-${i + 1}$`, 'm'));
      expect(block).toMatch(/healthz\?js-enabled-only=true/);
      stores.add(block.match(/^ {4}- (\S+):\/data:rw$/m)![1]);
    });
    expect(stores).toEqual(new Set(['nats-data', 'nats-2-data', 'nats-3-data']));
  });

  it('points every app at all three nodes, with 3 replicas, started once every node is healthy', () => {
    const config = cluster(['config']);
    for (const app of APPS) {
      const block = serviceBlock(config, app);
      expect(block).toMatch(/^ {6}NATS_URL: nats:\/\/nats:4222,nats:\/\/nats-2:4222,nats:\/\/nats-3:4222$/m);
      expect(block).toMatch(/^ {6}TUSK_NATS_REPLICAS: '3'$/m);
      for (const node of NODES) expect(block).toMatch(new RegExp(`^ {6}${node}:\n {8}condition: service_healthy$`, 'm'));
    }
  });

  it('clusters the nodes over routes with fsync on every ack, and both configs name the nats-server versions they need', () => {
    const conf = readFileSync(join(repoRoot, 'deploy/nats-cluster.conf'), 'utf8');
    expect(conf).toMatch(/^ {2}routes: \[nats:\/\/nats:6222, nats:\/\/nats-2:6222, nats:\/\/nats-3:6222\]$/m);
    expect(conf).toMatch(/^ {2}sync_interval: always$/m);
    expect(conf).toMatch(/^server_name: \$NATS_SERVER_NAME$/m);
    for (const file of ['deploy/nats.conf', 'deploy/nats-cluster.conf'])
      expect(readFileSync(join(repoRoot, file), 'utf8')).toMatch(/nats-server 2\.10 or newer: 2\.9 .*cannot parse `sync_interval`/);
  });
});
