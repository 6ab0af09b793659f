import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/domain/alert.ts';
import { isoWeekLabel, weekIndexOf } from '../../../src/replay/iso-week.ts';
import { ReplayTally } from '../../../src/replay/summary.ts';
import { calendar } from '../../support/core-fixtures.ts';

const dayOf = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;
const noonInPrague = (isoDate: string) => Date.parse(`${isoDate}T12:00:00+01:00`);

describe('ISO weeks', () => {
  it('follow ISO 8601 at year ends', () => {
    const label = (isoDate: string) => isoWeekLabel(weekIndexOf(dayOf(isoDate)));
    expect(label('2024-01-01')).toBe('2024-W01');
    expect(label('2023-01-01')).toBe('2022-W52');
    expect(label('2020-12-31')).toBe('2020-W53');
    expect(label('2021-01-04')).toBe('2021-W01');
    expect(label('2024-12-30')).toBe('2025-W01');
    expect(label('1993-01-01')).toBe('1992-W53');
    expect(weekIndexOf(dayOf('2024-01-08')) - weekIndexOf(dayOf('2024-01-07'))).toBe(1);
  });
});

describe('RM load', () => {
  const alert = (queue: string, isoDate: string): Alert => ({
    alertId: `${queue}-${isoDate}`, kind: 'LARGE_OUTFLOW', priority: 'HIGH', customerId: 'c-1', rmId: queue === 'UNASSIGNED' ? null : queue, queue,
    branchId: null, tier: 'GOLD', reason: 'r', suggestedAction: 's', evidence: [], currency: 'CZK', amountAtStakeMinor: 1, counterpartyKind: null,
    toCompetitor: false, causeTransactionId: null, rulesVersion: 'v', eventTime: noonInPrague(isoDate), detectedAt: noonInPrague(isoDate),
  });

  it('is the median and max over every RM-week, quiet weeks and RMs without alerts included', () => {
    const tally = new ReplayTally(calendar, 'UNASSIGNED');
    tally.knownRm('rm-c');
    tally.transaction('c-1', noonInPrague('2024-01-01'));
    tally.transaction('c-1', noonInPrague('2024-01-21')); // three ISO weeks
    for (const date of ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-10']) tally.published('rm', alert('rm-a', date));
    tally.published('rm', alert('rm-b', '2024-01-16'));
    tally.published('risk', alert('rm-b', '2024-01-16'));
    tally.published('rm', alert('UNASSIGNED', '2024-01-16'));
    const summary = tally.summary({ endedAt: noonInPrague('2024-01-21'), elapsedMs: 1_000, peakRssBytes: 0 });
    // rm-a: 3, 1, 0; rm-b: 0, 0, 1; rm-c: 0, 0, 0
    expect(summary.rmLoad).toEqual({ rms: 3, weeks: 3, median: 0, max: 3, busiest: { rmId: 'rm-a', week: '2024-W01' }, unassigned: 1 });
    expect(summary.alerts).toEqual({ rm: { LARGE_OUTFLOW: { HIGH: 6 } }, risk: { LARGE_OUTFLOW: { HIGH: 1 } } });
    expect(summary.alertsByTier).toEqual({ rm: { GOLD: 6 }, risk: { GOLD: 1 } });
    expect(summary.publishedRecords).toBe(7);
  });
});
