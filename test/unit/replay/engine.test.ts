import { describe, expect, it } from 'vitest';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { Replay } from '../../../src/replay/engine.ts';
import type { AlertOutcome } from '../../../src/replay/outcomes.ts';
import { MemoryStateStore } from '../../../src/state/memory-store.ts';
import { DAY, HOUR, Ledger, czk, profile } from '../../support/core-fixtures.ts';
import { bankInput, core, itemsOf, profileItems, replay, smallBank } from './fixtures.ts';

const START = Date.parse('2024-01-01T00:00:00+01:00');
const at = (day: number, hour: number) => START + day * DAY + hour * HOUR;
const parsed = (lines: readonly string[]) => lines.map((line) => JSON.parse(line) as { feed: string; alert: { kind: string; customerId: string; eventTime: number; detectedAt: number } });

/**
 * Customer "steady" pays by card every day at noon for 100 days and sends 200,000.00 CZK to another bank on days 68
 * and 69; customer "quiet" is active on days 0–9 at 10:00, then silent until day 80. Quiet's first dormancy stage
 * (60 days) is due on day 69 at 10:00, two hours before steady's second transfer.
 */
function silenceScenario(): Transaction[] {
  const steady = new Ledger('steady', { 'a-1': czk(1_000_000) });
  const quiet = new Ledger('quiet', { 'a-1': czk(5_000) });
  const transactions: Transaction[] = [];
  for (let day = 0; day < 100; day += 1) {
    if (day < 10 || day >= 80) transactions.push(quiet.debit(czk(50), at(day, 10), { category: 'CARD' }));
    transactions.push(steady.debit(czk(100), at(day, 12), { category: 'CARD' }));
    if (day === 68 || day === 69) transactions.push(steady.debit(czk(200_000), at(day, 12) + 60_000, { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: 'XB' }));
  }
  return transactions;
}

const silenceProfiles = profileItems([profile({ customerId: 'steady', rmId: 'rm-1' }), profile({ customerId: 'quiet', rmId: 'rm-2' })]);

