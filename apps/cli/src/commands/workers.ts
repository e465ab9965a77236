import { workersTable } from '../format.js';
import { line, type CommandContext } from './context.js';

/** `tusk workers`: the live workers, from their heartbeats. */
export async function listWorkers(ctx: CommandContext): Promise<number> {
  line(ctx.stdout, workersTable(await ctx.client.workers()));
  return 0;
}
