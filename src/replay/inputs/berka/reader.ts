import { statSync } from 'node:fs';
import { join } from 'node:path';
import { transactionSchema } from '../../../domain/transaction.ts';
import type { ProfileItem, ReplayItem, TransactionItem } from '../../records.ts';
import { splitFields } from '../csv-fields.ts';
import { readLines } from '../lines.ts';
import { reorderByEventTime } from '../reorder.ts';
import type { ReorderStats } from '../reorder.ts';
import { rejected, validate } from '../validate.ts';
import { wallClockTime } from './dates.ts';
import { berkaTransaction, transIdOf } from './mapping.ts';
import { berkaProfiles } from './profiles.ts';
import { berkaFiles, loadBerkaTables } from './tables.ts';
import type { BerkaTables } from './tables.ts';

/** Every posting of a day is stamped at this local time (the data set has dates only). */
export const BERKA_POSTING_HOUR = 12;

export interface BerkaOptions {
  /** The bank's time zone (the rules'): where noon is. */
  timeZone: string;
  /** How far (days) behind the latest date read a row may come and still be put in order; 0 sorts within each day. */
  reorderDays: number;
  servedTier?: string;
  onBytes?: (bytesRead: number) => void;
}

export interface BerkaInput {
  tables: BerkaTables;
  profiles: ProfileItem[];
  /** trans.asc mapped, in (date, trans_id) order within the reorder window. */
  transactions: AsyncGenerator<ReplayItem[]>;
  reorder: ReorderStats;
  /** Bytes of trans.asc, for progress. */
  totalBytes: number;
}

/**
 * The PKDD'99 data set in a folder: the reference tables are read first (small), trans.asc is streamed. trans.asc
 * is in date order (the sample and the full table alike), but not in trans_id order within a day, so the rows go
 * through a bounded reorder buffer that releases each day sorted by trans_id once a later date appears.
 */
export async function openBerka(folder: string, options: BerkaOptions): Promise<BerkaInput> {
  const tables = await loadBerkaTables(folder);
  const timeOf = wallClockTime(options.timeZone, BERKA_POSTING_HOUR);
  const path = join(folder, berkaFiles.transactions);
  const reorder: ReorderStats = { late: 0, maxBuffered: 0 };
  const mapped = mapRows(path, tables, timeOf, options.onBytes);
  const byTransId = (left: TransactionItem, right: TransactionItem) => transIdOf(left.transaction) - transIdOf(right.transaction);
  return {
    tables,
    profiles: berkaProfiles(tables, timeOf, options.servedTier),
    transactions: reorderByEventTime(mapped, options.reorderDays * 86_400_000, byTransId, reorder),
    reorder,
    totalBytes: statSync(path).size,
  };
}

async function* mapRows(path: string, tables: BerkaTables, timeOf: ReturnType<typeof wallClockTime>, onBytes?: (bytesRead: number) => void): AsyncGenerator<ReplayItem[]> {
  let header = true;
  for await (const { lines, firstLine } of readLines(path, onBytes)) {
    const items: ReplayItem[] = [];
    for (let index = 0; index < lines.length; index += 1) {
      const text = lines[index]!;
      if (text.trim().length === 0) continue;
      const line = firstLine + index;
      if (header) {
        header = false;
        if (text.startsWith('"trans_id"') || text.startsWith('trans_id')) continue;
      }
      const fields = splitFields(text, ';');
      const mappedRow = fields === undefined ? 'unterminated quote' : berkaTransaction(fields, tables, timeOf);
      if (typeof mappedRow === 'string') {
        items.push(rejected(path, line, mappedRow));
        continue;
      }
      const checked = validate(transactionSchema, mappedRow);
      items.push(checked.ok ? { kind: 'transaction', transaction: checked.value, line } : rejected(path, line, checked.detail));
    }
    if (items.length > 0) yield items;
  }
}
