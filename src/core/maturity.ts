import type { Priority } from '../domain/alert.ts';
import type { ProductEvent, ProductKind } from '../domain/product-event.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import { isoDateOf } from './calendar.ts';
import type { BusinessCalendar } from './calendar.ts';
import type { DetectionContext } from './detectors/context.ts';
import { isTopTier } from './detectors/context.ts';
import { days, minorUnits, raise } from './findings.ts';
import type { Finding } from './findings.ts';
import { formatMoney } from './money.ts';
import type { Rules } from './rules.ts';
import type { CustomerState, Maturity } from './state.ts';

/**
 * Maturity without auto-rollover (DOMAIN.md: churn signal 7, opportunity 4): a time deposit or wealth product falling
 * due is a retention moment, since on the date the money is paid out and free to walk. The customer's state remembers
 * the maturities worth a call; the RM (and, with consent, campaigns) hears about each (product, maturity date) once,
 * when the business day enters the notice window before the date: at once if the product event arrives inside it,
 * otherwise from the customer's timer on the window's first day (wake-up.ts). Never after the date.
 */

/** Maturities remembered per customer, nearest first: a long ladder of deposits keeps its next rungs. */
export const MATURITIES_KEPT = 16;
/**
 * A maturity is remembered this long after its date (shown by GET /customers/:id/features, while the paid-out money
 * is still worth a follow-up), then forgotten.
 */
export const DAYS_KEPT_AFTER_MATURITY = 7;

const kindNames: Record<ProductKind, string> = {
  TIME_DEPOSIT: 'Time deposit',
  WEALTH_PRODUCT: 'Wealth product',
  STRUCTURED_DEPOSIT: 'Structured deposit',
};

/** Whether the rules watch a product of this kind and principal (they may change while a maturity waits). */
const watches = (rules: Rules, kind: ProductKind, principalMinor: number) =>
  rules.maturity.productKinds.includes(kind) && principalMinor >= rules.maturity.minPrincipalMinor;

/**
 * Folds a product event into the remembered maturities (mutates `state`). An active product without auto-rollover
 * that the rules watch is upserted; one closed (redeemed, paid out), renewing itself or no longer watched has its
 * untold maturity called off. A maturity already told stays told while its date is unchanged (unless the product
 * closed), so switching rollover on and off again does not tell the RM the same thing twice; a new date is news.
 */
export function applyProductEvent(state: CustomerState, event: ProductEvent, rules: Rules): void {
  const maturities = state.products.maturities;
  const index = maturities.findIndex(([productId]) => productId === event.productId);
  const known = index < 0 ? undefined : maturities[index]!;
  if (index >= 0) maturities.splice(index, 1);
  const toldBefore = known !== undefined && known[4] && known[1] === event.maturityDate;
  const falls = event.status === 'ACTIVE' && !event.autoRollover && watches(rules, event.productKind, event.principalMinor);
  if (falls) {
    maturities.push([event.productId, event.maturityDate, event.principalMinor, event.productKind, toldBefore, event.eventTime]);
  } else if (toldBefore && event.status === 'ACTIVE') {
    maturities.push(known);
  }
  maturities.sort((left, right) => left[1] - right[1] || (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0));
  maturities.splice(MATURITIES_KEPT);
}

/**
 * The maturities due to be told as of `instant` (its business day inside the notice window, the date not passed),
 * marked told in `state`; forgets those long past and ones the rules no longer watch, and lets pass untold one whose
 * date went by (after an outage: news too late to act on). `changed` says whether the state changed at all.
 */
export function dueMaturities(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  instant: number,
  context: DetectionContext,
  calendar: BusinessCalendar,
): { findings: Finding[]; changed: boolean } {
  const { rules } = context;
  const today = calendar.dayOf(instant);
  const findings: Finding[] = [];
  let changed = false;
  const kept: Maturity[] = [];
  for (const maturity of state.products.maturities) {
    const [, day, principal, kind, told] = maturity;
    if (day + DAYS_KEPT_AFTER_MATURITY < today || (!told && !watches(rules, kind, principal))) {
      changed = true;
      continue;
    }
    if (!told && day < today) {
      kept.push(toldOf(maturity));
      changed = true;
    } else if (!told && today >= day - rules.maturity.noticeDays && profile?.status !== 'CLOSED') {
      findings.push(maturityFinding(maturity, today, context, calendar));
      kept.push(toldOf(maturity));
      changed = true;
    } else {
      kept.push(maturity);
    }
  }
  if (changed) state.products.maturities = kept;
  return { findings, changed };
}

/** The first day of the notice window of the nearest maturity still to be told, or null when there is none. */
export function nextMaturityWindowDay(state: CustomerState, profile: CustomerProfile | undefined, rules: Rules): number | null {
  if (profile?.status === 'CLOSED') return null;
  let first: number | null = null;
  for (const [, day, principal, kind, told] of state.products.maturities) {
    if (told || !watches(rules, kind, principal)) continue;
    const opens = day - rules.maturity.noticeDays;
    if (first === null || opens < first) first = opens;
  }
  return first;
}

const toldOf = (maturity: Maturity): Maturity => [maturity[0], maturity[1], maturity[2], maturity[3], true, maturity[5]];

function maturityFinding(maturity: Maturity, today: number, context: DetectionContext, calendar: BusinessCalendar): Finding {
  const [productId, day, principal, kind, , announcedAt] = maturity;
  const { rules } = context;
  const daysLeft = day - today;
  let priority: Priority = isTopTier(context) ? raise('MEDIUM') : 'MEDIUM';
  if (principal >= rules.priority.urgentAmountMinor) priority = 'URGENT';
  const when = daysLeft === 0 ? 'today' : daysLeft === 1 ? 'tomorrow' : `in ${daysLeft} days`;
  return {
    kind: 'MATURITY',
    priority,
    // one alert per product and date, whichever path (product event or timer) and whichever replay finds it
    causeKey: `${productId}:${day}`,
    reason: `${kindNames[kind]} of ${formatMoney(principal, rules.currency)} matures on ${isoDateOf(day)} without auto-rollover (${when})`,
    suggestedAction:
      'Call before the maturity date: offer to renew it or reinvest (a new term, a conservative wealth product) before the money is paid out and walks.',
    evidence: [minorUnits('principal', principal, rules.maturity.minPrincipalMinor), days('days_to_maturity', daysLeft, rules.maturity.noticeDays)],
    amountAtStakeMinor: principal,
    counterpartyKind: null,
    toCompetitor: false,
    causeTransactionId: null,
    // when the maturity entered the notice window, or was announced inside it
    eventTime: Math.max(announcedAt, calendar.startOf(day - rules.maturity.noticeDays)),
    feeds: ['rm', 'campaign'],
  };
}
