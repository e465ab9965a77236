import type { Provider } from '@nestjs/common';
import { HEALTH_IDENTITY, TuskHealthIndicators, type HealthIdentity } from './health-indicators.js';

export * from './health-indicators.js';
export * from './health.controller.js';

/** What a module that serves HealthController provides besides `imports: [TerminusModule]` (Infra comes from the app). */
export const healthProviders = (identity: HealthIdentity): Provider[] => [
  { provide: HEALTH_IDENTITY, useValue: identity },
  TuskHealthIndicators,
];
