import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../../src/adapters/redis/state-codec.ts';
import { MATURITIES_KEPT, applyProductEvent } from '../../../src/core/maturity.ts';
import { alertIdOf } from '../../../src/core/policy.ts';
import { processProducts } from '../../../src/core/products.ts';
import type { ProductBatchResult } from '../../../src/core/products.ts';
import type { CoreContext } from '../../../src/core/processor.ts';
import type { ProductEvent } from '../../../src/domain/product-event.ts';
import type { CustomerProfile } from '../../../src/domain/profile.ts';
import {
  DAY,
  DETECTED_AT,
  Ledger,
  MemoryStore,
  calendar,
  core,
  coreWith,
  czk,
  dayNo,
  ofKinds,
  pragueWinter,
  profile,
  rules,
  seededState,
  summary,
} from '../../support/core-fixtures.ts';

/**
 * Maturity without auto-rollover (core/maturity.ts, core/products.ts). The default rules: told 14 days before the date
 * (maturity.noticeDays), from a principal of 100,000.00 CZK (maturity.minPrincipalMinor), every product kind. The
 * deposit: 300,000.00 CZK maturing on Monday 30 November 2026, so the notice window opens on 16 November; Prague is on
 * winter time (CET) from 25 October.
 */
const MATURES = '2026-11-30';
const WINDOW_OPENS = '2026-11-16';
/** The wake-up for the window: a minute after the Prague midnight that starts its first day (wake-up.ts). */
const windowWakeUp = calendar.startOf(dayNo(WINDOW_OPENS)) + 60_000;
const SCOPE = 'tx/0';

function productEvent(overrides: Partial<ProductEvent> = {}): ProductEvent {
  return {
    eventId: 'pe-1',
    customerId: 'c-1',
    productId: 'td-1',
    productKind: 'TIME_DEPOSIT',
    principalMinor: czk(300_000),
    currency: 'CZK',
    maturityDate: dayNo(MATURES),
    autoRollover: false,
    status: 'ACTIVE',
    eventTime: pragueWinter('2026-10-01'),
    ...overrides,
  };
}

/**
 * Product events as the service hands them to the core: one batch at consecutive offsets of products partition 0
 * (co-partitioned: its timers live in the store's scope `tx/0`), committed (state and timers), then settled, as after
 * a successful publish; `settle: false` stops before the settle, as a crash would.
 */
class ProductFeed {
  private nextOffset = 0;

  constructor(readonly store: MemoryStore) {}

  send(events: readonly ProductEvent[], options: { firstOffset?: number; detectedAt?: number; settle?: boolean } = {}): ProductBatchResult {
    const firstOffset = options.firstOffset ?? this.nextOffset;
    const records = events.map((event, index) => ({ event, position: { partition: 0, offset: firstOffset + index } }));
    this.nextOffset = Math.max(this.nextOffset, firstOffset + events.length);
    const loaded = this.store.load(new Set(events.map((event) => event.customerId)));
    const input = { partition: 0, firstOffset, timerScopeOf: (partition: number) => `tx/${partition}`, detectedAt: options.detectedAt ?? DETECTED_AT };
    const result = processProducts(loaded, records, input, this.store.context);
    this.store.commit(result.writes, result.timers);
    if (options.settle !== false) this.store.commit(result.settle);
    return result;
  }
}

const maturityId = (productId = 'td-1', date = MATURES) => alertIdOf('c-1', { kind: 'MATURITY', causeKey: `${productId}:${dayNo(date)}` });

function depositor(customer: CustomerProfile = profile(), context: CoreContext = core) {
  const store = new MemoryStore([customer], context);
  return { store, feed: new ProductFeed(store) };
}

