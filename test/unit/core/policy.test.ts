import { describe, expect, it } from 'vitest';
import { newCustomerState } from '../../../src/core/features.ts';
import type { Finding } from '../../../src/core/findings.ts';
import { alertIdOf, dropEndedCooldowns, emissionsFor, opportunityOf } from '../../../src/core/policy.ts';
import type { PolicyContext } from '../../../src/core/policy.ts';
import type { CustomerState } from '../../../src/core/state.ts';
import { alertSchema } from '../../../src/domain/alert.ts';
import { campaignOpportunitySchema } from '../../../src/domain/opportunity.ts';
import { DAY, DETECTED_AT, UNASSIGNED, czk, pragueWinter, profile, rules } from '../../support/core-fixtures.ts';

const T = pragueWinter('2024-01-10');

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    kind: 'LARGE_OUTFLOW',
    priority: 'HIGH',
    causeKey: 'c-1-t1',
    reason: 'Large outflow: 200,000.00 CZK to another bank, 20% of the relationship balance',
    suggestedAction: 'Call the customer today.',
    evidence: [{ metric: 'amount', unit: 'MINOR_UNITS', value: czk(200_000), threshold: czk(100_000), baseline: 0 }],
    amountAtStakeMinor: czk(1_000_000),
    counterpartyKind: 'OTHER_BANK',
    toCompetitor: true,
    causeTransactionId: 'c-1-t1',
    eventTime: T,
    feeds: ['rm', 'risk'],
    ...overrides,
  };
}

const context = (overrides: Partial<PolicyContext> = {}): PolicyContext => ({ rules, profile: profile(), unassignedQueue: UNASSIGNED, detectedAt: DETECTED_AT, ...overrides });
const freshState = (): CustomerState => newCustomerState('c-1', 0, T);

describe('alert ids', () => {
  it('the same customer, kind and cause always give the same id, whatever else differs', () => {
    const id = alertIdOf('c-1', finding());
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(alertIdOf('c-1', finding({ priority: 'URGENT', eventTime: T + DAY, reason: 'other words' }))).toBe(id);
    const [once] = emissionsFor(freshState(), [finding()], context());
    const [again] = emissionsFor(freshState(), [finding()], context({ detectedAt: DETECTED_AT + 5_000, profile: undefined }));
    expect(once?.alert.alertId).toBe(id);
    expect(again?.alert.alertId).toBe(id);
  });

  it.each([
    ['another customer', 'c-2', finding()],
    ['another kind', 'c-1', finding({ kind: 'CUMULATIVE_OUTFLOW' })],
    ['another cause', 'c-1', finding({ causeKey: 'c-1-t2' })],
  ])('%s gives another id', (_, customerId, other) => {
    expect(alertIdOf(customerId, other)).not.toBe(alertIdOf('c-1', finding()));
  });

  it('same inputs, same records and same cooldowns, byte for byte', () => {
    const [left, right] = [freshState(), freshState()];
    const findings = [finding(), finding({ kind: 'LARGE_INFLOW', causeKey: 'c-1-t2', feeds: ['rm', 'campaign'] })];
    expect(JSON.stringify(emissionsFor(left, findings, context()))).toBe(JSON.stringify(emissionsFor(right, findings, context())));
    expect(left.cooldowns).toEqual(right.cooldowns);
  });
});

