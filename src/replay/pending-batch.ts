import type { TransactionRecord } from '../core/processor.ts';
import type { Position } from '../core/features.ts';
import type { Alert } from '../domain/alert.ts';
import type { StateWrite } from '../state/store.ts';
import type { ReplayDeadLetter, TransactionItem } from './records.ts';

/** A batch as taken from PendingBatch: the records with what the replay knows of each. */
export interface Batch {
  records: TransactionRecord[];
  /** Line each record was read from (dead letters name it). */
  lines: number[];
  /** Stream time when each record was read: its alerts' detection time. */
  streamTimes: number[];
  customers: string[];
  /** Records the readers refused meanwhile, in offset order. */
  refused: ReplayDeadLetter[];
  /** The latest event time among the records. */
  latest: number;
}

/** The records read since the last batch was processed, and what the engine needs to know to cut the next one. */
export class PendingBatch {
  #records: TransactionRecord[] = [];
  #lines: number[] = [];
  #streamTimes: number[] = [];
  #customers = new Set<string>();
  #refused: ReplayDeadLetter[] = [];
  /** Records of other workers' customers read meanwhile: they count toward the batch's size and day, as in a replay of everyone. */
  #foreign = 0;
  /** The earliest event time among the records (a late record can be earlier than the first). */
  earliest = Number.POSITIVE_INFINITY;
  #latest = Number.NEGATIVE_INFINITY;

  get size(): number {
    return this.#records.length + this.#foreign;
  }

  get isEmpty(): boolean {
    return this.#records.length === 0 && this.#refused.length === 0 && this.#foreign === 0;
  }

  /** The offset of the first record or refused item held (Infinity when none): nothing before it is still to come. */
  get firstOffset(): number {
    const record = this.#records[0]?.position.offset ?? Number.POSITIVE_INFINITY;
    const refused = this.#refused[0]?.offset ?? Number.POSITIVE_INFINITY;
    return Math.min(record, refused);
  }

  /** A record another worker applies: only its event time counts here (see `#foreign`). */
  addForeign(eventTime: number): void {
    this.#foreign += 1;
    if (eventTime < this.earliest) this.earliest = eventTime;
  }

  add(item: TransactionItem, position: Position, streamTime: number): void {
    const { transaction } = item;
    this.#records.push({ transaction, position });
    this.#lines.push(item.line);
    this.#streamTimes.push(streamTime);
    this.#customers.add(transaction.customerId);
    if (transaction.eventTime > this.#latest) this.#latest = transaction.eventTime;
    if (transaction.eventTime < this.earliest) this.earliest = transaction.eventTime;
  }

  refuse(deadLetter: ReplayDeadLetter): void {
    this.#refused.push(deadLetter);
  }

  /** Hands the batch over and starts an empty one. */
  take(): Batch {
    const batch: Batch = {
      records: this.#records,
      lines: this.#lines,
      streamTimes: this.#streamTimes,
      customers: [...this.#customers],
      refused: this.#refused,
      latest: this.#latest,
    };
    this.#records = [];
    this.#lines = [];
    this.#streamTimes = [];
    this.#customers = new Set();
    this.#refused = [];
    this.#foreign = 0;
    this.earliest = Number.POSITIVE_INFINITY;
    this.#latest = Number.NEGATIVE_INFINITY;
    return batch;
  }
}

/**
 * A batch's alerts are detected when the stream read the record that caused them (the core stamps one time per
 * batch; the replay wants one per record, so that batching does not show in the output). The cause is the record's
 * offset in the outbox entry the core wrote. Done before the commit, so the outbox holds what is published.
 */
export function stampDetection(writes: readonly StateWrite[], batch: Batch): void {
  const first = batch.records[0]?.position.offset ?? Number.POSITIVE_INFINITY;
  for (const { state } of writes) {
    for (const { cause, emissions } of state.outbox) {
      if (cause.kind !== 'offset' || cause.offset < first) continue;
      const readAt = batch.streamTimes[indexOfOffset(batch.records, cause.offset)]!;
      for (const { alert } of emissions) alert.detectedAt = readAt;
    }
  }
}

/** The offset of the record that caused each alert of a batch (its outbox entry's cause): the alert's place in the publish order. */
export function causeOffsets(writes: readonly StateWrite[]): Map<Alert, number> {
  const causes = new Map<Alert, number>();
  for (const { state } of writes) {
    for (const { cause, emissions } of state.outbox) {
      if (cause.kind !== 'offset') continue;
      for (const { alert } of emissions) causes.set(alert, cause.offset);
    }
  }
  return causes;
}

/** The index of the record at `offset` (records are in offset order). */
export function indexOfOffset(records: readonly TransactionRecord[], offset: number): number {
  let low = 0;
  let high = records.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (records[middle]!.position.offset < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A batch split by input partition (a replay of several at once), in partition order, each share with its records in
 * offset order as read; a batch of one partition is handed over as it is. `own`: the partition of what names none.
 */
export function byPartition(batch: Batch, own: number): Array<[number, Batch]> {
  const partitionOf = (deadLetter: ReplayDeadLetter) => deadLetter.partition ?? own;
  const partitions = new Set([...batch.records.map((record) => record.position.partition), ...batch.refused.map(partitionOf)]);
  if (partitions.size <= 1) return [[[...partitions][0] ?? own, batch]];
  return [...partitions]
    .sort((left, right) => left - right)
    .map((partition): [number, Batch] => {
      const share: Batch = { records: [], lines: [], streamTimes: [], customers: [], refused: batch.refused.filter((deadLetter) => partitionOf(deadLetter) === partition), latest: Number.NEGATIVE_INFINITY };
      const customers = new Set<string>();
      batch.records.forEach((record, index) => {
        if (record.position.partition !== partition) return;
        share.records.push(record);
        share.lines.push(batch.lines[index]!);
        share.streamTimes.push(batch.streamTimes[index]!);
        customers.add(record.transaction.customerId);
        if (record.transaction.eventTime > share.latest) share.latest = record.transaction.eventTime;
      });
      share.customers = [...customers];
      return [partition, share];
    });
}
