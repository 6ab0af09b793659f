import { describe, expect, it } from 'vitest';
import type { ProductEvent } from '../../../src/domain/product-event.ts';
import type { ProductItem } from '../../../src/replay/records.ts';
import { Ledger, calendar, czk, dayNo, pragueWinter, profile } from '../../support/core-fixtures.ts';
import { itemsOf, profileItems, replay } from './fixtures.ts';

/**
 * Product events in a replay (`--products`): applied through the same core as the service (processProducts) when
 * stream time reaches them, their maturity timers firing as time moves on. Default rules: told 14 days before the date.
 */
function productEvent(overrides: Partial<ProductEvent> & Pick<ProductEvent, 'customerId' | 'eventTime'>): ProductEvent {
  return {
    eventId: `pe-${overrides.customerId}-${overrides.eventTime}`,
    productId: `td-${overrides.customerId}`,
    productKind: 'TIME_DEPOSIT',
    principalMinor: czk(300_000),
    currency: 'CZK',
    maturityDate: dayNo('2026-11-30'),
    autoRollover: false,
    status: 'ACTIVE',
    ...overrides,
  };
}

const productItems = (events: readonly ProductEvent[]): ProductItem[] =>
  events.map((event, index) => ({ kind: 'product', event, origin: { source: 'products.jsonl', line: index + 1 } }));

async function* source<T>(items: readonly T[]): AsyncGenerator<T[]> {
  yield [...items];
}

/** c-1 pays by card now and then through October; c-2 is known only from its product. */
function october() {
  const ledger = new Ledger('c-1', { 'a-1': czk(40_000) });
  const transactions = ['2026-10-02', '2026-10-09', '2026-10-16', '2026-10-23'].map((date) =>
    ledger.debit(czk(250), pragueWinter(date), { category: 'CARD', channel: 'CARD' }),
  );
  const products = [
    productEvent({ customerId: 'c-1', eventTime: pragueWinter('2026-10-05') }),
    productEvent({ customerId: 'c-2', eventTime: pragueWinter('2026-11-24'), productKind: 'WEALTH_PRODUCT', maturityDate: dayNo('2026-12-01') }),
    productEvent({ customerId: 'c-3', eventTime: pragueWinter('2026-11-25'), currency: 'EUR' }),
    // after --until: not applied
    productEvent({ customerId: 'c-4', eventTime: pragueWinter('2027-01-05'), maturityDate: dayNo('2027-01-10') }),
  ];
  const profiles = profileItems([profile({ customerId: 'c-1', rmId: 'rm-1' }), profile({ customerId: 'c-2', rmId: 'rm-2', marketingConsent: false })]);
  return { transactions, products, profiles };
}

describe('product events in a replay', () => {
  const run = () => {
    const { transactions, products, profiles } = october();
    return replay(source(itemsOf(transactions)), { profiles, products: source(productItems(products)), until: pragueWinter('2026-12-31') });
  };

  it('tell each maturity once: from the timer when its window opens, or at once when announced inside it', async () => {
    const { lines, deadLetters, summary } = await run();
    // three reach the core (the EUR one included, refused there); the one after --until does not
    expect(summary.productEvents).toBe(3);
    const maturities = lines.map((line) => JSON.parse(line) as { feed: string; alert: Record<string, unknown> }).filter((record) => record.alert['kind'] === 'MATURITY');
    expect(maturities.map((record) => [record.feed, record.alert['customerId']])).toEqual([
      ['rm', 'c-1'],
      ['campaign', 'c-1'],
      ['rm', 'c-2'],
    ]);
    const [told, , depositor] = maturities.map((record) => record.alert);
    // judged by the timer just after the window opened (16 Nov), with no event that day: detected at that stream time
    expect(told).toMatchObject({
      reason: 'Time deposit of 300,000.00 CZK matures on 2026-11-30 without auto-rollover (in 14 days)',
      eventTime: calendar.startOf(dayNo('2026-11-16')),
      detectedAt: calendar.startOf(dayNo('2026-11-16')) + 60_000,
    });
    expect(depositor).toMatchObject({
      queue: 'rm-2',
      reason: 'Wealth product of 300,000.00 CZK matures on 2026-12-01 without auto-rollover (in 7 days)',
      eventTime: pragueWinter('2026-11-24'),
      detectedAt: pragueWinter('2026-11-24'),
    });
    // the EUR deposit is refused like a transaction in another currency, named by its line in the products file
    expect(deadLetters).toEqual([
      { reason: 'unsupported_currency', detail: "currency EUR is not the rules' currency CZK; tidewatch does not convert", offset: null, origin: { source: 'products.jsonl', line: 3 } },
    ]);
  });

  it('give the same bytes on every run', async () => {
    expect((await run()).lines).toEqual((await run()).lines);
  });

  it('change nothing when none are given', async () => {
    const { transactions, profiles } = october();
    const { lines } = await replay(source(itemsOf(transactions)), { profiles, until: pragueWinter('2026-12-31') });
    expect(lines.filter((line) => line.includes('"MATURITY"'))).toEqual([]);
  });
});
