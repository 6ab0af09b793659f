/**
 * Where a published record (or dead letter) falls in a replay's publish order, as a key that sorts the same way:
 * `[step, phase, time, rank, tie]`. A worker that replays some of the customers publishes its records in the order
 * one replay of every customer would, minus the others' records; each record's key then says where the others'
 * records fit in, so that merging the workers' outputs by key gives the single replay's bytes (src/replay/parallel).
 *
 * - A transaction's alerts and refusals: `[offset of the record, 1, 0, 0, 0]` (the core publishes a batch's alerts
 *   in the order of their records).
 * - What moving stream time on publishes (timers, product events, profile updates, unreadable side-input lines):
 *   `[offset of the record whose arrival moved it, 0, time, rank, tie]`: before that record, after the batch before
 *   it, in time order; at one instant timers first, then profile updates, then product events (the engine's order);
 *   timers of one instant by customer id (the store's order), profile updates by place in the instant's batch,
 *   product events by ordinal. After the last record the step is FINISH_STEP.
 */
export type PublishOrder = readonly [step: number, phase: number, time: number, rank: number, tie: number | string];

/** The step of everything published after the last record (time running on to the end and to `until`). */
export const FINISH_STEP = Number.MAX_SAFE_INTEGER;

export const stepRanks = { timer: 0, profileUpdate: 1, product: 2, unreadable: 3 } as const;

export const recordOrder = (offset: number): PublishOrder => [offset, 1, 0, 0, 0];

/** A time before the first event (stream time not started) is kept finite: keys cross threads as checked numbers. */
export const stepOrder = (step: number, time: number, rank: number, tie: number | string): PublishOrder => [step, 0, Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, time)), rank, tie];

/** Sorts keys as the single replay publishes: element by element (a tie of numbers and strings does not occur). */
export function comparePublishOrder(left: PublishOrder, right: PublishOrder): number {
  for (let index = 0; index < 5; index += 1) {
    const a = left[index]!;
    const b = right[index]!;
    if (a === b) continue;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a) < String(b) ? -1 : 1;
  }
  return 0;
}
