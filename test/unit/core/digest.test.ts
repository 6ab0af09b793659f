import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallClockInstant } from '../../../src/core/calendar.ts';
import { alertIdsOf, buildDigest, compareByRank, digestIdOf, digestSchedule, dueDigests, isRoutine } from '../../../src/core/digest.ts';
import { newCustomerState } from '../../../src/core/features.ts';
import type { Finding } from '../../../src/core/findings.ts';
import { emissionsFor } from '../../../src/core/policy.ts';
import { RulesError } from '../../../src/core/rules.ts';
import type { DigestRules } from '../../../src/core/rules.ts';
import { alertKinds, alertSchema, priorities } from '../../../src/domain/alert.ts';
import type { Alert, AlertKind, Priority } from '../../../src/domain/alert.ts';
import { rmDigestSchema } from '../../../src/domain/digest.ts';
import { DETECTED_AT, UNASSIGNED, calendar, coreWith, czk, profile, rules } from '../../support/core-fixtures.ts';

/** The default rules with the digest switched on (08:30 and 13:30 in Prague), plus any other digest settings. */
const digestCore = (digest: Partial<DigestRules> = {}) =>
  coreWith((raw) => {
    raw.digest = { enabled: true, flushTimes: ['08:30', '13:30'], ...digest };
  });
const enabled = digestCore();

/** A Prague wall-clock instant, e.g. prague('2026-01-14 08:30'), daylight saving included. */
const prague = (local: string): number => {
  const [date, time = '00:00:00.000'] = local.split(' ') as [string, string?];
  const [hours = '0', minutes = '0', rest = '0'] = time.split(':');
  const day = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
  return wallClockInstant('Europe/Prague', day, Number(hours) * 60 + Number(minutes)) + Math.round(Number(rest) * 1000);
};

let sequence = 0;
function alert(overrides: Partial<Alert> = {}): Alert {
  sequence += 1;
  return alertSchema.parse({
    alertId: `a-${String(sequence).padStart(4, '0')}`,
    kind: 'LARGE_INFLOW',
    priority: 'MEDIUM',
    customerId: `c-${sequence}`,
    rmId: 'rm-1',
    queue: 'rm-1',
    branchId: 'b-1',
    tier: 'SILVER',
    reason: 'Large inflow',
    suggestedAction: 'Offer a savings product.',
    evidence: [],
    currency: 'CZK',
    amountAtStakeMinor: czk(150_000),
    counterpartyKind: 'CASH',
    toCompetitor: false,
    causeTransactionId: null,
    rulesVersion: rules.version,
    eventTime: prague('2026-01-14 09:00'),
    detectedAt: prague('2026-01-14 09:00'),
    ...overrides,
  });
}

describe('routine or urgent', () => {
  const cases: Array<[string, DigestRules, Priority, AlertKind, boolean]> = [
    ['digest off: nothing is routine', rules.digest, 'LOW', 'DORMANCY', false],
    ['on, default immediateFrom HIGH: URGENT at once', enabled.rules.digest, 'URGENT', 'LARGE_OUTFLOW', false],
    ['on, default immediateFrom HIGH: HIGH at once', enabled.rules.digest, 'HIGH', 'LARGE_INFLOW', false],
    ['on, default immediateFrom HIGH: MEDIUM waits', enabled.rules.digest, 'MEDIUM', 'LARGE_INFLOW', true],
    ['on, default immediateFrom HIGH: LOW waits', enabled.rules.digest, 'LOW', 'DORMANCY', true],
    ['immediateFrom URGENT: HIGH waits', digestCore({ immediateFrom: 'URGENT' }).rules.digest, 'HIGH', 'LARGE_INFLOW', true],
    ['an always-immediate kind goes at once whatever its priority', digestCore({ immediateKinds: ['RM_HANDOVER'] }).rules.digest, 'LOW', 'RM_HANDOVER', false],
  ];
  it.each(cases)('%s', (_name, digest, priority, kind, routine) => {
    expect(isRoutine({ priority, kind }, digest)).toBe(routine);
  });

  it('is off in the shipped rules, so every RM alert still goes at once', () => {
    expect(rules.digest.enabled).toBe(false);
    const withoutSection = coreWith((raw) => {
      delete raw.digest;
    });
    expect(withoutSection.rules.digest).toEqual({
      enabled: false,
      immediateFrom: 'HIGH',
      immediateKinds: [],
      flushTimes: ['08:30', '13:30'],
      flushWeekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
      maxAlertsPerDigest: 50,
    });
  });
});

