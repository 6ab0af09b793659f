/**
 * The feed of `npm run bench:replay -- --memory N` (a child process of the bench, not run by hand): generates a bank
 * with `tidewatch generate`'s model day by day and writes its postings as JSON Lines into a named pipe that the replay
 * reads, so that ten million postings never sit on disk or in the bench's heap. Profiles go to a plain file first.
 *
 *   node --import tsx bench/replay-memory-feed.ts FOLDER POSTINGS CUSTOMERS MONTHS START RULES SEED
 *
 * FOLDER holds `profiles.jsonl` (written here) and `transactions.jsonl` (a named pipe the parent made). Prints
 * `{"profiles":n}` when the profiles file is complete, and `{"postings":n,"days":d}` when it has written the postings
 * (stopping at POSTINGS, mid-day if need be) and closed the pipe.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseGenerateOptions } from '../src/cli/generate-command.ts';
import { SyntheticBank } from '../src/generate/bank.ts';
import { transactionLine } from '../src/generate/transaction-line.ts';

const [folder, postingsText, customers, months, start, rules, seed] = process.argv.slice(2);
if (folder === undefined || postingsText === undefined || customers === undefined || months === undefined || start === undefined || rules === undefined || seed === undefined) {
  process.stderr.write('usage: replay-memory-feed.ts FOLDER POSTINGS CUSTOMERS MONTHS START RULES SEED\n');
  process.exit(2);
}
const postings = Number(postingsText);

const request = parseGenerateOptions({ customers, months, start, rules, seed, out: folder, quiet: true }, Math.floor(Date.now() / 86_400_000));
const bank = new SyntheticBank(request.bank);
await writeFile(join(folder, 'profiles.jsonl'), `${bank.profiles().map((profile) => JSON.stringify(profile)).join('\n')}\n`);
process.stdout.write(`${JSON.stringify({ profiles: bank.customers.length })}\n`);

// blocks until the replay opens the pipe for reading
const pipe = createWriteStream(join(folder, 'transactions.jsonl'), { highWaterMark: 1 << 20 });
let written = 0;
let days = 0;
let text = '';
for (const { transactions } of bank.days()) {
  days += 1;
  for (const transaction of transactions) {
    if (written === postings) break;
    text += `${transactionLine(transaction)}\n`;
    written += 1;
    if (text.length >= 1 << 18) {
      if (!pipe.write(text)) await once(pipe, 'drain');
      text = '';
    }
  }
  if (written === postings) break;
}
if (text.length > 0 && !pipe.write(text)) await once(pipe, 'drain');
pipe.end();
await once(pipe, 'finish');
process.stdout.write(`${JSON.stringify({ postings: written, days })}\n`);
