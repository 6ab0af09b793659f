import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { transactionCsvHeader } from '../../../src/replay/inputs/csv.ts';
import { csvTransactions } from '../../../src/replay/inputs/csv.ts';
import { runReplay } from '../../../src/replay/run.ts';
import type { ReplayRequest } from '../../../src/replay/run.ts';
import { generateFiles } from '../generate/files-fixture.ts';
import type { GeneratedFiles } from '../generate/files-fixture.ts';
import { smallBank } from './fixtures.ts';
import { quietOutput, replayRequest } from '../../support/replay-request.ts';

const request = (input: string, out: string, overrides: Partial<ReplayRequest> = {}) => replayRequest({ input }, out, overrides);
const quiet = quietOutput;

const csvCell = (value: unknown) => (value === null ? '' : /[",]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value));
const csvLine = (transaction: Transaction) => transactionCsvHeader.split(',').map((field) => csvCell(transaction[field as keyof Transaction])).join(',');

// real work (replays generated folders end to end): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('tidewatch replay over files', { timeout: 120_000 }, () => {
  let files: GeneratedFiles;
  beforeAll(async () => {
    files = await generateFiles(smallBank({ months: 3 }));
  });
  afterAll(async () => files.remove());

  it('writes byte-identical alert files when run twice on the same input', async () => {
    const first = join(files.folder, 'alerts-1.jsonl');
    const second = join(files.folder, 'alerts-2.jsonl');
    const { summary } = await runReplay(request(files.folder, first), quiet);
    await runReplay(request(files.folder, second), quiet);
    const bytes = await readFile(first);
    expect(summary.publishedRecords).toBeGreaterThan(20);
    expect(bytes.toString('utf8').split('\n').filter(Boolean)).toHaveLength(summary.publishedRecords);
    expect((await readFile(second)).equals(bytes)).toBe(true);
  });

  it('gives the same alerts from CSV as from JSON Lines', async () => {
    const transactions = (await files.lines('transactions.jsonl')).map((line) => JSON.parse(line) as Transaction);
    const csv = join(files.folder, 'transactions.csv');
    await writeFile(csv, `${transactionCsvHeader}\n${transactions.map(csvLine).join('\n')}\n`);
    const profiles = join(files.folder, 'profiles.jsonl');
    const fromJsonl = join(files.folder, 'from-jsonl.jsonl');
    const fromCsv = join(files.folder, 'from-csv.jsonl');
    await runReplay(request(join(files.folder, 'transactions.jsonl'), fromJsonl, { input: { input: join(files.folder, 'transactions.jsonl'), profiles } }), quiet);
    const { summary } = await runReplay(request(csv, fromCsv, { input: { input: csv, profiles } }), quiet);
    expect(summary.deadLetters.total).toBe(0);
    expect(summary.events).toBe(transactions.length);
    expect(await readFile(fromCsv, 'utf8')).toBe(await readFile(fromJsonl, 'utf8'));
  });

  it('quarantines bad lines with their line number, and writes the summary as JSON', async () => {
    const input = join(files.folder, 'broken.jsonl');
    const [first, second] = await files.lines('transactions.jsonl');
    await writeFile(input, `${first}\nnot json\n${second!.replace('"CZK"', '"czk"')}\n`);
    const deadLetters = join(files.folder, 'dead.jsonl');
    const summaryJson = join(files.folder, 'summary.json');
    await runReplay(request(input, join(files.folder, 'broken-alerts.jsonl'), { deadLetters, summaryJson }), quiet);
    const letters = (await readFile(deadLetters, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { reason: string; offset: number; origin: { line: number }; detail: string });
    expect(letters.map((letter) => [letter.reason, letter.offset, letter.origin.line])).toEqual([
      ['invalid', 1, 2],
      ['invalid', 2, 3],
    ]);
    expect(letters[1]!.detail).toMatch(/^currency: /);
    const summary = JSON.parse(await readFile(summaryJson, 'utf8')) as { events: number; deadLetters: { byReason: Record<string, number> }; run: { format: string } };
    expect(summary.events).toBe(3);
    expect(summary.deadLetters.byReason).toEqual({ invalid: 2 });
    expect(summary.run.format).toBe('jsonl');
  });
});

describe('CSV transactions', { timeout: 120_000 }, () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tidewatch-csv-'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('reads nullable empty fields as null and names the fields a bad row gets wrong', async () => {
    const path = join(folder, 'transactions.csv');
    const header = 'eventTime,transactionId,accountId,customerId,amountMinor,currency,direction,balanceAfterMinor,channel,category,counterpartyKind,counterpartyBankCode,initiatedBy,ignored';
    await writeFile(
      path,
      `${header}\n1704100000000,t-1,a-1,c-1,1250,CZK,DEBIT,-5,CARD,CARD,NONE,,CUSTOMER,x\n1704100000001,t-2,a-1,c-1,12.5,CZK,DEBIT,0,CARD,CARD,NONE,"AB",CUSTOMER,x\n1704100000002,t-3\n`,
    );
    const items = [];
    for await (const batch of csvTransactions(path)) items.push(...batch);
    expect(items[0]).toEqual({
      kind: 'transaction',
      line: 2,
      transaction: {
        transactionId: 't-1', accountId: 'a-1', customerId: 'c-1', amountMinor: 1250, currency: 'CZK', direction: 'DEBIT', balanceAfterMinor: -5,
        eventTime: 1704100000000, channel: 'CARD', category: 'CARD', counterpartyKind: 'NONE', counterpartyBankCode: null, initiatedBy: 'CUSTOMER',
      },
    });
    expect(items[1]).toMatchObject({ kind: 'rejected', reason: 'invalid', origin: { line: 3 } });
    expect(items[1]!.kind === 'rejected' && items[1]!.detail).toMatch(/^amountMinor: /);
    expect(items[2]).toMatchObject({ kind: 'rejected', detail: '2 fields where the header has 14', origin: { line: 4 } });
  });

  it('stops at a header that lacks a field', async () => {
    const path = join(folder, 'header.csv');
    await writeFile(path, 'transactionId,accountId\nt-1,a-1\n');
    const read = async () => {
      for await (const batch of csvTransactions(path)) void batch;
    };
    await expect(read()).rejects.toThrow(/lacks customerId, amountMinor/);
  });
});