describe('maturity without auto-rollover: a retention call before the date', () => {
  it('announced before the window: nothing yet, a timer for the first day of the window, and the alert then (once)', () => {
    const { store, feed } = depositor();
    expect(feed.send([productEvent()]).emissions).toEqual([]);
    // a customer tidewatch knew only from this event: the maturity is its only wake-up
    expect([...store.timers]).toEqual([[`${SCOPE}/c-1`, windowWakeUp]]);
    expect(store.state().products.maturities).toEqual([['td-1', dayNo(MATURES), czk(300_000), 'TIME_DEPOSIT', false, pragueWinter('2026-10-01')]]);

    expect(store.sweep(windowWakeUp - 1).emissions).toEqual([]);
    const told = store.sweep(windowWakeUp).emissions;
    expect(summary(told)).toEqual([{ kind: 'MATURITY', priority: 'MEDIUM', feeds: ['campaign', 'rm'] }]);
    expect(told[0]!.alert).toMatchObject({
      alertId: maturityId(),
      customerId: 'c-1',
      rmId: 'rm-1',
      queue: 'rm-1',
      reason: 'Time deposit of 300,000.00 CZK matures on 2026-11-30 without auto-rollover (in 14 days)',
      amountAtStakeMinor: czk(300_000),
      counterpartyKind: null,
      toCompetitor: false,
      // when the maturity entered the notice window
      eventTime: calendar.startOf(dayNo(WINDOW_OPENS)),
      evidence: [
        { metric: 'principal', unit: 'MINOR_UNITS', value: czk(300_000), threshold: czk(100_000), baseline: null },
        { metric: 'days_to_maturity', unit: 'DAYS', value: 14, threshold: 14, baseline: null },
      ],
    });
    expect(told[0]!.alert.suggestedAction).toMatch(/^Call before the maturity date/);
    // told: no timer left, and letting time run past the date tells nothing more
    expect([...store.timers]).toEqual([]);
    expect(store.advance(pragueWinter('2026-12-31'))).toEqual([]);
  });

  it('announced inside the window: the alert goes out at once, judged on the event’s own day', () => {
    const { store, feed } = depositor();
    const result = feed.send([productEvent({ eventTime: pragueWinter('2026-11-23', '09:30') })]);
    expect(summary(result.emissions)).toEqual([{ kind: 'MATURITY', priority: 'MEDIUM', feeds: ['campaign', 'rm'] }]);
    expect(result.emissions[0]!.alert).toMatchObject({
      alertId: maturityId(),
      reason: 'Time deposit of 300,000.00 CZK matures on 2026-11-30 without auto-rollover (in 7 days)',
      eventTime: pragueWinter('2026-11-23', '09:30'),
      detectedAt: DETECTED_AT,
    });
    expect(store.state().products.maturities[0]![4]).toBe(true);
    expect(store.state().outbox).toEqual([]); // settled after publishing
    expect(store.advance(pragueWinter('2026-12-31'))).toEqual([]);
  });

  it.each([
    ['on the date itself: "today"', '2026-11-30', 'today'],
    ['the day before: "tomorrow"', '2026-11-29', 'tomorrow'],
    ['the first day of the window', WINDOW_OPENS, 'in 14 days'],
  ] as const)('announced %s', (_, date, when) => {
    const { feed } = depositor();
    const emitted = feed.send([productEvent({ eventTime: pragueWinter(date) })]).emissions;
    expect(emitted.map((emission) => emission.alert.reason)).toEqual([`Time deposit of 300,000.00 CZK matures on 2026-11-30 without auto-rollover (${when})`]);
  });

  it.each([
    ['with auto-rollover: the money does not fall free', productEvent({ autoRollover: true })],
    ['already closed (redeemed early)', productEvent({ status: 'CLOSED' })],
    ['below the 100,000.00 CZK minimum', productEvent({ principalMinor: czk(99_999.99) })],
    ['announced after the date', productEvent({ eventTime: pragueWinter('2026-12-01') })],
  ] as const)('nothing for a product %s, and no timer', (_, event) => {
    const { store, feed } = depositor();
    expect(feed.send([event]).emissions).toEqual([]);
    expect([...store.timers]).toEqual([]);
    expect(store.advance(pragueWinter('2027-01-31'))).toEqual([]);
  });

  it('watches only the product kinds the rules name', () => {
    const { store, feed } = depositor(profile(), coreWith((raw) => (raw.maturity.productKinds = ['TIME_DEPOSIT'])));
    const inWindow = pragueWinter('2026-11-20');
    expect(feed.send([productEvent({ productId: 'wp-1', productKind: 'WEALTH_PRODUCT', eventTime: inWindow })]).emissions).toEqual([]);
    expect(feed.send([productEvent({ eventTime: inWindow })]).emissions.map((emission) => emission.alert.alertId)).toEqual([maturityId()]);
    expect(store.state().products.maturities.map(([productId]) => productId)).toEqual(['td-1']);
  });

  it.each([
    ['rollover switched on before the window: nothing when it opens', productEvent({ autoRollover: true, eventTime: pragueWinter('2026-11-02') })],
    ['the deposit closed before the window: nothing when it opens', productEvent({ status: 'CLOSED', eventTime: pragueWinter('2026-11-02') })],
    ['the principal fell below the minimum: nothing when it opens', productEvent({ principalMinor: czk(50_000), eventTime: pragueWinter('2026-11-02') })],
  ] as const)('%s', (_, change) => {
    const { store, feed } = depositor();
    feed.send([productEvent()]);
    expect(feed.send([change]).emissions).toEqual([]);
    expect(store.state().products.maturities).toEqual([]);
    expect([...store.timers]).toEqual([]);
    expect(store.advance(pragueWinter('2027-01-31'))).toEqual([]);
  });

  it('after the alert, rollover switched on and off again, or the deposit closed: never a second alert', () => {
    const { store, feed } = depositor();
    expect(feed.send([productEvent({ eventTime: pragueWinter('2026-11-20') })]).emissions).toHaveLength(1);
    expect(feed.send([productEvent({ autoRollover: true, eventTime: pragueWinter('2026-11-21') })]).emissions).toEqual([]);
    // remembered as told, so the same maturity switched back to no rollover is not news
    expect(feed.send([productEvent({ autoRollover: false, eventTime: pragueWinter('2026-11-22') })]).emissions).toEqual([]);
    expect(feed.send([productEvent({ status: 'CLOSED', eventTime: pragueWinter('2026-11-23') })]).emissions).toEqual([]);
    expect(store.state().products.maturities).toEqual([]);
    expect(store.advance(pragueWinter('2027-01-31'))).toEqual([]);
  });

  it('a new maturity date (the term extended) is news: one alert per product and date', () => {
    const { feed } = depositor();
    expect(feed.send([productEvent({ eventTime: pragueWinter('2026-11-20') })]).emissions.map((emission) => emission.alert.alertId)).toEqual([maturityId()]);
    const extended = feed.send([productEvent({ maturityDate: dayNo('2026-12-01'), eventTime: pragueWinter('2026-11-24') })]).emissions;
    expect(extended.map((emission) => emission.alert.alertId)).toEqual([maturityId('td-1', '2026-12-01')]);
    expect(extended[0]!.alert.reason).toContain('matures on 2026-12-01 without auto-rollover (in 7 days)');
  });

  describe('a re-read product event (after a crash, a rebalance, a replay) changes nothing', () => {
    it('crashed before the settle: the stored alert goes out again, the very same record, and is settled', () => {
      const { store, feed } = depositor();
      const event = productEvent({ eventTime: pragueWinter('2026-11-23') });
      const first = feed.send([event], { settle: false });
      expect(first.emissions).toHaveLength(1);
      const stored = structuredClone(store.state());
      const again = feed.send([event], { firstOffset: 0, detectedAt: DETECTED_AT + 5 * 60_000 });
      expect(again.outcomes).toEqual({ applied: 0, already_applied: 1, unsupported_currency: 0 });
      // the very same record: same id, same detection time, same everything
      expect(again.emissions).toEqual(first.emissions);
      expect(again.writes).toEqual([]);
      expect(store.state()).toEqual({ ...stored, outbox: [], rev: stored.rev + 1 });
      // and a third read, after the settle: nothing to send
      expect(feed.send([event], { firstOffset: 0 }).emissions).toEqual([]);
    });

    it('read again after delivery: no alert, no write, the timer where it was', () => {
      const { store, feed } = depositor();
      feed.send([productEvent(), productEvent({ eventId: 'pe-2', productId: 'td-2', eventTime: pragueWinter('2026-11-23') })]);
      const state = structuredClone(store.state());
      const timers = [...store.timers];
      const replayed = feed.send([productEvent(), productEvent({ eventId: 'pe-2', productId: 'td-2', eventTime: pragueWinter('2026-11-23') })], { firstOffset: 0 });
      expect(replayed).toMatchObject({ emissions: [], writes: [], settle: [], timers: [], outcomes: { applied: 0, already_applied: 2 } });
      expect(store.state()).toEqual(state);
      expect([...store.timers]).toEqual(timers);
    });
  });

  it('no marketing consent: the RM hears of it, the campaign systems do not', () => {
    const { feed } = depositor(profile({ marketingConsent: false }));
    expect(summary(feed.send([productEvent({ eventTime: pragueWinter('2026-11-23') })]).emissions)).toEqual([{ kind: 'MATURITY', priority: 'MEDIUM', feeds: ['rm'] }]);
  });

  it('no profile yet: the unassigned queue hears of it, and no campaign without known consent', () => {
    const store = new MemoryStore([]);
    const emitted = new ProductFeed(store).send([productEvent({ eventTime: pragueWinter('2026-11-23') })]).emissions;
    expect(emitted.map((emission) => [emission.alert.queue, emission.feeds])).toEqual([['rm-unassigned', ['rm']]]);
  });

  it('"not interested" recorded for maturities keeps them from the RM and the campaigns', () => {
    const { store, feed } = depositor();
    store.seed({ ...seededState({ balances: { 'a-1': czk(10_000) }, since: pragueWinter('2026-10-01') }), suppressed: { MATURITY: pragueWinter('2027-01-01') } });
    expect(feed.send([productEvent({ eventTime: pragueWinter('2026-11-23') })]).emissions).toEqual([]);
  });

  it.each([
    ['SILVER, 300,000.00', 'SILVER', czk(300_000), 'MEDIUM'],
    ['a top tier (PLATINUM) is raised', 'PLATINUM', czk(300_000), 'HIGH'],
    ['1,000,000.00 at stake is urgent whoever the customer is', 'SILVER', czk(1_000_000), 'URGENT'],
  ] as const)('priority: %s', (_, tier, principal, priority) => {
    const { feed } = depositor(profile({ servedTier: tier }));
    const emitted = feed.send([productEvent({ principalMinor: principal, eventTime: pragueWinter('2026-11-23') })]).emissions;
    expect(emitted.map((emission) => emission.alert.priority)).toEqual([priority]);
  });

  it('a closed relationship hears nothing and sets no timer', () => {
    const { store, feed } = depositor(profile({ status: 'CLOSED' }));
    expect(feed.send([productEvent()]).emissions).toEqual([]);
    expect([...store.timers]).toEqual([]);
  });

  it('an outage through the whole window: the timer fires after the date and tells nothing (news too late to act on)', () => {
    const { store, feed } = depositor();
    feed.send([productEvent()]);
    expect(store.sweep(pragueWinter('2026-12-02')).emissions).toEqual([]);
    expect(store.state().products.maturities[0]![4]).toBe(true);
    expect([...store.timers]).toEqual([]);
  });

  it('forgets a maturity a week after its date', () => {
    const { store, feed } = depositor();
    feed.send([productEvent({ eventTime: pragueWinter('2026-11-23') })]);
    feed.send([productEvent({ eventId: 'pe-2', productId: 'td-2', maturityDate: dayNo('2027-03-31'), eventTime: pragueWinter('2026-12-07') })]);
    expect(store.state().products.maturities.map(([productId]) => productId)).toEqual(['td-1', 'td-2']);
    feed.send([productEvent({ eventId: 'pe-3', productId: 'td-3', maturityDate: dayNo('2027-03-31'), eventTime: pragueWinter('2026-12-08') })]);
    expect(store.state().products.maturities.map(([productId]) => productId)).toEqual(['td-2', 'td-3']);
  });

  it('another currency is refused (tidewatch does not convert)', () => {
    const { store, feed } = depositor();
    const result = feed.send([productEvent({ currency: 'EUR', eventTime: pragueWinter('2026-11-23') })]);
    expect(result.emissions).toEqual([]);
    expect(result.rejected.map(({ reason, detail }) => [reason, detail])).toEqual([
      ['unsupported_currency', "currency EUR is not the rules' currency CZK; tidewatch does not convert"],
    ]);
    expect(store.state().products).toEqual({ applied: [0, 0], maturities: [] });
  });

  it(`remembers at most ${MATURITIES_KEPT} maturities, the nearest`, () => {
    const state = seededState({ balances: {}, since: pragueWinter('2026-10-01') });
    for (let index = 20; index > 0; index -= 1) {
      applyProductEvent(state, productEvent({ productId: `td-${index}`, maturityDate: dayNo(MATURES) + index }), rules);
    }
    expect(state.products.maturities.map(([productId]) => productId)).toEqual(Array.from({ length: MATURITIES_KEPT }, (_, index) => `td-${index + 1}`));
  });
});

