import type { CoreContext } from '../core/processor.ts';
import { timerDue } from '../core/processor.ts';
import type { StateStore, TimerChange } from '../state/store.ts';

const LOAD_CHUNK = 1_000;

/**
 * The core the rebuild replays with. The live service judges a household's tier decisions of a day only once every
 * member's partition has passed it, as far as its stored watermarks said at the batch; which days were still waiting
 * at the loss depends on its batch boundaries, which the topics do not keep, while the merged replay has every member
 * complete at once. So the replay takes every member's partition to have been up to the lateness window
 * (`allowedLatenessDays`, at least a day) behind, as the service takes its inputs to be: the days of that window
 * before the resume point are left waiting in the rebuilt state, and the restarted service judges and tells them.
 * One it had told already is told again under the same id, with the same content (judged as of its day): a
 * duplicate, which downstream drops by id, never a lost or a different alert.
 */
export function rebuildCore(core: CoreContext): CoreContext {
  return { ...core, householdLagDays: Math.max(1, core.rules.allowedLatenessDays) };
}

/**
 * After the replay: the timers of customers with household days left waiting, as the service sets them (the waiting
 * days looked at again at its next sweep), instead of the replay's lagged ones, so that a quiet customer's days are
 * not held back for the lag after the restart. Only customers of `scopes`' partitions (a partition not rebuilt keeps
 * its own). Answers, per partition, how many customers have days waiting.
 */
export async function handOverWaitingDays(
  store: StateStore,
  customerIds: Iterable<string>,
  scopes: ReadonlyMap<number, string>,
  core: CoreContext,
): Promise<Map<number, number>> {
  const waiting = new Map<number, number>();
  const ids = [...customerIds];
  for (let start = 0; start < ids.length; start += LOAD_CHUNK) {
    const timers: TimerChange[] = [];
    for (const [customerId, { state, profile }] of await store.load(ids.slice(start, start + LOAD_CHUNK))) {
      const scope = state === undefined ? undefined : scopes.get(state.partition);
      if (state === undefined || scope === undefined || (state.tiersPending?.length ?? 0) === 0) continue;
      timers.push({ scope, customerId, due: timerDue(state, profile, core) });
      waiting.set(state.partition, (waiting.get(state.partition) ?? 0) + 1);
    }
    if (timers.length > 0) await store.commit([], timers);
  }
  return waiting;
}
