import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { registerSchemas } from '../../src/adapters/registry/schemas.ts';
import { parseGenerateOptions } from '../../src/cli/generate-command.ts';
import { DAY_MS } from '../../src/core/calendar.ts';
import type { CustomerProfile } from '../../src/domain/profile.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import { generate } from '../../src/generate/run.ts';
import type { EncodedTransaction, FuzzEncoders } from './fuzz.ts';
import type { Message } from './lane.ts';

export interface ChaosInput {
  profiles: Message[];
  transactions: EncodedTransaction[];
  customerIds: string[];
  encoders: FuzzEncoders;
}

const readLines = async <T>(file: string): Promise<T[]> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);

/**
 * The generated bank (`tidewatch generate`, seeded) as the bank's systems would send it: profiles, then the
 * transactions in event-time order, Avro through the registry. Product events and profile updates are left out:
 * they go to other topics, and when they are read relative to the transactions depends on timing the suite does
 * not control.
 */
export async function chaosInput(folder: string, registryUrl: string, customers: number, months: number, subjects = 'chaos-input'): Promise<ChaosInput> {
  const request = parseGenerateOptions({ customers: String(customers), months: String(months), out: folder, quiet: true, seed: '11' }, Math.floor(Date.now() / DAY_MS));
  await generate(request, { env: {}, stdout: () => {}, stderr: (text) => process.stderr.write(text), stderrIsTTY: false });
  const profiles = await readLines<CustomerProfile>(join(folder, 'profiles.jsonl'));
  const transactions = await readLines<Transaction>(join(folder, 'transactions.jsonl'));
  const ids = await registerSchemas(registryUrl, { transactions: `${subjects}.transactions`, profiles: `${subjects}.profiles` });
  const registry = new SchemaRegistry({ host: registryUrl });
  const encoders: FuzzEncoders = {
    transaction: (record) => registry.encode(ids.transactions, record),
    profileBytes: (customerId) => registry.encode(ids.profiles, { ...profiles[0]!, customerId }),
  };
  return {
    profiles: await Promise.all(profiles.map(async (profile) => ({ key: profile.customerId, value: await registry.encode(ids.profiles, profile) }))),
    transactions: await Promise.all(transactions.map(async (transaction) => ({ transaction, value: await encoders.transaction(transaction) }))),
    customerIds: [...new Set([...profiles.map((profile) => profile.customerId), ...transactions.map((transaction) => transaction.customerId)])].sort(),
    encoders,
  };
}

/**
 * Two rounds of one small bank posting per customer, on the two days after the input's last: fed after the input,
 * each once the one before is consumed, they move every partition past the input's days, so the household tier
 * decisions still waiting at its end (core/household.ts) are judged the same way in every pass.
 */
export function closingRounds(transactions: readonly Transaction[], rounds = 2): Transaction[][] {
  const last = transactions.reduce((latest, transaction) => Math.max(latest, transaction.eventTime), 0);
  const customers = [...new Set(transactions.map((transaction) => transaction.customerId))].sort();
  return Array.from({ length: rounds }, (_, round) =>
    customers.map((customerId) => ({
      transactionId: `closing-${round}-${customerId}`,
      accountId: `${customerId}-closing`,
      customerId,
      amountMinor: 100,
      currency: transactions[0]?.currency ?? 'CZK',
      direction: 'CREDIT' as const,
      balanceAfterMinor: 100 * (round + 1),
      eventTime: last + (round + 2) * DAY_MS,
      channel: 'SYSTEM' as const,
      category: 'INTEREST' as const,
      counterpartyKind: 'NONE' as const,
      counterpartyBankCode: null,
      initiatedBy: 'SYSTEM' as const,
    })),
  );
}

/** Cuts messages into chunks of about `size`, in order. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