describe('routing in the alert policy', () => {
  const finding = (overrides: Partial<Finding>): Finding => ({
    kind: 'LARGE_OUTFLOW',
    priority: 'MEDIUM',
    causeKey: `cause-${overrides.kind ?? 'x'}-${overrides.priority ?? 'y'}`,
    reason: 'Large outflow',
    suggestedAction: 'Call the customer.',
    evidence: [],
    amountAtStakeMinor: czk(120_000),
    counterpartyKind: 'CASH',
    toCompetitor: false,
    causeTransactionId: 't-1',
    eventTime: DETECTED_AT - 60_000,
    feeds: ['rm', 'risk'],
    ...overrides,
  });
  const findings = [
    finding({ priority: 'URGENT', causeKey: 'urgent' }),
    finding({ priority: 'MEDIUM', causeKey: 'medium', kind: 'CUMULATIVE_OUTFLOW' }),
    finding({ kind: 'LARGE_INFLOW', priority: 'MEDIUM', causeKey: 'inflow', feeds: ['rm', 'campaign'] }),
    finding({ kind: 'LEAKAGE', priority: 'LOW', causeKey: 'leak', feeds: ['risk'] }),
  ];
  const route = (core: typeof enabled) =>
    emissionsFor(newCustomerState('c-1', 0, DETECTED_AT), findings, {
      rules: core.rules,
      profile: profile({ marketingConsent: true }),
      unassignedQueue: UNASSIGNED,
      detectedAt: DETECTED_AT,
    }).map((emission) => ({ kind: emission.alert.kind, feeds: emission.feeds, routine: emission.routine ?? false }));

  it('marks routine RM alerts for the digest; urgent ones, risk and campaign feeds are unchanged', () => {
    expect(route(enabled)).toEqual([
      { kind: 'LARGE_OUTFLOW', feeds: ['risk', 'rm'], routine: false },
      { kind: 'CUMULATIVE_OUTFLOW', feeds: ['risk', 'rm'], routine: true },
      { kind: 'LARGE_INFLOW', feeds: ['rm', 'campaign'], routine: true },
      { kind: 'LEAKAGE', feeds: ['risk'], routine: false },
    ]);
  });

  it('marks nothing when the digest is off: the records are those of before', () => {
    const off = route({ ...enabled, rules });
    expect(off.map((emission) => emission.routine)).toEqual([false, false, false, false]);
    expect(off.map(({ kind, feeds }) => ({ kind, feeds }))).toEqual(route(enabled).map(({ kind, feeds }) => ({ kind, feeds })));
  });
});

