import { describe, expect, it } from 'vitest';
import type { CustomerProfile } from '../../../src/domain/profile.ts';
import type { ProfileItem } from '../../../src/replay/records.ts';
import { Ledger, czk, pragueWinter, profile } from '../../support/core-fixtures.ts';
import { itemsOf, profileItems, replay } from './fixtures.ts';

/**
 * Changes of reference data during a replay (`--profile-updates`): applied through the service's core
 * (processProfiles) when stream time reaches their updatedAt, so RM handovers and the watch they start show in a
 * replay and a backtest as they would live. Default rules: a customer from 100,000 CZK goes on watch for 90 days,
 * outflow thresholds halved (PLATINUM's single 500,000 → 250,000).
 */
async function* source<T>(items: readonly T[]): AsyncGenerator<T[]> {
  yield [...items];
}

const platinum = profile({ customerId: 'c-1', rmId: 'rm-4', servedTier: 'PLATINUM' });
const gold = profile({ customerId: 'c-2', rmId: 'rm-6', servedTier: 'GOLD' });

/** c-1 (~800,000) and c-2 (~200,000) pay by card every week from September; c-1 sends 260,000 to another bank on 15 Oct. */
function autumn() {
  const first = new Ledger('c-1', { 'a-1': czk(800_000) });
  const second = new Ledger('c-2', { 'b-1': czk(200_000) });
  const weeks = Array.from({ length: 9 }, (_, week) => pragueWinter('2026-09-01') + week * 7 * 86_400_000);
  const transactions = [
    ...weeks.map((at) => first.debit(czk(1_000), at, { category: 'CARD', channel: 'CARD' })),
    ...weeks.map((at) => second.debit(czk(800), at + 3_600_000, { accountId: 'b-1', category: 'CARD', channel: 'CARD' })),
    first.debit(czk(260_000), pragueWinter('2026-10-15', '14:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }),
  ].sort((left, right) => left.eventTime - right.eventTime);
  const updates: CustomerProfile[] = [
    { ...platinum, rmId: 'rm-5', updatedAt: pragueWinter('2026-10-10', '09:00') },
    { ...gold, rmStatus: 'DEPARTED', updatedAt: pragueWinter('2026-10-12', '09:00') },
  ];
  return { transactions, updates };
}

const feedAlerts = (lines: readonly string[], feed: 'rm' | 'risk') =>
  lines
    .map((line) => JSON.parse(line) as { feed: string; alert: { kind: string; customerId: string; queue: string; eventTime: number; detectedAt: number } })
    .filter((record) => record.feed === feed)
    .map(({ alert }) => alert);
const rmAlerts = (lines: readonly string[]) => feedAlerts(lines, 'rm');

describe('profile updates in a replay', () => {
  const run = (options: { updates?: boolean; chunkSize?: number } = {}) => {
    const { transactions, updates } = autumn();
    const profileUpdates = options.updates === false ? undefined : source<ProfileItem>(profileItems(updates));
    return replay(source(itemsOf(transactions)), { profiles: profileItems([platinum, gold]), profileUpdates, chunkSize: options.chunkSize });
  };

  it('tell the new RM of a handover, put the customer on watch, and route later alerts to the new RM', async () => {
    const { lines, summary } = await run();
    expect(summary.profileUpdates).toBe(2);
    const alerts = rmAlerts(lines).filter((alert) => alert.kind === 'RM_HANDOVER');
    expect(alerts.map(({ kind, customerId, queue }) => ({ kind, customerId, queue }))).toEqual([
      { kind: 'RM_HANDOVER', customerId: 'c-1', queue: 'rm-5' },
      { kind: 'RM_HANDOVER', customerId: 'c-2', queue: 'rm-unassigned' }, // a departure with no successor yet
    ]);
    // 260,000 is over the halved 250,000 only: a large outflow for the risk team (not an exit), routed to the new RM
    const large = feedAlerts(lines, 'risk').filter((alert) => alert.kind === 'LARGE_OUTFLOW');
    expect(large.map(({ kind, customerId, queue }) => ({ kind, customerId, queue }))).toEqual([{ kind: 'LARGE_OUTFLOW', customerId: 'c-1', queue: 'rm-5' }]);
    // detected at stream time: the update's own time
    expect(alerts[0]).toMatchObject({ eventTime: pragueWinter('2026-10-10', '09:00'), detectedAt: pragueWinter('2026-10-10', '09:00') });
  });

  it('without them the replay holds the profiles as given: no handover, and 260,000 is under PLATINUM’s 500,000', async () => {
    const { lines } = await run({ updates: false });
    expect(rmAlerts(lines).map((alert) => alert.kind)).not.toContain('RM_HANDOVER');
    expect(feedAlerts(lines, 'risk').map((alert) => alert.kind)).not.toContain('LARGE_OUTFLOW');
  });

  it('give the same bytes whatever the batching', async () => {
    expect((await run({ chunkSize: 1 })).lines).toEqual((await run()).lines);
  });
});
