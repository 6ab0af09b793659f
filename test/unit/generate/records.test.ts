import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerProfileSchema } from '../../../src/domain/profile.ts';
import { transactionSchema } from '../../../src/domain/transaction.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { labelSchema } from '../../../src/generate/labels.ts';
import { manifestSchema } from '../../../src/generate/manifest.ts';
import { generateFiles } from './files-fixture.ts';
import type { GeneratedFiles } from './files-fixture.ts';
import { smallBank } from './bank-fixture.ts';

// real work (generates a whole bank in memory): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('generated files', { timeout: 120_000 }, () => {
  let files: GeneratedFiles;
  let transactions: Transaction[];

  beforeAll(async () => {
    files = await generateFiles(smallBank({ customers: 300, months: 12 }));
    transactions = (await files.lines('transactions.jsonl')).map((line) => transactionSchema.parse(JSON.parse(line)));
  }, 60_000);

  afterAll(async () => {
    await files.remove();
  }, 120_000);

  it('hold records their schemas accept, and a manifest that counts them', async () => {
    const profiles = (await files.lines('profiles.jsonl')).map((line) => customerProfileSchema.parse(JSON.parse(line)));
    const labels = (await files.lines('labels.jsonl')).map((line) => labelSchema.parse(JSON.parse(line)));
    const manifest = manifestSchema.parse(JSON.parse(await files.read('manifest.json')));
    expect(profiles).toHaveLength(300);
    expect(manifest.counts.customers).toBe(300);
    expect(manifest.counts.transactions).toBe(transactions.length);
    expect(manifest.counts.labels).toBe(labels.length);
    expect(new Set(transactions.map((transaction) => transaction.transactionId)).size).toBe(transactions.length);
    expect(new Set(profiles.map((profile) => profile.servedTier))).toEqual(new Set(['SILVER', 'GOLD', 'PLATINUM', 'BLACK_GOLD']));
    expect(manifest.counts.households).toBeLessThan(300); // some customers share a household
  });

  it('lists every line as the Avro record in JSON: the fields in schema order', async () => {
    const [first] = await files.lines('transactions.jsonl');
    expect(Object.keys(JSON.parse(first ?? '{}') as object)).toEqual(Object.keys(transactionSchema.shape));
  });

  it('sorts transactions by event time, all inside the period', async () => {
    const manifest = manifestSchema.parse(JSON.parse(await files.read('manifest.json')));
    for (let index = 1; index < transactions.length; index += 1) {
      if (transactions[index]!.eventTime < transactions[index - 1]!.eventTime) expect.fail(`out of order at line ${index + 1}`);
    }
    expect(transactions[0]!.eventTime).toBeGreaterThanOrEqual(manifest.period.fromTime);
    expect(transactions.at(-1)!.eventTime).toBeLessThan(manifest.period.toTime);
  });

  it('keeps every account consistent: each balance is the previous one plus or minus the amount', () => {
    const lastBalance = new Map<string, number>();
    let checked = 0;
    for (const transaction of transactions) {
      const previous = lastBalance.get(transaction.accountId);
      if (previous !== undefined) {
        const expected = previous + (transaction.direction === 'CREDIT' ? transaction.amountMinor : -transaction.amountMinor);
        if (transaction.balanceAfterMinor !== expected) expect.fail(`${transaction.transactionId}: balance ${transaction.balanceAfterMinor}, expected ${expected}`);
        checked += 1;
      }
      lastBalance.set(transaction.accountId, transaction.balanceAfterMinor);
    }
    expect(checked).toBeGreaterThan(transactions.length * 0.99);
  });

  it('posts both legs of a transfer between own accounts, at the same instant', () => {
    const ownTransfers = transactions.filter((transaction) => transaction.counterpartyKind === 'OWN_ACCOUNT' && transaction.category === 'TRANSFER');
    const legKey = (transaction: Transaction) => `${transaction.customerId}|${transaction.eventTime}|${transaction.amountMinor}`;
    const open = new Map<string, number>();
    for (const leg of ownTransfers) open.set(legKey(leg), (open.get(legKey(leg)) ?? 0) + (leg.direction === 'DEBIT' ? 1 : -1));
    expect(ownTransfers.length).toBeGreaterThan(100);
    expect([...open.entries()].filter(([, balance]) => balance !== 0)).toEqual([]);
    for (let index = 0; index < transactions.length; index += 1) {
      const leg = transactions[index]!;
      if (leg.counterpartyKind !== 'OWN_ACCOUNT' || leg.category !== 'TRANSFER' || leg.direction !== 'DEBIT') continue;
      const other = transactions[index + 1]; // the credit leg follows at once, on another account of the same customer
      expect(other?.direction).toBe('CREDIT');
      expect(other?.customerId).toBe(leg.customerId);
      expect(other?.accountId).not.toBe(leg.accountId);
    }
  });

  it('marks interest and fees as the bank system, and everything else as the customer', () => {
    const bankPostings = new Set(['INTEREST', 'FEE', 'DEPOSIT_MATURITY']);
    const wrong = transactions.filter((transaction) => (transaction.initiatedBy === 'SYSTEM') !== bankPostings.has(transaction.category));
    expect(wrong.map((transaction) => transaction.transactionId)).toEqual([]);
  });

  it('names a bank code for transfers to or from other banks, and only for them', () => {
    const wrong = transactions.filter((transaction) => (transaction.counterpartyBankCode !== null) !== (transaction.counterpartyKind === 'OTHER_BANK'));
    expect(wrong.map((transaction) => transaction.transactionId)).toEqual([]);
  });
});
