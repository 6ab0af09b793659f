import type { Transaction } from '../domain/transaction.ts';
import { DAY_MS } from './calendar.ts';
import type { Draft, OwnTransferDraft, PostingDraft } from './drafts.ts';
import type { Customer } from './model.ts';
import type { BalanceStamps } from './options.ts';
import { hashUnit } from './random.ts';

/** What the ledger needs to know about the day being posted. */
export interface PostingDay {
  day: number;
  /** YYYYMMDD, for transaction ids. */
  dateTag: string;
  currency: string;
  /** Records carry the modelled amounts times this (BankOptions.balanceScale). */
  scale: number;
  stamps: BalanceStamps;
  seed: number;
}

/** Keep the stamping hashes apart from any other choice hashed from (seed, customer, day). */
const PROCESSING_ORDER_SALT = 0x0bde;
const STALE_STAMP_SALT = 0x57a1;

/**
 * Posts one customer's drafts for a day in time order against their account balances, so that every record's
 * `balanceAfterMinor` is the previous one's plus or minus its amount. Records are appended to `out` in posting
 * order; a stable sort by event time keeps that order for postings at the same instant (both legs of a transfer).
 */
export function postDay(customer: Customer, drafts: Draft[], postingDay: PostingDay, out: Transaction[]): void {
  if (drafts.length === 0) return;
  drafts.sort((left, right) => left.second - right.second);
  const first = out.length;
  const opening = postingDay.stamps.order === 'event_time' && postingDay.stamps.staleShare === 0 ? null : [...customer.stamped];
  const ledger = new CustomerDayLedger(customer, postingDay, out);
  for (const draft of drafts) {
    if (draft.type === 'own_transfer') ledger.ownTransfer(draft);
    else ledger.posting(draft);
  }
  if (opening !== null) restamp(customer, out.slice(first), opening, postingDay);
}

/**
 * Stamps the day's records as another core system would: each account's postings applied in the system's own
 * processing order (hashed) rather than by event time, and some stamped with the account's balance of the day
 * before. Amounts, flows and the day's closing balances stay as posted: only `balanceAfterMinor` changes.
 */
function restamp(customer: Customer, records: readonly Transaction[], opening: readonly number[], postingDay: PostingDay): void {
  const { seed, day, stamps } = postingDay;
  const key = (position: number) => hashUnit(seed ^ PROCESSING_ORDER_SALT, customer.index, day, position);
  if (stamps.order === 'processing_order') {
    customer.accountIds.forEach((accountId, account) => {
      const positions = records.flatMap((record, position) => (record.accountId === accountId ? [position] : []));
      positions.sort((left, right) => key(left) - key(right));
      let balance = opening[account] ?? 0;
      for (const position of positions) {
        const record = records[position]!;
        balance += record.direction === 'CREDIT' ? record.amountMinor : -record.amountMinor;
        record.balanceAfterMinor = balance;
      }
    });
  }
  if (stamps.staleShare > 0) {
    records.forEach((record, position) => {
      const account = customer.accountIds.indexOf(record.accountId);
      if (hashUnit(seed ^ STALE_STAMP_SALT, customer.index, day, position) < stamps.staleShare) record.balanceAfterMinor = opening[account] ?? record.balanceAfterMinor;
    });
  }
}

const totalBalance = (customer: Customer) => customer.balances.reduce((sum, balance) => sum + Math.max(0, balance), 0);

class CustomerDayLedger {
  private sequence = 0;

  constructor(
    private readonly customer: Customer,
    private readonly postingDay: PostingDay,
    private readonly out: Transaction[],
  ) {}

  posting(draft: PostingDraft): void {
    let amount = draft.shareOfTotal === undefined ? draft.amount : Math.round(totalBalance(this.customer) * draft.shareOfTotal);
    if (draft.direction === 'DEBIT' && draft.funds !== 'force') {
      if (draft.drawOnSavings && draft.account === 0) this.coverFromSavings(amount, draft.second);
      const available = Math.max(0, this.customer.balances[draft.account] ?? 0);
      if (amount > available) {
        if (draft.funds === 'refuse') return;
        amount = available;
      }
    }
    if (amount <= 0) return;
    this.record(draft.account, amount, draft.direction, draft.second, draft);
  }

  ownTransfer(draft: OwnTransferDraft): void {
    const available = Math.max(0, this.customer.balances[draft.from] ?? 0);
    if (draft.amount > available && draft.funds === 'refuse') return;
    const amount = Math.min(draft.amount, available);
    if (amount <= 0) return;
    this.moveBetweenOwnAccounts(draft.from, draft.to, amount, draft.second, draft.channel);
  }

  /** Brings the current account up to `needed` from the savings accounts, in account order. */
  private coverFromSavings(needed: number, second: number): void {
    const balances = this.customer.balances;
    for (let account = 1; account < balances.length; account += 1) {
      const shortfall = needed - Math.max(0, balances[0] ?? 0);
      if (shortfall <= 0) return;
      const move = Math.min(shortfall, Math.max(0, balances[account] ?? 0));
      if (move > 0) this.moveBetweenOwnAccounts(account, 0, move, second, 'ONLINE');
    }
  }

  private moveBetweenOwnAccounts(from: number, to: number, amount: number, second: number, channel: Transaction['channel']): void {
    const leg = { category: 'TRANSFER', counterpartyKind: 'OWN_ACCOUNT', bankCode: null, channel, initiatedBy: 'CUSTOMER' } as const;
    this.record(from, amount, 'DEBIT', second, leg);
    this.record(to, amount, 'CREDIT', second, leg);
  }

  private record(
    account: number,
    amount: number,
    direction: Transaction['direction'],
    second: number,
    what: Pick<PostingDraft, 'category' | 'counterpartyKind' | 'bankCode' | 'channel' | 'initiatedBy'>,
  ): void {
    const { customer, postingDay } = this;
    const balance = (customer.balances[account] ?? 0) + (direction === 'CREDIT' ? amount : -amount);
    customer.balances[account] = balance;
    // the record's amount is what moves its stamped balance to the scaled model balance: every record adds up exactly
    const stampedBefore = customer.stamped[account] ?? 0;
    const target = Math.round(balance * postingDay.scale);
    const stampedAmount = postingDay.scale === 1 ? amount : Math.max(1, direction === 'CREDIT' ? target - stampedBefore : stampedBefore - target);
    const stamped = stampedBefore + (direction === 'CREDIT' ? stampedAmount : -stampedAmount);
    customer.stamped[account] = stamped;
    this.sequence += 1;
    // field order of avro/Transaction.avsc: each JSON line reads like the Avro record
    this.out.push({
      transactionId: `${customer.id}-${postingDay.dateTag}-${this.sequence}`,
      accountId: customer.accountIds[account] ?? customer.id,
      customerId: customer.id,
      amountMinor: stampedAmount,
      currency: postingDay.currency,
      direction,
      balanceAfterMinor: stamped,
      eventTime: postingDay.day * DAY_MS + second * 1000,
      channel: what.channel,
      category: what.category,
      counterpartyKind: what.counterpartyKind,
      counterpartyBankCode: what.bankCode,
      initiatedBy: what.initiatedBy,
    });
  }
}
