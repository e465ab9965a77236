import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

/** The models of every kind the chart renders; their validate() checks an object against its published schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } };

/** Throws (naming the object) when an object's kind is unknown here or it breaks its schema. */
export function validateObject(object: Record<string, unknown>): void {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const Model = MODELS[key];
  const name = (object.metadata as { name?: string } | undefined)?.name;
  if (!Model) throw new Error(`${key} ${name}: no schema to validate this kind against`);
  try {
    new Model(object as never).validate();
  } catch (err) {
    throw new Error(`${key} ${name} breaks its schema: ${(err as Error).message}`, { cause: err });
  }
}

/** The one object of a kind and name; fails when it is missing. */
export function find<T = K8sObject>(objects: Record<string, unknown>[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)}`);
  return found as T;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

/**
 * A container's environment as the kubelet builds it: envFrom first, then env (which wins), with secret and
 * ConfigMap references read from the rendered objects or from `secrets` (a Secret the chart does not create).
 */
export function containerEnv(
  container: Container,
  objects: Record<string, unknown>[],
  secrets: Record<string, Record<string, string>> = {},
): Record<string, string> {
  const configMap = (name: string) => find<{ data: Record<string, string> }>(objects, 'ConfigMap', name).data;
  const secret = (name: string): Record<string, string> => {
    if (secrets[name]) return secrets[name];
    const { data } = find<{ data: Record<string, string> }>(objects, 'Secret', name);
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, configMap(from.configMapRef.name));
    if (from.secretRef) Object.assign(env, secret(from.secretRef.name));
  }
  for (const variable of container.env ?? []) {
    const { secretKeyRef, configMapKeyRef } = variable.valueFrom ?? {};
    let value = variable.value;
    if (secretKeyRef) value = secret(secretKeyRef.name)[secretKeyRef.key];
    if (configMapKeyRef) value = configMap(configMapKeyRef.name)[configMapKeyRef.key];
    if (value === undefined) throw new Error(`${container.name}: ${variable.name} resolves to nothing`);
    env[variable.name] = value;
  }
  return env;
}
