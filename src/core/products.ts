import type { ProductEvent } from '../domain/product-event.ts';
import type { LoadedCustomer, StateWrite, TimerChange } from '../state/store.ts';
import { newCustomerState } from './features.ts';
import type { Position } from './features.ts';
import { applyProductEvent, dueMaturities } from './maturity.ts';
import { emissionsFor } from './policy.ts';
import { timerDue } from './processor.ts';
import type { CoreContext } from './processor.ts';
import type { CustomerState, Emission } from './state.ts';

/** A product event and where it sits on the products topic (co-partitioned with transactions). */
export interface ProductRecord {
  event: ProductEvent;
  position: Position;
}

export interface ProductBatchInput {
  /** The products partition of every record in the batch, and the offset the batch starts at. */
  partition: number;
  firstOffset: number;
  /** The timer set of a customer's transactions partition: its timer lives there, with that partition's owner. */
  timerScopeOf: (partition: number) => string;
  /** Processing time, stamped on new alerts. */
  detectedAt: number;
}

export interface ProductRejection {
  record: ProductRecord;
  reason: 'unsupported_currency';
  detail: string;
}

export interface ProductBatchResult {
  /** Stored first, with the customers' timers: the maturities, with the batch's alerts in the outbox. */
  writes: StateWrite[];
  timers: TimerChange[];
  /** In input order; re-deliveries of stored alerts included. */
  emissions: Emission[];
  /** Stored once the emissions are published: the outbox emptied of them. */
  settle: StateWrite[];
  rejected: ProductRejection[];
  outcomes: Record<'applied' | 'already_applied' | 'unsupported_currency', number>;
}

/**
 * Product events through the core: each updates the customer's remembered maturities (core/maturity.ts), a maturity
 * already inside its notice window is told at once, and the customer's timer moves to the day the next window opens.
 * Idempotent like transactions: the state remembers the latest product offset applied, and a re-read record re-sends
 * the alerts stored for it instead of computing new ones. A customer tidewatch has not seen yet gets a state on the
 * record's partition (the products topic is co-partitioned with transactions), without a ledger until a transaction
 * comes: a dormant depositor with a maturing deposit is exactly whom the bank wants to call.
 */
export function processProducts(
  loaded: ReadonlyMap<string, LoadedCustomer>,
  records: readonly ProductRecord[],
  batch: ProductBatchInput,
  context: CoreContext,
): ProductBatchResult {
  const { rules, calendar } = context;
  const result: ProductBatchResult = {
    writes: [],
    timers: [],
    emissions: [],
    settle: [],
    rejected: [],
    outcomes: { applied: 0, already_applied: 0, unsupported_currency: 0 },
  };
  const byCustomer = new Map<string, ProductRecord[]>();
  for (const record of records) {
    const list = byCustomer.get(record.event.customerId);
    if (list === undefined) byCustomer.set(record.event.customerId, [record]);
    else list.push(record);
  }
  const ordered: Array<{ offset: number; emissions: Emission[] }> = [];

  for (const [customerId, customerRecords] of byCustomer) {
    const stored = loaded.get(customerId);
    const profile = stored?.profile;
    const detection = { rules, tier: profile?.servedTier ?? null };
    const policy = { rules, profile, unassignedQueue: context.unassignedQueue, detectedAt: batch.detectedAt };
    let state = stored?.state;
    let changed = false;
    let resent = false;
    if (state !== undefined && state.products.applied?.[0] === batch.partition) {
      // every product batch before this one was published before its offsets were committed: its alerts are delivered
      state.outbox = state.outbox.filter((entry) => entry.cause.kind !== 'product' || entry.cause.offset >= batch.firstOffset);
    }
    for (const record of customerRecords) {
      const { event, position } = record;
      state ??= newCustomerState(customerId, position.partition, event.eventTime);
      const applied = state.products.applied;
      if (applied !== null && applied[0] === position.partition && position.offset <= applied[1]) {
        result.outcomes.already_applied += 1;
        const owed = state.outbox.filter((entry) => entry.cause.kind === 'product' && entry.cause.offset === position.offset);
        for (const entry of owed) ordered.push({ offset: position.offset, emissions: entry.emissions });
        resent ||= owed.length > 0;
        continue;
      }
      changed = true;
      state.products.applied = [position.partition, position.offset];
      if (event.currency !== rules.currency) {
        result.outcomes.unsupported_currency += 1;
        const detail = `currency ${event.currency} is not the rules' currency ${rules.currency}; tidewatch does not convert`;
        result.rejected.push({ record, reason: 'unsupported_currency', detail });
        continue;
      }
      result.outcomes.applied += 1;
      applyProductEvent(state, event, rules);
      // judged on the event's own business day, so a replay of the same events tells the same things
      const emissions = emissionsFor(state, dueMaturities(state, profile, event.eventTime, detection, calendar).findings, policy);
      if (emissions.length === 0) continue;
      state.outbox.push({ cause: { kind: 'product', offset: position.offset }, emissions });
      ordered.push({ offset: position.offset, emissions });
    }
    if (state === undefined) continue;
    if (!changed) {
      // a re-read after a crash between storing and settling: the stored alerts go out again, then are settled
      if (resent && stored !== undefined) {
        const settled: CustomerState = { ...state, outbox: state.outbox.filter((entry) => entry.cause.kind !== 'product'), rev: stored.rev + 1 };
        result.settle.push({ customerId, expectedRev: stored.rev, state: settled });
      }
      continue;
    }
    state.rev = (stored?.rev ?? 0) + 1;
    result.writes.push({ customerId, expectedRev: stored?.rev ?? 0, state });
    result.timers.push({ scope: batch.timerScopeOf(state.partition), customerId, due: timerDue(state, profile, context) });
    if (state.outbox.some((entry) => entry.cause.kind === 'product')) {
      const settled: CustomerState = { ...state, outbox: state.outbox.filter((entry) => entry.cause.kind !== 'product'), rev: state.rev + 1 };
      result.settle.push({ customerId, expectedRev: state.rev, state: settled });
    }
  }
  ordered.sort((left, right) => left.offset - right.offset);
  result.emissions = ordered.flatMap((entry) => entry.emissions);
  return result;
}
