import type { Alert, AlertKind, Priority } from '../domain/alert.ts';
import type { ProductKind } from '../domain/product-event.ts';
import type { RfmSegment } from './rfm.ts';
import type { SeenDays } from './seen-transactions.ts';

/**
 * Everything tidewatch remembers about one customer, as one record: read once per batch, written back once,
 * conditionally on its revision. Plain numbers, strings, arrays and objects only, so any store can keep it.
 */
export interface CustomerState {
  /** Layout version of this record. */
  v: 1;
  customerId: string;
  /** Bumped by every change; a store refuses a write whose expected revision is no longer current. */
  rev: number;
  /** Input partition the customer's transactions arrive on: its timer lives there, with the partition's owner. */
  partition: number;
  /** Offset of the last record applied from that partition: records at or below it are already counted. */
  appliedOffset: number;
  /** Transaction ids applied within the lateness window, as fingerprints per day (see core/seen-transactions.ts): a re-send is not counted twice. */
  seenTransactions: SeenDays;
  /** Event time of the first transaction seen (the tenure fallback when the profile has no relationship start). */
  firstSeenAt: number;
  /** Latest event time seen for this customer: its own clock for windows. */
  streamTime: number;
  /** Event time of the latest customer-initiated transaction (system postings such as interest and fees do not count). */
  lastActivityAt: number | null;
  /**
   * accountId → [balance (minor units), event time of the latest posting]. The balance is the stamp of the first
   * posting seen (its opening), then moved by every posting's amount: flows, never a later stamp, make the history,
   * so a stamp out of time order or a day stale cannot bend the daily series (core/features.ts). A third number,
   * when present, is how far the bank's latest stamps are off the flows (a disagreement counted once).
   */
  accounts: Record<string, [balance: number, latestEventTime: number, stampOffset?: number]>;
  /** Postings whose stamped balance disagreed with the opening plus the flows (a data-quality count). */
  balanceMismatches: number;
  /** Daily flow buckets, oldest first, only days with postings: [day, code, amount, code, amount, ...] (see core/flows.ts). */
  days: number[][];
  /** Dormancy stage already alerted for the silence that began at `since` (0: none yet). */
  dormancy: { since: number; stage: number };
  /** Alert kind → [cooldown ends (event time), priority rank alerted]: the same thing is not told twice. */
  cooldowns: Partial<Record<AlertKind, [number, number]>>;
  /** Last business day whose close the day-close detectors (tiers, churn score, RFM, idle funds) evaluated. */
  evaluatedDay: number;
  /** The tier the RM was told the customer is eligible for (while served below it), or null. */
  upgradeTold: string | null;
  /** The served tier the RM was told is at risk (one downgrade-risk episode), null once the average recovered. */
  downgradeTold: string | null;
  /**
   * An open churn-risk episode: the day it began, the score and the score's own urgency last told (before the value at
   * stake raised it); `exit` when an exit opened it (the money went: it stays open until the money is back, not
   * merely until the score falls), `exitFrom` the customer's 30-day average balance before it (what "back" is
   * measured against); `quietSince`: the first day of the current run of scores under the clearing
   * score (the episode closes when the run is long enough); null when none.
   */
  churn: { since: number; toldScore: number; toldLevel?: Priority; exit?: true; exitFrom?: number; quietSince?: number } | null;
  /** The RFM segment at the last evaluation; a slide from a valuable segment is remembered for a while. */
  rfm: { segment: RfmSegment; slidFrom: RfmSegment | null; slidOn: number } | null;
  /**
   * The customer's salary or pension rhythm: the business day it last arrived and how many pay periods in a row it
   * came, 10 to 45 days apart (null: never seen). Kept beyond the 90-day flow window, so a stopped
   * income stays visible.
   */
  regularIncome: [lastDay: number, periodStreak: number] | null;
  /** Event time of the latest investment subscription or redemption (idle funds). */
  lastInvestmentAt: number | null;
  /** Until when the customer is on watch after an RM change or departure (lower thresholds), or null. */
  watchUntil: number | null;
  /** Alert kind → until when the RM does not want to hear it again (an outcome "not interested"). */
  suppressed: Partial<Record<AlertKind, number>>;
  /** The customer's time deposits and wealth products maturing without auto-rollover (see core/maturity.ts). */
  products: ProductMemory;
  /**
   * Business days whose tier decisions (upgrade eligibility, downgrade risk) wait until every partition holding
   * another member of the customer's household has passed them, oldest first; absent when none (core/household.ts).
   */
  tiersPending?: number[];
  /** The business day the RM was last told of the customer's idle funds (one episode: until they invest or the money goes); absent when none. */
  idleTold?: number;
  /**
   * accountId → [first business day with a posting, opening balance (the balance before its first posting)] of the
   * accounts first seen after the customer's first day, within the flow window; absent when none. The daily series as
   * of an earlier day leaves them out (core/features.ts seriesFeatures): a household member's or a waiting day's view
   * of a day is then what it was on that day, whatever accounts appeared since (README, "Household tiers").
   */
  accountsOpened?: Record<string, [firstDay: number, openingBalance: number]>;
  /**
   * The customer's last six 30-day blocks (core/month-memory.ts), flat: [last day, average balance, outflow to
   * competitors, ...], oldest first; absent when none. What the months before the retained 90 days were like.
   */
  months?: number[];
  /**
   * Alerts emitted by the latest changes, kept until they are known to be delivered, so that a re-delivery after a
   * crash sends the very same records instead of computing new ones.
   */
  outbox: OutboxEntry[];
}

/**
 * What an outbox entry's alerts answer: a record of the transactions partition (by offset), a timer (by due time),
 * a change of reference data or an RM's outcome (by its key), or a product event (by its offset on the products
 * partition).
 */
export type Cause =
  | { kind: 'offset'; offset: number }
  | { kind: 'timer'; due: number }
  | { kind: 'profile'; key: string }
  | { kind: 'product'; offset: number };

/**
 * A maturity the RM may have to hear about, as a compact tuple: the product, its maturity day (business day number),
 * principal (minor units), kind, whether it was told (or let pass), and the event time of the product event that
 * set it.
 */
export type Maturity = [productId: string, maturityDay: number, principalMinor: number, kind: ProductKind, told: boolean, eventTime: number];

export interface ProductMemory {
  /** [partition, offset] of the latest product event applied (null: none yet): a re-read record changes nothing. */
  applied: [partition: number, offset: number] | null;
  /** Watched maturities, nearest first, bounded (see core/maturity.ts). */
  maturities: Maturity[];
}

export interface OutboxEntry {
  cause: Cause;
  emissions: Emission[];
}

export type Feed = 'rm' | 'risk' | 'campaign';

/** An alert and the feeds it goes to (the campaign feed gets its lean opportunity record, see policy.ts). */
export interface Emission {
  alert: Alert;
  feeds: Feed[];
  /**
   * The RM gets this alert in the digest (the routine topic) rather than at once (rules.digest). Decided when the
   * alert is made and kept with it in the outbox, so a re-send after a crash or a rules reload goes where the first did.
   */
  routine?: true;
}