describe('windows cut at the flush times, in the bank’s time zone', () => {
  const schedule = digestSchedule(enabled.rules.digest, calendar);

  it.each([
    ['a winter morning before 08:30', '2026-01-14 07:00', '2026-01-14 08:30'],
    ['one millisecond before the flush', '2026-01-14 08:29:59.999', '2026-01-14 08:30'],
    ['exactly at the flush: the next window (that digest is already being cut)', '2026-01-14 08:30', '2026-01-14 13:30'],
    ['exactly at the afternoon flush: the next morning', '2026-01-14 13:30', '2026-01-15 08:30'],
    ['late evening: the next morning', '2026-01-14 23:59', '2026-01-15 08:30'],
    ['just after midnight: that morning', '2026-01-15 00:01', '2026-01-15 08:30'],
    ['summer time (UTC+2)', '2026-07-01 10:00', '2026-07-01 13:30'],
    ['the night the clocks go forward', '2026-03-29 01:00', '2026-03-29 08:30'],
    ['the night the clocks go back', '2026-10-25 02:30', '2026-10-25 08:30'],
  ])('%s', (_name, detected, windowEnd) => {
    expect(new Date(schedule.windowEndOf(prague(detected))).toISOString()).toBe(new Date(prague(windowEnd)).toISOString());
  });

  it('reads the flush times as wall-clock times: 08:30 is 07:30 UTC in winter, 06:30 UTC in summer', () => {
    expect(new Date(schedule.windowEndOf(Date.parse('2026-01-14T05:00:00Z'))).toISOString()).toBe('2026-01-14T07:30:00.000Z');
    expect(new Date(schedule.windowEndOf(Date.parse('2026-07-14T05:00:00Z'))).toISOString()).toBe('2026-07-14T06:30:00.000Z');
    expect(new Date(schedule.windowEndOf(Date.parse('2026-03-29T05:00:00Z'))).toISOString()).toBe('2026-03-29T06:30:00.000Z');
  });

  it('the latest flush at or before an instant includes the flush instant itself', () => {
    expect(schedule.latestFlushAtOrBefore(prague('2026-01-14 08:30'))).toBe(prague('2026-01-14 08:30'));
    expect(schedule.latestFlushAtOrBefore(prague('2026-01-14 08:29:59.999'))).toBe(prague('2026-01-13 13:30'));
  });

  it('on working days only, an alert on Friday afternoon waits for Monday morning', () => {
    const weekdays = digestSchedule(digestCore({ flushWeekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI'] }).rules.digest, calendar);
    // 2026-01-16 is a Friday
    expect(weekdays.windowEndOf(prague('2026-01-16 14:00'))).toBe(prague('2026-01-19 08:30'));
    expect(weekdays.latestFlushAtOrBefore(prague('2026-01-18 20:00'))).toBe(prague('2026-01-16 13:30'));
  });

  it('in another zone the same times are other instants (Asia/Shanghai, UTC+8)', () => {
    const shanghai = coreWith((raw) => {
      raw.timeZone = 'Asia/Shanghai';
      raw.digest = { enabled: true, flushTimes: ['08:30'] };
    });
    const end = digestSchedule(shanghai.rules.digest, shanghai.calendar).windowEndOf(Date.parse('2026-01-14T02:00:00Z'));
    expect(new Date(end).toISOString()).toBe('2026-01-15T00:30:00.000Z');
  });
});

describe('a digest', () => {
  const window = { start: prague('2026-01-14 08:30'), end: prague('2026-01-14 13:30') };
  const build = (alerts: Alert[], core = enabled) => buildDigest('rm-1', alerts, window, { rules: core.rules, createdAt: window.end + 1_000 });

  it('ranks by priority first, then by the value at stake', () => {
    const small = alert({ priority: 'MEDIUM', amountAtStakeMinor: czk(40_000) });
    const lowButLarge = alert({ priority: 'LOW', kind: 'DORMANCY', amountAtStakeMinor: czk(5_000_000) });
    const high = alert({ priority: 'HIGH', amountAtStakeMinor: czk(100_000) });
    const large = alert({ priority: 'MEDIUM', kind: 'LARGE_OUTFLOW', amountAtStakeMinor: czk(300_000) });
    const digest = build([small, lowButLarge, high, large]);
    expect(digest.alerts.map((listed) => listed.alertId)).toEqual([high, large, small, lowButLarge].map((listed) => listed.alertId));
    expect(rmDigestSchema.parse(digest)).toEqual(digest);
  });

  it('breaks ties by detection time, then id: the order is total', () => {
    const later = alert({ detectedAt: prague('2026-01-14 10:00') });
    const earlier = alert({ detectedAt: prague('2026-01-14 09:00') });
    const twin = { ...earlier, alertId: 'a-0000' };
    expect([later, earlier, twin].sort(compareByRank).map((listed) => listed.alertId)).toEqual(['a-0000', earlier.alertId, later.alertId]);
  });

  it('counts every alert by kind (most first) and by priority (most urgent first)', () => {
    const digest = build([
      alert({ kind: 'DORMANCY', priority: 'LOW' }),
      alert({ kind: 'LARGE_INFLOW' }),
      alert({ kind: 'DORMANCY', priority: 'LOW' }),
      alert({ kind: 'IDLE_FUNDS', priority: 'HIGH' }),
    ]);
    expect(digest.alertCount).toBe(4);
    expect(digest.countsByKind).toEqual([
      { kind: 'DORMANCY', count: 2 },
      { kind: 'LARGE_INFLOW', count: 1 },
      { kind: 'IDLE_FUNDS', count: 1 },
    ]);
    expect(digest.countsByPriority).toEqual([
      { priority: 'HIGH', count: 1 },
      { priority: 'MEDIUM', count: 1 },
      { priority: 'LOW', count: 2 },
    ]);
    expect(digest).toMatchObject({ queue: 'rm-1', rmId: 'rm-1', windowStart: window.start, windowEnd: window.end, timeZone: 'Europe/Prague' });
  });

  it('lists at most maxAlertsPerDigest in full and names the rest by id, so none is lost', () => {
    const alerts = [1, 2, 3, 4, 5].map((rank) => alert({ amountAtStakeMinor: czk(rank * 10_000) }));
    const digest = build(alerts, digestCore({ maxAlertsPerDigest: 2 }));
    expect(digest.alerts.map((listed) => listed.amountAtStakeMinor)).toEqual([czk(50_000), czk(40_000)]);
    expect(digest.omittedAlertIds).toEqual([alerts[2]!, alerts[1]!, alerts[0]!].map((omitted) => omitted.alertId));
    expect(digest.alertCount).toBe(5);
    expect(new Set(alertIdsOf(digest))).toEqual(new Set(alerts.map((listed) => listed.alertId)));
  });

  it('has an id of its queue and window end only: the same digest re-cut after a crash is recognisably the same', () => {
    const alerts = [alert(), alert({ priority: 'LOW' })];
    const first = build(alerts);
    expect(first.digestId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.digestId).toBe(digestIdOf('rm-1', window.end));
    expect(build([...alerts].reverse())).toEqual(first);
    expect(digestIdOf('rm-2', window.end)).not.toBe(first.digestId);
    expect(digestIdOf('rm-1', window.end + 1)).not.toBe(first.digestId);
  });

  it('is for the unassigned queue with no RM', () => {
    const orphan = buildDigest('UNASSIGNED', [alert({ rmId: null, queue: 'UNASSIGNED' })], window, { rules: enabled.rules, createdAt: window.end });
    expect(orphan).toMatchObject({ queue: 'UNASSIGNED', rmId: null });
  });
});

// a 200-run property: 13.5 s measured under load, so a timeout of its own
describe('digests due at a flush', { timeout: 300_000 }, () => {
  const at = prague('2026-01-14 13:30');
  const due = (pending: Alert[], lastCuts = new Map<string, number>(), now = at, core = enabled) => dueDigests({ pending, lastCuts, now, rules: core.rules, calendar: core.calendar });

  it('one per queue, each with exactly its alerts of the ended windows; later ones wait', () => {
    const rm1 = [alert({ detectedAt: prague('2026-01-14 09:00') }), alert({ detectedAt: prague('2026-01-13 20:00'), priority: 'LOW' })];
    const rm2 = [alert({ queue: 'rm-2', rmId: 'rm-2', detectedAt: prague('2026-01-14 13:29:59.999') })];
    const atTheFlush = alert({ detectedAt: at });
    const digests = due([...rm2, atTheFlush, ...rm1]);
    expect(digests.map((digest) => [digest.queue, alertIdsOf(digest)])).toEqual([
      ['rm-1', rm1.map((listed) => listed.alertId)],
      ['rm-2', rm2.map((listed) => listed.alertId)],
    ]);
    expect(digests.every((digest) => digest.windowEnd === at && digest.windowStart === prague('2026-01-14 08:30'))).toBe(true);
  });

  it('nothing before the flush time, and nothing for a queue without due alerts', () => {
    expect(due([alert({ detectedAt: prague('2026-01-14 09:00') })], new Map(), at - 1)).toEqual([]);
    expect(due([alert({ detectedAt: at + 1 })], new Map(), at + 60_000)).toEqual([]);
  });

  it('a queue already cut at this flush gets nothing more until the next: a late alert joins the next digest', () => {
    const late = alert({ detectedAt: prague('2026-01-14 13:00') });
    expect(due([late], new Map([['rm-1', at]]))).toEqual([]);
    const [next] = due([late], new Map([['rm-1', at]]), prague('2026-01-15 08:30'));
    expect(next).toMatchObject({ windowEnd: prague('2026-01-15 08:30'), digestId: digestIdOf('rm-1', prague('2026-01-15 08:30')) });
    expect(alertIdsOf(next!)).toEqual([late.alertId]);
  });

  it('after an outage, one catch-up digest at the latest flush rather than one per missed flush', () => {
    const old = [alert({ detectedAt: prague('2026-01-12 09:00') }), alert({ detectedAt: prague('2026-01-13 15:00') })];
    const digests = due(old, new Map(), prague('2026-01-14 10:00'));
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ windowEnd: prague('2026-01-14 08:30'), alertCount: 2 });
  });

  it('still flushes alerts that were waiting when the digest was switched off', () => {
    const waiting = alert({ detectedAt: prague('2026-01-14 09:00') });
    const off = coreWith((raw) => {
      raw.digest = { enabled: false, flushTimes: ['08:30', '13:30'] };
    });
    expect(due([waiting], new Map(), at, off).map(alertIdsOf)).toEqual([[waiting.alertId]]);
  });

  it('accounts for every due alert exactly once, ranked, whatever the mix (property)', () => {
    const start = prague('2026-01-10 00:00');
    const arbitraryAlert = fc.record({
      queue: fc.constantFrom('rm-1', 'rm-2', 'rm-3', 'UNASSIGNED'),
      priority: fc.constantFrom(...priorities),
      kind: fc.constantFrom(...alertKinds),
      amount: fc.integer({ min: 0, max: 10_000_000_00 }),
      detectedOffset: fc.integer({ min: 0, max: 5 * 86_400_000 }),
    });
    fc.assert(
      fc.property(fc.array(arbitraryAlert, { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (drafts, cap) => {
        const core = digestCore({ maxAlertsPerDigest: cap });
        const now = start + 5 * 86_400_000;
        const pending = drafts.map((draft, index) =>
          alert({
            alertId: `p-${index}`,
            queue: draft.queue,
            rmId: draft.queue === 'UNASSIGNED' ? null : draft.queue,
            priority: draft.priority,
            kind: draft.kind,
            amountAtStakeMinor: draft.amount,
            detectedAt: start + draft.detectedOffset,
          }),
        );
        const digests = due(pending, new Map(), now, core);
        const schedule = digestSchedule(core.rules.digest, core.calendar);
        const cut = schedule.latestFlushAtOrBefore(now);
        const expected = pending.filter((candidate) => schedule.windowEndOf(candidate.detectedAt) <= cut).map((candidate) => candidate.alertId);
        const accounted = digests.flatMap(alertIdsOf);
        expect(new Set(accounted).size).toBe(accounted.length);
        expect([...accounted].sort()).toEqual([...expected].sort());
        for (const digest of digests) {
          expect(digest.alerts.length).toBeLessThanOrEqual(cap);
          expect(digest.alerts.every((listed) => listed.queue === digest.queue)).toBe(true);
          expect([...digest.alerts].sort(compareByRank)).toEqual(digest.alerts);
          expect(digest.countsByKind.reduce((sum, entry) => sum + entry.count, 0)).toBe(digest.alertCount);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('the digest rules', () => {
  const withDigest = (digest: unknown) => () =>
    coreWith((raw) => {
      raw.digest = digest;
    });

  it.each([
    ['a time that is not HH:MM', { flushTimes: ['8:30'] }, 'digest.flushTimes.0'],
    ['24:00', { flushTimes: ['24:00'] }, 'digest.flushTimes.0'],
    ['times out of order', { flushTimes: ['13:30', '08:30'] }, 'digest.flushTimes: must be strictly ascending'],
    ['no flush day', { flushWeekdays: [] }, 'digest.flushWeekdays'],
    ['an unknown key', { flushEvery: '4h' }, 'digest'],
    ['an unknown priority', { immediateFrom: 'CRITICAL' }, 'digest.immediateFrom'],
  ])('refuses %s, naming the key', (_name, digest, message) => {
    expect(withDigest(digest)).toThrow(RulesError);
    expect(withDigest(digest)).toThrow(message);
  });
});
