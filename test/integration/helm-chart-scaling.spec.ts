// deploy/helm/tusk: the KEDA ScaledObject, the ServiceMonitor, the NATS dependency and the S3 choice, rendered
// with the chart's values (see helm-chart.spec.ts for how, and for what is not tested without a cluster).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { TASKS_CONSUMER, TASKS_STREAM } from '@tusk/contracts';
import { ChartFailure } from '../harness/helm/helm-functions.js';
import { parseYaml11, renderTemplateString } from '../harness/helm/helm-chart.js';
import { find } from '../harness/helm/k8s-objects.js';
import { appDeployment, CHART_DIR, renderTusk } from '../harness/helm/tusk-chart.js';

interface ScaledObjectSpec {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    cooldownPeriod: number;
    triggers: { type: string; metadata: Record<string, string> }[];
  };
}
interface ServiceSpec {
  metadata: { labels: Record<string, string> };
  spec: { ports: { name: string; port: number; targetPort: string }[] };
}
interface ServiceMonitorSpec {
  spec: {
    selector: { matchLabels: Record<string, string>; matchExpressions: { key: string; operator: string; values: string[] }[] };
    endpoints: { port: string; path: string; honorLabels: boolean }[];
  };
}

const kinds = (objects: Record<string, unknown>[]) => objects.map((o) => o.kind);

