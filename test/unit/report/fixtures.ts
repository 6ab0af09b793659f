import type { Alert } from '../../../src/domain/alert.ts';
import { AlertLog } from '../../../src/report/alerts.ts';
import type { ReportData } from '../../../src/report/model.ts';

export const DAY = 86_400_000;
/** Monday 2025-03-03, noon in Prague. */
export const MONDAY = Date.parse('2025-03-03T11:00:00Z');

let serial = 0;

/** A complete alert as the core renders one; the fields a test cares about are overridden. */
export function alert(overrides: Partial<Alert> = {}): Alert {
  serial += 1;
  return {
    alertId: `alert-${serial}`,
    kind: 'LARGE_OUTFLOW',
    priority: 'HIGH',
    customerId: 'C0000001',
    rmId: 'RM0001',
    queue: overrides.rmId === null ? 'UNASSIGNED' : (overrides.rmId ?? 'RM0001'),
    branchId: 'B01',
    tier: 'GOLD',
    reason: 'Large outflow: 250,000.00 CZK to another bank, 80% of the relationship balance',
    suggestedAction: 'Call the customer.',
    evidence: [],
    currency: 'CZK',
    amountAtStakeMinor: 25_000_000,
    counterpartyKind: 'OTHER_BANK',
    toCompetitor: true,
    causeTransactionId: null,
    rulesVersion: 'test-rules',
    eventTime: MONDAY,
    detectedAt: MONDAY,
    ...overrides,
  };
}

export const churnAlert = (customerId: string, score: number, detectedAt: number, reason = 'leakage 60%; balance 70% below its peak'): Alert =>
  alert({
    kind: 'CHURN_RISK',
    customerId,
    detectedAt,
    eventTime: detectedAt,
    reason: `Churn risk ${score}/100: ${reason}`,
    evidence: [{ metric: 'churn_score', unit: 'SCORE', value: score, threshold: 60, baseline: null }],
  });

export function logOf(alerts: readonly Alert[], feed: 'rm' | 'risk' = 'rm'): AlertLog {
  const log = new AlertLog();
  for (const entry of alerts) log.add({ feed, alert: entry });
  return log;
}

export function reportData(overrides: Partial<ReportData> = {}): ReportData {
  return {
    title: 'test report',
    source: 'unit test',
    timeZone: 'Europe/Prague',
    rulesVersion: 'test-rules',
    tiers: ['SILVER', 'GOLD', 'PLATINUM', 'BLACK_GOLD'],
    log: new AlertLog(),
    summary: null,
    rmIds: [],
    scores: null,
    backtest: null,
    ...overrides,
  };
}
