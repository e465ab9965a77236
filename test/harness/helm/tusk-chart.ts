import { fileURLToPath } from 'node:url';
import type { ClassConstructor } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import { DriverEnv } from '../../../apps/driver/src/driver-env.js';
import { ParameterServerEnv } from '../../../apps/parameter-server/src/ps-env.js';
import { WorkerEnv } from '../../../apps/worker/src/worker-env.js';
import { mergeValues, renderChart, type RenderedChart, type RenderOptions } from './helm-chart.js';
import { containerEnv, find } from './k8s-objects.js';

/** deploy/helm/tusk, rendered by the specs with the values below. */
export const CHART_DIR = fileURLToPath(new URL('../../../deploy/helm/tusk', import.meta.url));

export const SECRETS = { apiToken: 'chart-spec-token', natsPassword: 'chart-spec-nats', s3AccessKey: 'tusk', s3SecretKey: 'chart-spec-s3' };
/** What an install must give at least: the secrets and where S3 is. */
export const BASE_VALUES = { secrets: SECRETS, s3: { endpoint: 'https://s3.example.internal' } };
/** A cluster with KEDA and the Prometheus operator, as `helm template --api-versions` would describe it. */
export const OPERATOR_APIS = [
  'keda.sh/v1alpha1',
  'keda.sh/v1alpha1/ScaledObject',
  'monitoring.coreos.com/v1',
  'monitoring.coreos.com/v1/ServiceMonitor',
];

/** The chart with BASE_VALUES plus `values`, on a cluster serving OPERATOR_APIS unless `options` say otherwise. */
export function renderTusk(values: Record<string, unknown> = {}, options: Omit<RenderOptions, 'values'> = {}): RenderedChart {
  return renderChart(CHART_DIR, { apiVersions: OPERATOR_APIS, ...options, values: mergeValues(BASE_VALUES, values) });
}

export interface AppSpec {
  component: 'driver' | 'parameter-server' | 'worker';
  envClass: ClassConstructor<object>;
  /** The variable that sets the port of /health. */
  portVariable: 'PORT' | 'HEALTH_PORT';
}

export const APPS: AppSpec[] = [
  { component: 'driver', envClass: DriverEnv, portVariable: 'PORT' },
  { component: 'parameter-server', envClass: ParameterServerEnv, portVariable: 'HEALTH_PORT' },
  { component: 'worker', envClass: WorkerEnv, portVariable: 'HEALTH_PORT' },
];

/** Variables an env class declares (validated ones, optional ones included). */
export function declaredVariables(envClass: ClassConstructor<object>): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(envClass, '', true, false)
      .map((m) => m.propertyName),
  );
}

export interface Probe {
  httpGet?: { path: string; port: string };
  tcpSocket?: { port: string };
  periodSeconds?: number;
  failureThreshold?: number;
}
export interface AppContainer {
  name: string;
  image: string;
  ports: { name: string; containerPort: number }[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom: { configMapRef?: { name: string } }[];
  startupProbe: Probe;
  readinessProbe: Probe;
  livenessProbe: Probe;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown>;
}
export interface AppDeployment {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    replicas?: number;
    strategy?: { type: string };
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        containers: AppContainer[];
        terminationGracePeriodSeconds: number;
        securityContext: Record<string, unknown>;
        automountServiceAccountToken: boolean;
      };
    };
  };
}

/** One app's Deployment, its container, and the environment that container gets. */
export function appDeployment(
  rendered: RenderedChart,
  component: string,
  { fullname = 'tusk', secrets = {} }: { fullname?: string; secrets?: Record<string, Record<string, string>> } = {},
) {
  const deployment = find<AppDeployment>(rendered.objects, 'Deployment', `${fullname}-${component}`);
  const container = deployment.spec.template.spec.containers[0];
  return { deployment, container, env: containerEnv(container, rendered.objects, secrets) };
}
