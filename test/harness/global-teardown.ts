import { rmSync } from 'node:fs';
import type { ManagedProcess } from '../../scripts/local-services/index.js';

export default async function globalTeardown(): Promise<void> {
  const services = ((globalThis as Record<string, unknown>).__tuskServices ?? []) as ManagedProcess[];
  await Promise.all(services.map((s) => s.stop()));
  if (process.env.TUSK_TEST_ROOT) rmSync(process.env.TUSK_TEST_ROOT, { recursive: true, force: true });
}