describe('a depositor tidewatch knows only from product events', () => {
  it('gets a state on the event’s partition, without a ledger: no dormancy, no day-close judgement of an empty balance', () => {
    const { store, feed } = depositor(profile({ servedTier: 'GOLD' }));
    feed.send([productEvent({ maturityDate: dayNo('2027-06-30') })]);
    expect(store.state()).toMatchObject({ partition: 0, appliedOffset: -1, accounts: {}, products: { applied: [0, 0] } });
    // months of silence: only the maturity's own window wakes the customer (a GOLD customer with no balance seen is
    // not at risk of a downgrade, nor dormant: tidewatch has not seen the accounts)
    const emitted = store.advance(pragueWinter('2027-07-31'));
    expect(summary(emitted)).toEqual([{ kind: 'MATURITY', priority: 'MEDIUM', feeds: ['campaign', 'rm'] }]);
  });

  it('starts the ledger with the first transaction, as for a new customer, keeping the maturities', () => {
    const { store, feed } = depositor();
    feed.send([productEvent()]);
    const firstPayment = pragueWinter('2026-10-20');
    const emitted = store.feed([new Ledger('c-1', { 'a-1': czk(50_000) }).debit(czk(200), firstPayment, { category: 'CARD', channel: 'CARD' })]).flat();
    expect(emitted).toEqual([]);
    expect(store.state()).toMatchObject({ firstSeenAt: firstPayment, streamTime: firstPayment, lastActivityAt: firstPayment, dormancy: { since: firstPayment, stage: 0 } });
    expect(store.state().products.maturities.map(([productId]) => productId)).toEqual(['td-1']);
    // the next wake-up is the close of the payment's day (50,000.00 is worth a daily look), the maturity after it
    expect(ofKinds(store.advance(windowWakeUp), ['MATURITY'])).toHaveLength(1);
    expect(store.state().products.maturities[0]![4]).toBe(true);
  });
});