describe('cooldown per customer × kind, escalation when it worsens', () => {
  it('tells the RM once per window, the risk feed every time, and again when the priority rises', () => {
    const state = freshState();
    // LARGE_OUTFLOW cools down for 7 days; each step is [finding, feeds expected]
    const steps: Array<[Finding, string[]]> = [
      [finding({ causeKey: 'a', eventTime: T }), ['risk', 'rm']],
      [finding({ causeKey: 'b', eventTime: T + 3 * DAY }), ['risk']], // same priority inside the window
      [finding({ causeKey: 'c', eventTime: T + 3 * DAY, priority: 'MEDIUM' }), ['risk']], // lower
      [finding({ causeKey: 'd', eventTime: T + 4 * DAY, priority: 'URGENT' }), ['risk', 'rm']], // worse: escalates
      [finding({ causeKey: 'e', eventTime: T + 10 * DAY, priority: 'URGENT' }), ['risk']], // the escalation restarted the window
      [finding({ causeKey: 'f', eventTime: T + 11 * DAY - 1, priority: 'HIGH' }), ['risk']],
      [finding({ causeKey: 'g', eventTime: T + 11 * DAY, priority: 'HIGH' }), ['risk', 'rm']], // the window has ended
      [finding({ kind: 'CUMULATIVE_OUTFLOW', causeKey: 'h', eventTime: T + 12 * DAY }), ['risk', 'rm']], // another kind: its own cooldown
    ];
    const told = steps.map(([step]) => emissionsFor(state, [step], context()).map((emission) => emission.feeds));
    expect(told).toEqual(steps.map(([, feeds]) => [feeds]));
    expect(state.cooldowns).toEqual({ LARGE_OUTFLOW: [T + 18 * DAY, 2], CUMULATIVE_OUTFLOW: [T + 26 * DAY, 2] });
  });

  it('an escalation records the higher priority: the same priority again stays quiet', () => {
    const state = freshState();
    emissionsFor(state, [finding({ causeKey: 'a', priority: 'MEDIUM' })], context());
    expect(state.cooldowns.LARGE_OUTFLOW).toEqual([T + 7 * DAY, 1]);
    emissionsFor(state, [finding({ causeKey: 'b', priority: 'HIGH', eventTime: T + DAY })], context());
    expect(state.cooldowns.LARGE_OUTFLOW).toEqual([T + 8 * DAY, 2]);
    expect(emissionsFor(state, [finding({ causeKey: 'c', priority: 'HIGH', eventTime: T + 2 * DAY })], context()).map((emission) => emission.feeds)).toEqual([['risk']]);
  });

  it('an opportunity in cooldown reaches nobody (no RM, no campaign; it has no risk feed)', () => {
    const state = freshState();
    const inflow = (causeKey: string, eventTime: number) => finding({ kind: 'LARGE_INFLOW', causeKey, eventTime, feeds: ['rm', 'campaign'], toCompetitor: false });
    expect(emissionsFor(state, [inflow('a', T)], context()).map((emission) => emission.feeds)).toEqual([['rm', 'campaign']]);
    expect(emissionsFor(state, [inflow('b', T + DAY)], context())).toEqual([]);
    expect(emissionsFor(state, [inflow('c', T + 7 * DAY)], context()).map((emission) => emission.feeds)).toEqual([['rm', 'campaign']]);
  });

  it('kinds with no cooldown (leakage for the risk feed, each dormancy stage) are told every time and leave no cooldown', () => {
    const state = freshState();
    const leakage = (causeKey: string) => finding({ kind: 'LEAKAGE', priority: 'LOW', causeKey, feeds: ['risk'] });
    const dormancy = (causeKey: string) => finding({ kind: 'DORMANCY', priority: 'LOW', causeKey, feeds: ['rm'] });
    expect(emissionsFor(state, [leakage('a'), leakage('b'), dormancy('s1'), dormancy('s2')], context()).map((emission) => emission.feeds)).toEqual([['risk'], ['risk'], ['rm'], ['rm']]);
    expect(state.cooldowns).toEqual({});
  });

  it('a suppressed finding leaves the cooldown as it was', () => {
    const state = freshState();
    emissionsFor(state, [finding({ causeKey: 'a' })], context());
    emissionsFor(state, [finding({ causeKey: 'b', eventTime: T + 5 * DAY })], context());
    expect(state.cooldowns.LARGE_OUTFLOW).toEqual([T + 7 * DAY, 2]);
  });

  it('forgets cooldowns that have ended', () => {
    const state = freshState();
    state.cooldowns = { LARGE_OUTFLOW: [T, 2], LARGE_INFLOW: [T + 1, 1] };
    dropEndedCooldowns(state, T);
    expect(state.cooldowns).toEqual({ LARGE_INFLOW: [T + 1, 1] });
  });
});

describe('routing and consent', () => {
  it.each([
    ['the customer’s RM', profile({ rmId: 'rm-42', branchId: 'b-9', servedTier: 'GOLD' }), { rmId: 'rm-42', queue: 'rm-42', branchId: 'b-9', tier: 'GOLD' }],
    ['no RM assigned: the unassigned queue', profile({ rmId: null }), { rmId: null, queue: UNASSIGNED, branchId: 'b-1', tier: 'SILVER' }],
    ['no profile at all: the unassigned queue', undefined, { rmId: null, queue: UNASSIGNED, branchId: null, tier: null }],
  ])('%s', (_, customer, expected) => {
    const [emission] = emissionsFor(freshState(), [finding()], context({ profile: customer }));
    expect(emission?.alert).toMatchObject(expected);
    expect(emission?.feeds).toEqual(['risk', 'rm']); // an alert is never routed nowhere
  });

  it.each([
    ['consented', profile({ marketingConsent: true }), ['rm', 'campaign']],
    ['not consented', profile({ marketingConsent: false }), ['rm']],
    ['no profile (consent unknown)', undefined, ['rm']],
  ])('an opportunity for a customer who %s', (_, customer, feeds) => {
    const [emission] = emissionsFor(freshState(), [finding({ kind: 'CUMULATIVE_INFLOW', feeds: ['rm', 'campaign'], toCompetitor: false })], context({ profile: customer }));
    expect(emission?.feeds).toEqual(feeds);
  });

  it('renders a valid alert record from the finding, the profile and the rules', () => {
    const [emission] = emissionsFor(freshState(), [finding()], context({ profile: profile({ rmId: 'rm-3', servedTier: 'GOLD' }) }));
    const alert = alertSchema.parse(emission?.alert);
    expect(alert).toEqual({
      alertId: alertIdOf('c-1', finding()),
      kind: 'LARGE_OUTFLOW',
      priority: 'HIGH',
      customerId: 'c-1',
      rmId: 'rm-3',
      queue: 'rm-3',
      branchId: 'b-1',
      tier: 'GOLD',
      reason: finding().reason,
      suggestedAction: finding().suggestedAction,
      evidence: finding().evidence,
      currency: 'CZK',
      amountAtStakeMinor: czk(1_000_000),
      counterpartyKind: 'OTHER_BANK',
      toCompetitor: true,
      causeTransactionId: 'c-1-t1',
      rulesVersion: rules.version,
      eventTime: T,
      detectedAt: DETECTED_AT,
    });
  });

  it('the campaign record carries no evidence, reason, counterparty or balances', () => {
    const [emission] = emissionsFor(freshState(), [finding({ kind: 'LARGE_INFLOW', feeds: ['rm', 'campaign'] })], context());
    const opportunity = campaignOpportunitySchema.strict().parse(opportunityOf(emission!.alert));
    expect(opportunity).toEqual({
      opportunityId: emission!.alert.alertId,
      kind: 'LARGE_INFLOW',
      customerId: 'c-1',
      rmId: 'rm-1',
      tier: 'SILVER',
      amountMinor: czk(1_000_000),
      currency: 'CZK',
      rulesVersion: rules.version,
      eventTime: T,
      detectedAt: DETECTED_AT,
    });
  });
});
