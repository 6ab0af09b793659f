import type { CoreContext } from '../core/processor.ts';
import type { Transaction } from '../domain/transaction.ts';
import type { Label } from '../generate/labels.ts';
import type { CustomerScore } from '../report/model.ts';
import { AlertLog } from '../report/alerts.ts';
import { MemoryStateStore } from '../state/memory-store.ts';
import { DEFAULT_CHUNK_SIZE, Replay } from '../replay/engine.ts';
import { runParallelReplay } from '../replay/parallel/coordinator.ts';
import { publishedRecordSchema } from '../replay/parallel/messages.ts';
import type { PublishedRecord, ReplayItem } from '../replay/records.ts';
import { isItemArray } from '../replay/records.ts';
import { untilInstant } from '../replay/run.ts';
import type { ReplaySummary } from '../replay/summary.ts';
import type { BankSource } from './bank-source.ts';
import { openBank } from './bank-source.ts';
import type { OpenedBank } from './bank-source.ts';
import { finalScores } from './final-scores.ts';

export interface SimulationRequest {
  source: BankSource;
  core: CoreContext;
  /** Every published record as the replay publishes it (after the log has kept it). */
  onAlert?: (record: PublishedRecord) => void;
  onProgress?: (events: number) => void;
  /** Every valid transaction as it enters the replay (the trainer derives outcomes from the postings). */
  onTransaction?: (transaction: Transaction) => void;
  chunkSize?: number;
  /** Worker threads for the replay (src/replay/parallel); default 1, in this thread. The same simulation either way. */
  workers?: number;
}

/** A labelled bank replayed in memory: what was published, the labels, and every customer's churn score at the end. */
export interface Simulation {
  description: string;
  summary: ReplaySummary;
  log: AlertLog;
  labels: Label[];
  /** Every RM named by a profile, sorted. */
  rmIds: string[];
  customers: number;
  scores: { asOf: number; customers: CustomerScore[] };
}

/**
 * Replays the bank with the Replay engine in memory (no Kafka, no Redis), letting time run on to the end of the
 * bank's last day so that silences still fire their timers, then scores every customer from the final state.
 */
export async function simulate(request: SimulationRequest): Promise<Simulation> {
  const { core } = request;
  const bank = await openBank(request.source, core.rules.timeZone);
  const log = new AlertLog();
  const until = bank.lastDay === null ? null : untilInstant(bank.lastDay, core.calendar);
  const published = (record: PublishedRecord) => {
    log.add(record);
    request.onAlert?.(record);
  };
  const onTransaction = request.onTransaction;
  const transactions = onTransaction === undefined ? bank.transactions : tapped(bank.transactions, onTransaction);
  if ((request.workers ?? 1) > 1) {
    const { summary, scores } = await runParallelReplay({
      core,
      workers: request.workers ?? 1,
      chunkSize: request.chunkSize ?? DEFAULT_CHUNK_SIZE,
      until,
      sources: { profiles: [bank.profiles], transactions, products: bank.products, profileUpdates: bank.profileUpdates },
      inputName: 'input',
      finalScores: true,
      writeAlert: (line) => {
        published(publishedRecordSchema.parse(JSON.parse(line)));
        return undefined;
      },
      onProgress: request.onProgress,
    });
    return simulationOf(bank, summary, log, async () => scores ?? []);
  }
  const store = new MemoryStateStore({ copies: false });
  const replay = new Replay({ core, store, chunkSize: request.chunkSize, until, onAlert: published, onProgress: request.onProgress, products: bank.products, profileUpdates: bank.profileUpdates });
  await replay.loadProfiles([bank.profiles]);
  const summary = await replay.run(transactions);
  return simulationOf(bank, summary, log, (customerIds, asOf) => finalScores(store, customerIds, asOf, core));
}

/** The simulation of a replayed bank, with every profiled customer's score at the end (as `score` answers them). */
async function simulationOf(
  bank: OpenedBank,
  summary: ReplaySummary,
  log: AlertLog,
  score: (customerIds: string[], asOf: number) => Promise<CustomerScore[]>,
): Promise<Simulation> {
  const customerIds: string[] = [];
  const rmIds = new Set<string>();
  for (const item of bank.profiles) {
    if (item.kind !== 'profile') continue;
    customerIds.push(item.profile.customerId);
    if (item.profile.rmId !== null) rmIds.add(item.profile.rmId);
  }
  const asOf = summary.endedAt === null ? 0 : Date.parse(summary.endedAt);
  return {
    description: bank.description,
    summary,
    log,
    labels: bank.labels,
    rmIds: [...rmIds].sort(),
    customers: customerIds.length,
    scores: { asOf, customers: summary.endedAt === null ? [] : await score(customerIds, asOf) },
  };
}

/** The transactions, unchanged, each shown to `see` on its way into the replay. */
async function* tapped(source: AsyncIterable<ReplayItem | readonly ReplayItem[]>, see: (transaction: Transaction) => void): AsyncGenerator<ReplayItem | readonly ReplayItem[]> {
  for await (const entry of source) {
    for (const item of isItemArray(entry) ? entry : [entry]) if (item.kind === 'transaction') see(item.transaction);
    yield entry;
  }
}
