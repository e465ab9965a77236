import { format } from 'node:util';
import type { TuskLogger } from './tusk-logger.js';

/**
 * With LOG_FORMAT=json, what libraries print through `console` (tfjs' backend notice, say) becomes a log
 * record too (context `console`), so that stdout holds nothing but JSON lines.
 */
export function routeConsoleTo(logger: TuskLogger): void {
  const text = (args: unknown[]) => format(...args).trim();
  console.log = (...args: unknown[]) => logger.log(text(args), 'console');
  console.info = console.log;
  console.warn = (...args: unknown[]) => logger.warn(text(args), 'console');
  console.error = (...args: unknown[]) => logger.error(text(args), undefined, 'console');
  console.debug = (...args: unknown[]) => logger.debug(text(args), 'console');
}
