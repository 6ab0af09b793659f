import type { Alert } from '../domain/alert.ts';
import type { DeadLetterReason } from '../domain/dead-letter.ts';
import type { CampaignOpportunity } from '../domain/opportunity.ts';
import type { ProductEvent } from '../domain/product-event.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import type { Transaction } from '../domain/transaction.ts';

/** Where a replay record came from, for dead letters: a file (or stream) and the record's 1-based line (0: none). */
export interface Origin {
  source: string;
  line: number;
}

/** A record a reader could not turn into what it stands for: quarantined with its reason, never dropped silently. */
export interface Rejected {
  kind: 'rejected';
  reason: DeadLetterReason;
  detail: string;
  origin: Origin;
  /** Its offset on the partition it was read from (a rebuild); absent: its ordinal in the input. */
  offset?: number;
  /** The input partition it was read from (a rebuild of several partitions at once); absent: the replay's own. */
  partition?: number;
}

/** One item of a replay's input, in the order the replay applies them (event time, within the allowed lateness). */
export type ReplayItem = TransactionItem | Rejected;

/** A valid transaction and the 1-based line it was read from (0 when it came from no file), for dead letters. */
export interface TransactionItem {
  kind: 'transaction';
  transaction: Transaction;
  line: number;
  /** Its offset on the partition it was read from (a rebuild); absent: its ordinal in the input. */
  offset?: number;
  /** The input partition it was read from (a rebuild of several partitions at once); absent: the replay's own. */
  partition?: number;
}

/**
 * What a reader hands the engine: items one by one, or (much cheaper: one promise per array rather than per
 * record) in arrays. Either may be mixed in one source.
 */
export type ReplaySource = AsyncIterable<ReplayItem | readonly ReplayItem[]> | Iterable<ReplayItem | readonly ReplayItem[]>;

/** One record as the service would publish it: the RM and risk feeds carry the alert, the campaign feed its lean record. */
export type PublishedRecord = { feed: 'rm' | 'risk'; alert: Alert } | { feed: 'campaign'; alert: CampaignOpportunity };

/** A record the replay refused, with where it sat in the input. */
export interface ReplayDeadLetter {
  reason: DeadLetterReason;
  detail: string;
  /** The record's offset in the replay (its ordinal among the items applied); null for records outside the stream (profiles, outcomes). */
  offset: number | null;
  origin: Origin;
  /** The input partition of the record (a rebuild of several partitions at once); absent: the replay's own, or none. */
  partition?: number;
}

export const isItemArray = (value: ReplayItem | readonly ReplayItem[]): value is readonly ReplayItem[] => Array.isArray(value);

/** A customer's reference data as a reader hands it over. */
export type ProfileItem = { kind: 'profile'; profile: CustomerProfile } | Rejected;

/** Changes of reference data during the replayed period (`--profile-updates`), in `updatedAt` order. */
export type ProfileUpdateSource = AsyncIterable<ProfileItem | readonly ProfileItem[]>;

/** A product event (`--products`) as a reader hands it over, with where it came from for dead letters. */
export type ProductItem = { kind: 'product'; event: ProductEvent; origin: Origin; offset?: number; partition?: number } | Rejected;

/** Product events in event-time order, applied as stream time reaches them. */
export type ProductSource = AsyncIterable<ProductItem | readonly ProductItem[]>;
