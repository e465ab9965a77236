import { rmSync } from 'node:fs';

/** Stops the servers global-setup started and removes their data. */
export default async function globalTeardown() {
  await Promise.all((globalThis.__tuskServices ?? []).map((s) => s.stop()));
  if (process.env.TUSK_TEST_ROOT) rmSync(process.env.TUSK_TEST_ROOT, { recursive: true, force: true });
}
