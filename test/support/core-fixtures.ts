/**
 * Builders for the pure core's tests (test/unit/core): the shipped rules, the Prague calendar, transactions with
 * consistent running balances, profiles, seeded customer states and a tiny in-memory store that feeds a batch's
 * writes back as the next batch's `LoadedCustomer`s, the way the service's store does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { DAY_MS, businessCalendar } from '../../src/core/calendar.ts';
import { newCustomerState } from '../../src/core/features.ts';
import type { CoreContext, TimerBatchResult, TransactionBatchResult, TransactionRecord } from '../../src/core/processor.ts';
import { processTimers, processTransactions } from '../../src/core/processor.ts';
import { parseRules } from '../../src/core/rules.ts';
import type { CustomerState, Emission } from '../../src/core/state.ts';
import type { CustomerProfile } from '../../src/domain/profile.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import type { HouseholdMember } from '../../src/core/household.ts';
import { attachHouseholds } from '../../src/state/households.ts';
import type { PassedDayOf } from '../../src/state/households.ts';
import type { LoadedCustomer, StateWrite, TimerChange } from '../../src/state/store.ts';

export const DAY = DAY_MS;
export const HOUR = 3_600_000;

export const defaultRulesText = readFileSync(fileURLToPath(new URL('../../rules/default.yaml', import.meta.url)), 'utf8');
/** rules/default.yaml: CZK, Europe/Prague, 7 days of lateness, tiers SILVER < GOLD < PLATINUM < BLACK_GOLD. */
export const rules = parseRules(defaultRulesText, 'rules/default.yaml');
export const calendar = businessCalendar(rules.timeZone);
export const UNASSIGNED = 'rm-unassigned';
export const core: CoreContext = { rules, calendar, unassignedQueue: UNASSIGNED };

/** The shipped rules with one change made to their parsed YAML (validated like any rules file), as a core context. */
export function coreWith(change: (raw: Record<string, any>) => void): CoreContext {
  const raw = parseYaml(defaultRulesText) as Record<string, any>;
  change(raw);
  const edited = parseRules(JSON.stringify(raw), 'edited rules');
  return { rules: edited, calendar: businessCalendar(edited.timeZone), unassignedQueue: UNASSIGNED };
}

/** Whole CZK → minor units (haléř). */
export const czk = (amount: number): number => Math.round(amount * 100);

/** The business-day number (days since 1970-01-01) of a calendar date "YYYY-MM-DD". */
export const dayNo = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;

/** An instant given as Prague wall-clock time in winter (CET, +01:00): pragueWinter('2024-01-10', '10:00'). */
export const pragueWinter = (isoDate: string, time = '10:00'): number => Date.parse(`${isoDate}T${time}:00+01:00`);

export function profile(overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    customerId: 'c-1',
    rmId: 'rm-1',
    branchId: 'b-1',
    householdId: null,
    servedTier: 'SILVER',
    riskAppetite: 'LOW',
    marketingConsent: true,
    relationshipStartDay: null,
    status: 'ACTIVE',
    updatedAt: 0,
    rmStatus: 'ACTIVE',
    ...overrides,
  };
}

type Extra = Partial<Omit<Transaction, 'direction' | 'amountMinor' | 'eventTime'>>;

/**
 * One customer's postings with running balances per account, so `balanceAfterMinor` is what the bank would send.
 * Ids are `${idPrefix}-t${n}` (the prefix defaults to the customer id); an explicit `balanceAfterMinor` (a late posting) leaves the running balance alone.
 */
export class Ledger {
  private readonly balances = new Map<string, number>();
  private seq = 0;

  constructor(
    readonly customerId = 'c-1',
    opening: Record<string, number> = {},
    /** Distinguishes the ids of two ledgers of one customer. */
    private readonly idPrefix = customerId,
  ) {
    for (const [account, balance] of Object.entries(opening)) this.balances.set(account, balance);
  }

  balance(accountId = 'a-1'): number {
    return this.balances.get(accountId) ?? 0;
  }

  credit(amountMinor: number, eventTime: number, extra: Extra = {}): Transaction {
    return this.post('CREDIT', amountMinor, eventTime, extra);
  }

  debit(amountMinor: number, eventTime: number, extra: Extra = {}): Transaction {
    return this.post('DEBIT', amountMinor, eventTime, extra);
  }

  /** A bank posting (interest): not customer activity. */
  interest(amountMinor: number, eventTime: number, extra: Extra = {}): Transaction {
    return this.credit(amountMinor, eventTime, { category: 'INTEREST', channel: 'SYSTEM', initiatedBy: 'SYSTEM', counterpartyKind: 'NONE', ...extra });
  }