describe('the Helm chart deploy/helm/tusk: scaling, monitoring, NATS and S3', () => {
  it("scales the workers with KEDA on the task consumer's lag and the driver's count of every task, from 0 to maxWorkers", () => {
    const rendered = renderTusk({ worker: { autoscaling: { maxWorkers: 40, lagThreshold: 2 } } });
    const scaled = find<ScaledObjectSpec>(rendered.objects, 'ScaledObject', 'tusk-worker');
    expect(scaled.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'tusk-worker' });
    expect(scaled.spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 40, cooldownPeriod: 300 });
    expect(scaled.spec.triggers).toEqual([
      {
        type: 'nats-jetstream',
        metadata: {
          natsServerMonitoringEndpoint: 'tusk-nats-headless.default.svc.cluster.local:8222',
          account: '$G',
          stream: TASKS_STREAM,
          consumer: TASKS_CONSUMER,
          lagThreshold: '2',
          activationLagThreshold: '0',
        },
      },
      // Tasks addressed to a worker (partition affinity) are not in that consumer: the driver counts every task.
      {
        type: 'metrics-api',
        metadata: {
          url: 'http://tusk-driver.default.svc.cluster.local:8080/metrics',
          format: 'prometheus',
          valueLocation: 'tusk_tasks_in_stream',
          targetValue: '2',
          activationTargetValue: '0',
        },
      },
    ]);
    // KEDA's HPA owns the worker count: a replicas field would be reset by every helm upgrade.
    expect(appDeployment(rendered, 'worker').deployment.spec.replicas).toBeUndefined();
  });

  it('creates the ScaledObject and the ServiceMonitor only where the cluster serves their APIs, or when told to', () => {
    const bare = renderTusk({}, { apiVersions: [] });
    expect(kinds(bare.objects)).not.toContain('ScaledObject');
    expect(kinds(bare.objects)).not.toContain('ServiceMonitor');
    expect(appDeployment(bare, 'worker').deployment.spec.replicas).toBe(2);
    expect(bare.notes).toContain('serves no keda.sh/v1alpha1 API');
    const forced = renderTusk(
      { worker: { autoscaling: { skipApiCheck: true } }, serviceMonitor: { skipApiCheck: true } },
      { apiVersions: [] },
    );
    expect(kinds(forced.objects)).toEqual(expect.arrayContaining(['ScaledObject', 'ServiceMonitor']));
    const off = renderTusk({ worker: { autoscaling: { enabled: false }, replicas: 5 }, serviceMonitor: { enabled: false } });
    expect(kinds(off.objects)).not.toContain('ScaledObject');
    expect(kinds(off.objects)).not.toContain('ServiceMonitor');
    expect(appDeployment(off, 'worker').deployment.spec.replicas).toBe(5);
  });

  it("scrapes /metrics of every app through one ServiceMonitor that keeps the apps' own `service` label", () => {
    const rendered = renderTusk();
    const monitor = find<ServiceMonitorSpec>(rendered.objects, 'ServiceMonitor', 'tusk');
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics', honorLabels: true })]);
    const services = rendered.objects.filter((o) => o.kind === 'Service') as unknown as ServiceSpec[];
    const selected = services.filter(
      ({ metadata: { labels } }) =>
        Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => labels[k] === v) &&
        monitor.spec.selector.matchExpressions.every(({ key, values }) => values.includes(labels[key])),
    );
    expect(selected.map((s) => s.metadata.labels['app.kubernetes.io/component']).sort()).toEqual(['driver', 'parameter-server', 'worker']);
    for (const service of selected) expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'http', targetPort: 'http' })]);
  });

  it('depends on the official NATS chart: 3 JetStream servers on file storage, authenticated with the chart Secret', () => {
    const chart = parseYaml11(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { dependencies: Record<string, string>[] };
    expect(chart.dependencies).toEqual([
      expect.objectContaining({ name: 'nats', repository: 'https://nats-io.github.io/k8s/helm/charts/', condition: 'nats.enabled' }),
    ]);
    const { values } = renderTusk();
    const nats = values.nats as Record<string, Record<string, Record<string, unknown>>>;
    expect(nats.config.cluster).toEqual({ enabled: true, replicas: 3 });
    expect(nats.config.jetstream).toMatchObject({ enabled: true, fileStore: { enabled: true, pvc: { enabled: true, size: '10Gi' } } });
    expect(nats.config.jetstream.merge).toEqual({ sync_interval: 'always' });
    expect(nats.config.merge).toEqual({ max_payload: '<< 8MB >>', authorization: { user: 'tusk', password: '<< $NATS_PASS >>' } });
    // The subchart templates `$tplYaml` values itself: its NATS_PASS must come from the Secret this chart creates.
    const ref = (nats.container.env as { NATS_PASS: { valueFrom: { secretKeyRef: { name: { $tplYaml: string }; key: string } } } })
      .NATS_PASS.valueFrom.secretKeyRef;
    expect(ref.key).toBe('natsPassword');
    for (const [release, fullname] of [
      ['tusk', 'tusk'],
      ['ml', 'ml-tusk'],
    ]) {
      const secret = find(renderTusk({}, { releaseName: release }).objects, 'Secret', `${fullname}-secrets`);
      expect(renderTemplateString(ref.name.$tplYaml, { Release: { Name: release } })).toBe(secret.metadata.name);
    }
  });

  it('uses an external NATS when asked, with its monitoring endpoint for KEDA', () => {
    const external = { url: 'nats://nats.shared:4222', monitoringEndpoint: 'nats-headless.shared.svc.cluster.local:8222', account: 'TUSK' };
    const rendered = renderTusk({ nats: { enabled: false }, externalNats: external });
    const { env } = appDeployment(rendered, 'worker');
    expect(env.NATS_URL).toBe(external.url);
    expect(env.NATS_USER).toBeUndefined();
    expect(env.NATS_PASS).toBeUndefined();
    const scaled = find<ScaledObjectSpec>(rendered.objects, 'ScaledObject', 'tusk-worker');
    expect(scaled.spec.triggers[0].metadata).toMatchObject({ natsServerMonitoringEndpoint: external.monitoringEndpoint, account: 'TUSK' });
    const withUser = appDeployment(renderTusk({ nats: { enabled: false }, externalNats: { ...external, user: 'ml' } }), 'worker').env;
    expect(withUser).toMatchObject({ NATS_USER: 'ml', NATS_PASS: 'chart-spec-nats' });
    expect(() => renderTusk({ nats: { enabled: false } })).toThrow(/externalNats\.url/);
    expect(() => renderTusk({ nats: { enabled: false }, externalNats: { url: external.url } })).toThrow(/externalNats\.monitoringEndpoint/);
  });

  it('uses an existing S3 endpoint, or a MinIO of its own whose root credentials are the apps S3 keys', () => {
    expect(() => renderTusk({ s3: { endpoint: '' } })).toThrow(ChartFailure);
    expect(() => renderTusk({ s3: { endpoint: '' } })).toThrow(/s3\.endpoint/);
    const rendered = renderTusk({ minio: { enabled: true }, s3: { endpoint: '' } });
    expect(appDeployment(rendered, 'parameter-server').env).toMatchObject({ S3_ENDPOINT: 'http://tusk-minio:9000', S3_BUCKET: 'tusk' });
    const minio = find<{ spec: { template: { spec: { containers: { env: { name: string; valueFrom: unknown }[] }[] } } } }>(
      rendered.objects,
      'StatefulSet',
      'tusk-minio',
    );
    expect(minio.spec.template.spec.containers[0].env).toEqual([
      { name: 'MINIO_ROOT_USER', valueFrom: { secretKeyRef: { name: 'tusk-secrets', key: 's3AccessKey' } } },
      { name: 'MINIO_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: 'tusk-secrets', key: 's3SecretKey' } } },
    ]);
    expect(find(rendered.objects, 'Service', 'tusk-minio')).toBeDefined();
    expect(() => renderTusk({ minio: { enabled: true }, secrets: { s3SecretKey: 'short' } })).toThrow(/at least 8 characters/);
  });
});
