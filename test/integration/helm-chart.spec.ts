// deploy/helm/tusk rendered with its values (test/harness/helm: Go templates without a helm binary) and every object
// validated against its published schema (kubernetes-models, its KEDA and Prometheus-operator models). No cluster
// runs here: what a cluster would do with the objects is not tested, only that they are valid and say what they should.
import { describe, expect, it } from '@jest/globals';
import { loadEnv } from '@tusk/config';
import { WorkerEnv } from '../../apps/worker/src/worker-env.js';
import { ChartFailure } from '../harness/helm/helm-functions.js';
import { find, validateObject } from '../harness/helm/k8s-objects.js';
import { APPS, appDeployment, declaredVariables, renderTusk, SECRETS } from '../harness/helm/tusk-chart.js';

/** Variables the chart sets that no app reads: APP picks the app in the image's entrypoint, TMPDIR is the OS's. */
const NOT_APP_VARIABLES = new Set(['APP', 'TMPDIR']);

describe('the Helm chart deploy/helm/tusk', () => {
  it('renders only objects valid against their schemas, in every configuration below', () => {
    const configurations = [
      renderTusk(),
      renderTusk({ minio: { enabled: true }, s3: { endpoint: '' } }),
      renderTusk({ nats: { enabled: false }, externalNats: { url: 'nats://nats.shared:4222', monitoringEndpoint: 'nats.shared:8222' } }),
      renderTusk({ secrets: { existingSecret: 'tusk-managed', apiToken: '', natsPassword: '', s3SecretKey: '' } }),
      renderTusk({ driver: { nodeSelector: { pool: 'cpu' } }, worker: { tolerations: [{ key: 'gpu', operator: 'Exists' }] } }),
      renderTusk({}, { apiVersions: [] }),
    ];
    for (const { objects } of configurations) for (const object of objects) validateObject(object);
    const kinds = configurations[0].objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`).sort();
    expect(kinds).toEqual([
      'ConfigMap/tusk-config',
      'Deployment/tusk-driver',
      'Deployment/tusk-parameter-server',
      'Deployment/tusk-worker',
      'PodDisruptionBudget/tusk-driver',
      'PodDisruptionBudget/tusk-parameter-server',
      'PodDisruptionBudget/tusk-worker',
      'ScaledObject/tusk-worker',
      'Secret/tusk-secrets',
      'Service/tusk-driver',
      'Service/tusk-parameter-server',
      'Service/tusk-worker',
      'ServiceAccount/tusk',
      'ServiceMonitor/tusk',
    ]);
    expect(() => validateObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two' } })).toThrow(
      /breaks its schema/,
    );
  });

  it.each(APPS)('runs the $component as a Deployment whose environment the app accepts', ({ component, envClass, portVariable }) => {
    const { container, env } = appDeployment(renderTusk(), component);
    expect(container.image).toBe('tusk:0.1.0');
    expect(env.APP).toBe(component);
    const declared = declaredVariables(envClass);
    expect(Object.keys(env).filter((name) => !declared.has(name) && !NOT_APP_VARIABLES.has(name))).toEqual([]);
    const loaded = loadEnv(envClass, env) as Record<string, unknown>;
    expect(loaded).toMatchObject({ NATS_URL: 'nats://tusk-nats:4222', NATS_USER: 'tusk', NATS_PASS: SECRETS.natsPassword });
    expect(loaded).toMatchObject({ S3_ENDPOINT: 'https://s3.example.internal', S3_SECRET_KEY: SECRETS.s3SecretKey, LOG_FORMAT: 'json' });
    expect(loaded.TUSK_API_TOKEN).toBe(component === 'driver' ? SECRETS.apiToken : undefined);
    expect(container.ports).toEqual([{ name: 'http', containerPort: loaded[portVariable], protocol: 'TCP' }]);
  });

  it.each(APPS)('probes the $component: /health for startup and readiness, the socket for liveness', ({ component }) => {
    const { container } = appDeployment(renderTusk(), component);
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    // /health is 503 while NATS or S3 is away, which the apps outlast: liveness must not restart them for it.
    expect(container.livenessProbe).toMatchObject({ tcpSocket: { port: 'http' } });
    expect(container.livenessProbe.httpGet).toBeUndefined();
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
  });

  it.each(APPS)('runs the $component as non-root, read-only, without a service-account token', ({ component }) => {
    const { deployment, container } = appDeployment(renderTusk(), component);
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(Object.keys(deployment.spec.template.metadata.annotations).sort()).toEqual(['checksum/config', 'checksum/secrets']);
  });

  it('keeps exactly one driver, replaced rather than rolled (two drivers would both run every job)', () => {
    const { deployment } = appDeployment(renderTusk(), 'driver');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('gives every app a PodDisruptionBudget over its own pods', () => {
    const rendered = renderTusk({ worker: { pdb: { maxUnavailable: '50%' } } });
    const expected = { driver: 1, 'parameter-server': 1, worker: '50%' };
    for (const { component } of APPS) {
      const { deployment } = appDeployment(rendered, component);
      const pdb = find<{ spec: { maxUnavailable: unknown; selector: { matchLabels: Record<string, string> } } }>(
        rendered.objects,
        'PodDisruptionBudget',
        `tusk-${component}`,
      );
      expect(pdb.spec.maxUnavailable).toBe(expected[component]);
      expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(deployment.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
    }
  });

  it("lets a removed worker drain its task: the pod's grace outlasts the worker's own", () => {
    for (const drainSeconds of [60, 300]) {
      const { deployment, env } = appDeployment(renderTusk({ worker: { drainSeconds } }), 'worker');
      const grace = deployment.spec.template.spec.terminationGracePeriodSeconds;
      // The worker: no new task, the one in hand gets TUSK_SHUTDOWN_GRACE_S (JetStreamServer's graceMs), then nak,
      // heartbeat removed (a KV purge, 5 s JetStream timeout at most) and NATS drained.
      expect(loadEnv(WorkerEnv, env).TUSK_SHUTDOWN_GRACE_S).toBe(drainSeconds);
      expect(grace).toBe(drainSeconds + 15);
      expect(grace - drainSeconds).toBeGreaterThanOrEqual(10);
    }
  });

  it('passes whole numbers in extra env as integers, not as Go floats (1e+09)', () => {
    const { env } = appDeployment(renderTusk({ driver: { env: { TUSK_MAX_UPLOAD_BYTES: 1073741824, LOG_LEVEL: 'warn' } } }), 'driver');
    expect(env.TUSK_MAX_UPLOAD_BYTES).toBe('1073741824');
    expect(env.LOG_LEVEL).toBe('warn');
  });

  it('fails closed: an install without a secret stops naming it', () => {
    for (const [key, message] of [
      ['apiToken', /secrets\.apiToken/],
      ['s3SecretKey', /secrets\.s3SecretKey/],
      ['natsPassword', /secrets\.natsPassword/],
    ] as const) {
      expect(() => renderTusk({ secrets: { [key]: '' } })).toThrow(ChartFailure);
      expect(() => renderTusk({ secrets: { [key]: '' } })).toThrow(message);
    }
    expect(() => renderTusk({ secrets: { apiToken: 'short' } })).toThrow(/at least 8 characters/);
  });

  it('reads every secret from an existing Secret when given one, and creates none', () => {
    const rendered = renderTusk({ secrets: { existingSecret: 'tusk-managed', apiToken: '', natsPassword: '', s3SecretKey: '' } });
    expect(rendered.objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const managed = { apiToken: 'managed-token', natsPassword: 'managed-nats', s3AccessKey: 'ak', s3SecretKey: 'managed-s3' };
    const { env, deployment } = appDeployment(rendered, 'driver', { secrets: { 'tusk-managed': managed } });
    expect(env).toMatchObject({ TUSK_API_TOKEN: 'managed-token', NATS_PASS: 'managed-nats', S3_ACCESS_KEY: 'ak' });
    expect(Object.keys(deployment.spec.template.metadata.annotations)).toEqual(['checksum/config']);
  });

  it('names everything after the release, and NATS by its own chart rule', () => {
    const { env } = appDeployment(renderTusk({}, { releaseName: 'ml' }), 'worker', { fullname: 'ml-tusk' });
    expect(env.NATS_URL).toBe('nats://ml-nats:4222');
    const prod = renderTusk({}, { releaseName: 'tusk-prod', namespace: 'training' });
    expect(appDeployment(prod, 'driver', { fullname: 'tusk-prod' }).env.NATS_URL).toBe('nats://tusk-prod-nats:4222');
    expect(find(prod.objects, 'Secret', 'tusk-prod-secrets')).toBeDefined();
  });
});