  /** A bank posting (fee): not customer activity. */
  fee(amountMinor: number, eventTime: number, extra: Extra = {}): Transaction {
    return this.debit(amountMinor, eventTime, { category: 'FEE', channel: 'SYSTEM', initiatedBy: 'SYSTEM', counterpartyKind: 'NONE', ...extra });
  }

  private post(direction: Transaction['direction'], amountMinor: number, eventTime: number, extra: Extra): Transaction {
    const accountId = extra.accountId ?? 'a-1';
    this.seq += 1;
    let balanceAfterMinor = extra.balanceAfterMinor;
    if (balanceAfterMinor === undefined) {
      balanceAfterMinor = this.balance(accountId) + (direction === 'CREDIT' ? amountMinor : -amountMinor);
      this.balances.set(accountId, balanceAfterMinor);
    }
    return {
      transactionId: `${this.idPrefix}-t${this.seq}`,
      customerId: this.customerId,
      currency: 'CZK',
      channel: 'ONLINE',
      category: 'TRANSFER',
      counterpartyKind: 'NONE',
      counterpartyBankCode: null,
      initiatedBy: 'CUSTOMER',
      ...extra,
      accountId,
      direction,
      amountMinor,
      eventTime,
      balanceAfterMinor,
    };
  }
}

/**
 * A customer tidewatch has known for a while: the given balances, held unchanged since `since` (no postings in the
 * retained days, so every daily close of the last 90 days is the total), last active at `lastActivityAt`.
 */
export function seededState(options: {
  customerId?: string;
  balances: Record<string, number>;
  since: number;
  lastActivityAt?: number | null;
  partition?: number;
  appliedOffset?: number;
}): CustomerState {
  const state = newCustomerState(options.customerId ?? 'c-1', options.partition ?? 0, options.since);
  state.appliedOffset = options.appliedOffset ?? -1;
  for (const [account, balance] of Object.entries(options.balances)) state.accounts[account] = [balance, options.since];
  state.lastActivityAt = options.lastActivityAt === undefined ? options.since : options.lastActivityAt;
  return state;
}

/** Records at consecutive offsets of one partition. */
export function recordsOf(transactions: readonly Transaction[], options: { partition?: number; firstOffset?: number } = {}): TransactionRecord[] {
  const partition = options.partition ?? 0;
  const first = options.firstOffset ?? 0;
  return transactions.map((transaction, index) => ({ transaction, position: { partition, offset: first + index } }));
}

/** A store in memory: conditional writes by revision, profiles, one timer per customer and scope. */
export class MemoryStore {
  readonly states = new Map<string, { rev: number; state: CustomerState }>();
  readonly profiles = new Map<string, CustomerProfile>();
  readonly timers = new Map<string, number>();
  /** The members' partitions' watermarks, as the service reads them (unset: members count as complete). */
  passedDayOf: PassedDayOf | undefined;

  constructor(
    profiles: readonly CustomerProfile[] = [],
    /** The rules and calendar the core runs with (the shipped default unless a test edits a rule). */
    readonly context: CoreContext = core,
  ) {
    for (const item of profiles) this.profiles.set(item.customerId, item);
  }

  seed(state: CustomerState, rev = 1): this {
    this.states.set(state.customerId, { rev, state: { ...state, rev } });
    return this;
  }

  load(customerIds: Iterable<string>): Map<string, LoadedCustomer> {
    const loaded = new Map<string, LoadedCustomer>();
    for (const customerId of customerIds) {
      const stored = this.states.get(customerId);
      // a store hands out its own decoded copy: the core must not see (or mutate) what the store keeps
      loaded.set(customerId, { rev: stored?.rev ?? 0, state: stored === undefined ? undefined : structuredClone(stored.state), profile: this.profiles.get(customerId) });
    }
    attachHouseholds(loaded, this.households(), this.passedDayOf);
    return loaded;
  }

  /** Every household named by a profile, with its members' stored states (as the stores' loadHouseholds reads them). */
  private households(): Map<string, HouseholdMember[]> {
    const households = new Map<string, HouseholdMember[]>();
    for (const member of this.profiles.values()) {
      if (member.householdId === null) continue;
      const state = this.states.get(member.customerId)?.state;
      const members = households.get(member.householdId) ?? [];
      members.push({ customerId: member.customerId, state: state === undefined ? undefined : structuredClone(state), profile: member });
      households.set(member.householdId, members);
    }
    return households;
  }

