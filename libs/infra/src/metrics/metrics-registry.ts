import { collectDefaultMetrics, Registry } from 'prom-client';

/** Names of the Tusk services, the `service` label on every series a process exports. */
export type TuskService = 'driver' | 'worker' | 'parameter-server';

/**
 * The one Prometheus registry of a service process: every series carries `service` (and any extra
 * labels, such as a worker's id), plus Node's standard `process_*` and `nodejs_*` metrics, unprefixed
 * because that is what ready-made Grafana panels query.
 */
export function createMetricsRegistry({ service, labels = {} }: { service: TuskService; labels?: Record<string, string> }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service, ...labels });
  collectDefaultMetrics({ register: registry });
  return registry;
}
