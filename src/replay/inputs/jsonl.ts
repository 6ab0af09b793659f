import type { z } from 'zod';
import { productEventSchema } from '../../domain/product-event.ts';
import { customerProfileSchema } from '../../domain/profile.ts';
import { transactionOfKnownShape, transactionSchema } from '../../domain/transaction.ts';
import { alertOutcomeSchema } from '../outcomes.ts';
import type { OutcomeItem } from '../outcomes.ts';
import type { ProductItem, ProfileItem, Rejected, ReplayItem } from '../records.ts';
import { readLines } from './lines.ts';
import { rejected, validate } from './validate.ts';

/**
 * One record per line, each the Avro record as JSON; blank lines are skipped. `knownShape`: the schema's answer for a
 * record of its usual shape, checked without the schema (undefined: the schema judges it, and words any refusal).
 */
async function* jsonLines<S extends z.ZodType, I>(
  path: string,
  schema: S,
  toItem: (value: z.output<S>, line: number) => I,
  onBytes?: (bytesRead: number) => void,
  knownShape?: (value: unknown) => z.output<S> | undefined,
): AsyncGenerator<Array<I | Rejected>> {
  for await (const { lines, firstLine } of readLines(path, onBytes)) {
    const items: Array<I | Rejected> = [];
    for (let index = 0; index < lines.length; index += 1) {
      const text = lines[index]!;
      if (text.length === 0 || text.trim().length === 0) continue;
      const line = firstLine + index;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        items.push(rejected(path, line, `not JSON: ${error instanceof Error ? error.message : String(error)}`));
        continue;
      }
      const known = knownShape?.(value);
      if (known !== undefined) {
        items.push(toItem(known, line));
        continue;
      }
      const checked = validate(schema, value);
      items.push(checked.ok ? toItem(checked.value, line) : rejected(path, line, checked.detail));
    }
    if (items.length > 0) yield items;
  }
}

export function jsonlTransactions(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<ReplayItem[]> {
  return jsonLines(path, transactionSchema, (transaction, line) => ({ kind: 'transaction' as const, transaction, line }), onBytes, transactionOfKnownShape);
}

export function jsonlProfiles(path: string): AsyncGenerator<ProfileItem[]> {
  return jsonLines(path, customerProfileSchema, (profile) => ({ kind: 'profile' as const, profile }));
}

export function jsonlOutcomes(path: string): AsyncGenerator<OutcomeItem[]> {
  return jsonLines(path, alertOutcomeSchema, (outcome) => ({ kind: 'outcome' as const, outcome }));
}

export function jsonlProducts(path: string): AsyncGenerator<ProductItem[]> {
  return jsonLines(path, productEventSchema, (event, line) => ({ kind: 'product' as const, event, origin: { source: path, line } }));
}
