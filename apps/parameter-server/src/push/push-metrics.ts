import { PUSH_METRICS_LIMITS } from '@tusk/contracts';

const METRIC_NAME = new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${PUSH_METRICS_LIMITS.maxNameLength - 1}}$`);
/** A plain decimal number, as formatPushMetrics writes it: no hex, no blanks, no `Infinity`. */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * The metrics a push's header carries (`loss=0.41,accuracy=0.88`). They only draw a curve, so nothing here
 * refuses a push: a header that is too long is ignored, and each pair with a bad name or a non-finite value
 * is dropped; at most PUSH_METRICS_LIMITS.maxMetrics are kept.
 */
export function parsePushMetrics(header: string | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  if (!header || header.length > PUSH_METRICS_LIMITS.maxHeaderLength) return metrics;
  let kept = 0;
  for (const pair of header.split(',')) {
    const [name, raw, ...rest] = pair.split('=');
    if (rest.length > 0 || raw === undefined || !METRIC_NAME.test(name) || !DECIMAL.test(raw) || Object.hasOwn(metrics, name)) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    metrics[name] = value;
    if (++kept >= PUSH_METRICS_LIMITS.maxMetrics) break;
  }
  return metrics;
}