  commit(writes: readonly StateWrite[], timers: readonly TimerChange[] = []): void {
    for (const write of writes) {
      const current = this.states.get(write.customerId)?.rev ?? 0;
      if (current !== write.expectedRev) throw new Error(`conflict on ${write.customerId}: stored rev ${current}, expected ${write.expectedRev}`);
      if (write.state.rev !== write.expectedRev + 1) throw new Error(`write of ${write.customerId} does not bump the revision by one`);
      this.states.set(write.customerId, { rev: write.state.rev, state: structuredClone(write.state) });
    }
    for (const timer of timers) {
      const key = `${timer.scope}/${timer.customerId}`;
      if (timer.due === null) this.timers.delete(key);
      else this.timers.set(key, timer.due);
    }
  }

  state(customerId = 'c-1'): CustomerState {
    const stored = this.states.get(customerId);
    if (stored === undefined) throw new Error(`no state for ${customerId}`);
    return stored.state;
  }

  /** One batch through the core, committed: what the service does, minus Kafka. */
  run(records: readonly TransactionRecord[], options: { partition?: number; firstOffset?: number; detectedAt?: number; timerScope?: string } = {}): TransactionBatchResult {
    const partition = options.partition ?? records[0]?.position.partition ?? 0;
    const result = processTransactions(
      this.load(new Set(records.map((record) => record.transaction.customerId))),
      records,
      { partition, firstOffset: options.firstOffset ?? records[0]?.position.offset ?? 0, timerScope: options.timerScope ?? `tx/${partition}`, detectedAt: options.detectedAt ?? DETECTED_AT },
      this.context,
    );
    this.commit(result.writes, result.timers);
    return result;
  }

  /**
   * Each transaction in its own batch at consecutive offsets after what the customers have seen; answers the
   * emissions each one caused, in order.
   */
  feed(transactions: readonly Transaction[], options: { partition?: number; firstOffset?: number } = {}): Emission[][] {
    const records = recordsOf(transactions, { partition: options.partition ?? 0, firstOffset: options.firstOffset ?? this.nextOffset() });
    return records.map((record) => this.run([record]).emissions);
  }

  /**
   * One sweep of the service's timer loop at `now`: every timer of the scope due by then fires; its writes, then its
   * settle (outbox emptied, timers moved on), are committed, as after a successful publish.
   */
  sweep(now: number, options: { scope?: string; detectedAt?: number } = {}): TimerBatchResult {
    const scope = options.scope ?? 'tx/0';
    const due = [...this.timers]
      .filter(([key, at]) => key.startsWith(`${scope}/`) && at <= now)
      .map(([key, at]) => ({ customerId: key.slice(scope.length + 1), due: at }));
    const result = processTimers(this.load(due.map((timer) => timer.customerId)), due, { timerScope: scope, now, detectedAt: options.detectedAt ?? DETECTED_AT }, this.context);
    this.commit(result.writes);
    this.commit(result.settle.writes, result.settle.timers);
    return result;
  }

  /**
   * Lets time pass with no event up to `until`: sweeps at each due time in turn, the way the timer loop wakes a silent
   * customer; answers the emissions of every sweep, in order.
   */
  advance(until: number, options: { scope?: string } = {}): Emission[] {
    const scope = options.scope ?? 'tx/0';
    const emitted: Emission[] = [];
    for (let sweeps = 0; sweeps < 1_000; sweeps += 1) {
      const next = Math.min(...[...this.timers].filter(([key]) => key.startsWith(`${scope}/`)).map(([, at]) => at));
      if (!(next <= until)) return emitted;
      emitted.push(...this.sweep(next, { scope }).emissions);
    }
    throw new Error('timers kept firing: a timer that never moves on');
  }

  private nextOffset(): number {
    let next = 0;
    for (const { state } of this.states.values()) next = Math.max(next, state.appliedOffset + 1);
    return next;
  }
}

/** Processing time stamped on alerts in these tests (fixed so that runs compare equal). */
export const DETECTED_AT = Date.UTC(2030, 0, 1);

/** The instant a wake-up for the close of `isoDate` fires: a minute after the following Prague midnight (wake-up.ts). */
export const afterCloseOf = (isoDate: string): number => calendar.startOf(dayNo(isoDate) + 1) + 60_000;

/** Only the emissions of these kinds, for tests about one detector. */
export const ofKinds = (emissions: readonly Emission[], kinds: readonly string[]) => emissions.filter((emission) => kinds.includes(emission.alert.kind));

/** Feeds named, as `kind → feeds`, for compact assertions. */
export const summary = (emissions: readonly Emission[]) => emissions.map((emission) => ({ kind: emission.alert.kind, priority: emission.alert.priority, feeds: [...emission.feeds].sort() }));
