import type { Alert, AlertKind, Priority } from '../domain/alert.ts';
import type { PublishedRecord } from '../replay/records.ts';

/**
 * What the report and the backtest keep of one published alert: enough to chart, rank and match it against
 * labels, without the evidence list (a long replay publishes hundreds of thousands of records).
 */
export interface ReportAlert {
  alertId: string;
  kind: AlertKind;
  priority: Priority;
  customerId: string;
  rmId: string | null;
  /** The RM queue it went to (rmId, or the unassigned queue). */
  queue: string;
  tier: string | null;
  reason: string;
  /** UTC millis. */
  detectedAt: number;
  eventTime: number;
  amountAtStakeMinor: number;
  currency: string;
  rulesVersion: string;
  /** The churn_score evidence of a CHURN_RISK alert (0-100), else null. */
  churnScore: number | null;
}

export function toReportAlert(alert: Alert): ReportAlert {
  const score = alert.evidence.find((evidence) => evidence.metric === 'churn_score' && evidence.unit === 'SCORE');
  return {
    alertId: alert.alertId,
    kind: alert.kind,
    priority: alert.priority,
    customerId: alert.customerId,
    rmId: alert.rmId,
    queue: alert.queue,
    tier: alert.tier,
    reason: alert.reason,
    detectedAt: alert.detectedAt,
    eventTime: alert.eventTime,
    amountAtStakeMinor: alert.amountAtStakeMinor,
    currency: alert.currency,
    rulesVersion: alert.rulesVersion,
    churnScore: score === undefined ? null : score.value,
  };
}

/** Kinds that never go to an RM queue (risk feed only): kept from the risk feed, so the backtest can judge them. */
export const riskOnlyKinds: ReadonlySet<AlertKind> = new Set<AlertKind>(['LEAKAGE']);

/**
 * Collects a replay's published records: every RM-feed alert (what RMs read), the risk-only kinds from the risk
 * feed, and counts per kind for the risk and campaign feeds. Feed it as `onAlert`, or line by line from a file.
 */
export class AlertLog {
  readonly rm: ReportAlert[] = [];
  /** Alerts of risk-only kinds (LEAKAGE), from the risk feed. */
  readonly riskOnly: ReportAlert[] = [];
  readonly riskByKind: Partial<Record<AlertKind, number>> = {};
  readonly campaignByKind: Partial<Record<AlertKind, number>> = {};

  add(record: PublishedRecord): void {
    if (record.feed === 'campaign') {
      this.campaignByKind[record.alert.kind] = (this.campaignByKind[record.alert.kind] ?? 0) + 1;
      return;
    }
    const { alert } = record;
    if (record.feed === 'rm') {
      this.rm.push(toReportAlert(alert));
      return;
    }
    this.riskByKind[alert.kind] = (this.riskByKind[alert.kind] ?? 0) + 1;
    if (riskOnlyKinds.has(alert.kind)) this.riskOnly.push(toReportAlert(alert));
  }

  /** The alerts a backtest judges for a kind: the RM feed's, or the risk feed's for a risk-only kind. */
  judged(kind: AlertKind): ReportAlert[] {
    return (riskOnlyKinds.has(kind) ? this.riskOnly : this.rm).filter((alert) => alert.kind === kind);
  }
}