describe('the stored state', () => {
  it('round-trips the product memory through the Redis codec', () => {
    const state = seededState({ balances: { 'a-1': czk(1_000) }, since: pragueWinter('2026-10-01') });
    applyProductEvent(state, productEvent(), rules);
    state.products.applied = [4, 1_234];
    expect(decodeState(encodeState(state))).toEqual(state);
  });

  it('reads a record written before product events existed as knowing no products', () => {
    const state = seededState({ balances: { 'a-1': czk(1_000) }, since: pragueWinter('2026-10-01') });
    // the layout before: the fields up to regularIncome (index 21), none after
    const packr = new Packr({ useRecords: false, variableMapSize: true });
    const current = packr.unpack(encodeState(state)) as unknown[];
    const older = packr.pack(current.slice(0, 22));
    expect(decodeState(older).products).toEqual({ applied: null, maturities: [] });
    expect(decodeState(older).regularIncome).toEqual(state.regularIncome);
  });
});

it('the maturity timer is the only one a product-only customer has, a day boundary after the event (the replay cuts batches on it)', () => {
  const { store, feed } = depositor();
  feed.send([productEvent({ eventTime: pragueWinter('2026-11-15', '23:59') })]);
  const [due] = [...store.timers.values()];
  expect(due).toBe(windowWakeUp);
  expect(calendar.dayOf(due!)).toBeGreaterThan(calendar.dayOf(pragueWinter('2026-11-15', '23:59')));
  expect(due! - pragueWinter('2026-11-15', '23:59')).toBeLessThan(DAY);
});
