import type { MembershipEvent } from '@tusk/contracts';

/** The workers training a job after a look at who is live: the ones already training it first, at most `maxWorkers`. */
export function nextMembers({
  previous,
  live,
  maxWorkers,
}: {
  previous: readonly string[];
  live: readonly string[];
  maxWorkers?: number;
}): string[] {
  const staying = previous.filter((id) => live.includes(id));
  const newcomers = live.filter((id) => !previous.includes(id)).sort();
  return [...staying, ...newcomers].slice(0, maxWorkers ?? Number.POSITIVE_INFINITY);
}

/**
 * The events that take the members from `previous` to `next`, departures first; each event's `members` is the set
 * right after it. A departed worker whose heartbeat is gone said goodbye (`left`); one still listed but silent is `lost`.
 */
export function membershipChanges({
  previous,
  next,
  silent,
  round,
  at,
}: {
  previous: readonly string[];
  next: readonly string[];
  silent: ReadonlySet<string>;
  round: number;
  at: string;
}): MembershipEvent[] {
  const events: MembershipEvent[] = [];
  let members = [...previous];
  for (const id of previous) {
    if (next.includes(id)) continue;
    members = members.filter((m) => m !== id);
    events.push({ at, round, change: silent.has(id) ? 'lost' : 'left', workerId: id, members: [...members] });
  }
  for (const id of next) {
    if (members.includes(id)) continue;
    members = [...members, id];
    events.push({ at, round, change: 'joined', workerId: id, members: [...members] });
  }
  return events;
}