// replays of generated banks, twice over: up to 15 s a test measured on the loaded 2-core machine
describe('Replay', { timeout: 120_000 }, () => {
  it('gives the same bytes twice over the same input (determinism)', async () => {
    const first = bankInput(smallBank());
    const second = bankInput(smallBank());
    const one = await replay(first.source, { profiles: first.profiles });
    const two = await replay(second.source, { profiles: second.profiles });
    expect(one.lines.length).toBeGreaterThan(30);
    expect(two.lines.join('\n')).toBe(one.lines.join('\n'));
  });

  it('gives the same output whatever the batch size', async () => {
    const outputs = [];
    for (const chunkSize of [1, 37, 2_000]) {
      const { source, profiles } = bankInput(smallBank({ months: 3 }));
      outputs.push((await replay(source, { profiles, chunkSize })).lines.join('\n'));
    }
    expect(outputs[0]!.length).toBeGreaterThan(0);
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });

  it('gives the same output on the copying MemoryStateStore as on its own copy-free store', async () => {
    const direct = bankInput(smallBank({ months: 3 }));
    const copying = bankInput(smallBank({ months: 3 }));
    const expected = (await replay(direct.source, { profiles: direct.profiles })).lines;
    const actual = (await replay(copying.source, { profiles: copying.profiles, store: new MemoryStateStore() })).lines;
    expect(actual.join('\n')).toBe(expected.join('\n'));
  });

  it('fires a timer when event time reaches it: dormancy 60 days into a silence, before the records after that moment', async () => {
    for (const chunkSize of [1, 2_000]) {
      const { lines } = await replay([itemsOf(silenceScenario())], { profiles: silenceProfiles, chunkSize });
      const records = parsed(lines);
      const dormancy = records.filter((record) => record.alert.kind === 'DORMANCY');
      expect(dormancy.map((record) => record.alert.customerId)).toEqual(['quiet']);
      const [silence] = dormancy;
      expect(silence!.alert.eventTime).toBe(at(9, 10) + 60 * DAY);
      // detected when the stream reached it: steady's card payment at noon of day 69
      expect(silence!.alert.detectedAt).toBe(at(69, 12));
      const transfers = records.filter((record) => record.feed === 'risk' && record.alert.customerId === 'steady' && record.alert.kind === 'LARGE_OUTFLOW');
      expect(transfers.map((record) => record.alert.eventTime)).toEqual([at(68, 12) + 60_000, at(69, 12) + 60_000]);
      const position = (record: (typeof records)[number]) => records.indexOf(record);
      expect(position(transfers[0]!)).toBeLessThan(position(silence!));
      expect(position(silence!)).toBeLessThan(position(transfers[1]!));
    }
  });

  it('lets time run on to --until, each timer judged when it falls due', async () => {
    const transactions = silenceScenario().filter((transaction) => transaction.eventTime < at(20, 0));
    const until = at(200, 0);
    const { lines, summary } = await replay([itemsOf(transactions)], { profiles: silenceProfiles, until });
    const dormancy = parsed(lines).filter((record) => record.alert.kind === 'DORMANCY');
    // both customers fall silent; the RM hears the first stage of the silence (one alert per silence), detected when
    // it fell due; the later stages (90, 180 days) are judged by their timers too, and only recorded
    const quiet = dormancy.filter((record) => record.alert.customerId === 'quiet');
    expect(quiet.map((record) => record.alert.eventTime)).toEqual([60].map((days) => at(9, 10) + days * DAY));
    expect(summary.timersFired).toBeGreaterThanOrEqual(3);
    expect(quiet.every((record) => record.alert.detectedAt === record.alert.eventTime)).toBe(true);
    expect(summary.endedAt).toBe(new Date(until).toISOString());
  });

  it('hands outcomes to the hook when stream time reaches them, and dead-letters invalid ones', async () => {
    const delivered: Array<{ alertIds: string[]; streamTime: number }> = [];
    const outcome = (alertId: string, recordedAt: number): AlertOutcome => ({ alertId, customerId: 'quiet', kind: 'DORMANCY', outcome: 'CONTACTED', recordedAt });
    async function* outcomes() {
      yield [
        { kind: 'outcome' as const, outcome: outcome('a-1', at(30, 15)) },
        { kind: 'rejected' as const, reason: 'invalid' as const, detail: 'outcome: bad', origin: { source: 'outcomes.jsonl', line: 2 } },
        { kind: 'outcome' as const, outcome: outcome('a-2', at(95, 0)) },
        { kind: 'outcome' as const, outcome: outcome('a-3', at(500, 0)) },
      ];
    }
    const { summary, deadLetters } = await replay([itemsOf(silenceScenario())], {
      profiles: silenceProfiles,
      outcomes: outcomes(),
      onOutcomes: (batch, context) => {
        delivered.push({ alertIds: batch.map((item) => item.alertId), streamTime: context.streamTime });
      },
    });
    expect(delivered).toEqual([
      { alertIds: ['a-1'], streamTime: at(31, 12) },
      { alertIds: ['a-2'], streamTime: at(95, 10) },
      { alertIds: ['a-3'], streamTime: at(99, 12) },
    ]);
    expect(summary.outcomes).toEqual({ total: 3, byOutcome: { CONTACTED: 3 } });
    expect(deadLetters).toEqual([{ reason: 'invalid', detail: 'outcome: bad', offset: null, origin: { source: 'outcomes.jsonl', line: 2 } }]);
  });

  it('counts what the core refuses and what the reader could not read, with the record\'s place', async () => {
    const ledger = new Ledger('c-1', { 'a-1': czk(10_000) });
    const items = [
      ...itemsOf([ledger.debit(czk(10), at(20, 9)), ledger.debit(czk(10), at(5, 9)), ledger.debit(czk(10), at(21, 9), { currency: 'EUR' })]),
      { kind: 'rejected' as const, reason: 'invalid' as const, detail: 'amountMinor: expected number', origin: { source: 'tx.jsonl', line: 4 } },
    ];
    const { summary, deadLetters } = await replay([items], { inputName: 'tx.jsonl' });
    expect(summary.events).toBe(4);
    expect(summary.deadLetters).toEqual({ total: 3, byReason: { too_late: 1, unsupported_currency: 1, invalid: 1 } });
    expect(deadLetters.map((letter) => [letter.reason, letter.offset, letter.origin.line])).toEqual([
      ['too_late', 1, 2],
      ['unsupported_currency', 2, 3],
      ['invalid', 3, 4],
    ]);
  });

  it('summarises alerts per feed, kind and priority, and the RM load per ISO week', async () => {
    const { summary, lines } = await replay([itemsOf(silenceScenario())], { profiles: silenceProfiles });
    const records = parsed(lines);
    const total = Object.values(summary.alerts).flatMap((byKind) => Object.values(byKind).flatMap((byPriority) => Object.values(byPriority)));
    expect(total.reduce((sum, count) => sum + count, 0)).toBe(records.length);
    expect(summary.publishedRecords).toBe(records.length);
    expect(summary.customers).toBe(2);
    expect(summary.rmLoad.rms).toBe(2);
    expect(summary.rmLoad.weeks).toBe(15);
    expect(summary.rmLoad.max).toBeGreaterThanOrEqual(1);
    expect(summary.firstEventTime).toBe(new Date(at(0, 10)).toISOString());
  });

  it('refuses a chunk size that is not a positive integer', () => {
    expect(() => new Replay({ core, chunkSize: 0 })).toThrow(/chunkSize/);
  });
});
