import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../src/core/rules.ts';
import { jsonlTransactions } from '../src/replay/inputs/jsonl.ts';

/** Postings looked at before the replay: enough to see the input's currency, cheap on any file. */
const SAMPLE = 5_000;

const presetsFolder = fileURLToPath(new URL('../rules/presets/', import.meta.url));

/** Shipped rules files (default and presets) written for `currency`: what to pass as --rules instead. */
function rulesFilesFor(currency: string): string[] {
  const candidates = [fileURLToPath(new URL('../rules/default.yaml', import.meta.url)), ...readdirSync(presetsFolder).filter((name) => name.endsWith('.yaml')).map((name) => join(presetsFolder, name))];
  return candidates.filter((file) => loadRules(file).currency === currency);
}

/**
 * Whether the input is in the rules' currency, from the first postings: a mismatch makes the core refuse every
 * posting as another currency, and the replay then runs fast over nothing (the false pass of issue 12). Answers the
 * problem in one sentence, or null when the input matches.
 */
export async function inputMismatch(transactionsFile: string, rulesFile: string): Promise<string | null> {
  const expected = loadRules(rulesFile).currency;
  const seen = new Map<string, number>();
  let looked = 0;
  for await (const items of jsonlTransactions(transactionsFile)) {
    for (const item of items) {
      if (item.kind !== 'transaction') continue;
      seen.set(item.transaction.currency, (seen.get(item.transaction.currency) ?? 0) + 1);
      looked += 1;
    }
    if (looked >= SAMPLE) break;
  }
  if (looked === 0) return `${transactionsFile} holds no valid posting among its first lines`;
  const [dominant] = [...seen.entries()].sort((left, right) => right[1] - left[1]);
  if (dominant === undefined || dominant[0] === expected) return null;
  const instead = rulesFilesFor(dominant[0]);
  const hint = instead.length > 0 ? `; pass --rules ${instead.join(' or ')}` : '';
  return `the input is in ${dominant[0]} (${dominant[1]} of the first ${looked} postings) but ${rulesFile} expects ${expected}: the core would refuse them as another currency${hint}`;
}
