/**
 * A deterministic micro-harness of the stored state codec (issue 12 item 4), for instruction counts under
 * `valgrind --tool=cachegrind node --predictable` rather than wall-clock time, which the shared 2-core machine moves.
 *
 *   node --import tsx bench/state-codec-harness.ts make <file> [customers] [months]
 *     replays a generated bank (seed 11) in memory and writes every customer's stored value (`<rev>|s...`, the bytes
 *     Redis would hold) to <file>, length-prefixed: the same fixture serves the code before and after a change,
 *     since every codec version reads the older layouts.
 *   node [--predictable] --import tsx bench/state-codec-harness.ts run <file> <encodeRounds> <decodeRounds>
 *     decodes the fixture once (set-up), then encodes every state `encodeRounds` times and decodes the current
 *     codec's bytes `decodeRounds` times. Run it with 0 0 too: (count − count at 0 0) / (rounds × customers) is the
 *     cost of one encode or decode.
 *   REDIS_URL=... node [--predictable] --import tsx bench/state-codec-harness.ts commit <file> <rounds> [unit]
 *     the conditional commit of the service's units (RedisStateStore.commit against the real Redis, under a fence,
 *     `unit` writes each, default 50): every state written `rounds` times, each time at its next revision, under a
 *     fresh key prefix deleted at the end. Counts the client's side: encoding, arguments, ioredis, the socket.
 *   node [--predictable] --import tsx bench/state-codec-harness.ts days <file> <rounds>
 *     the days' varint packer alone (packDaysView, the largest part of an encode outside msgpackr): every state's
 *     days packed `rounds` times. Run it at two round counts: the difference over (rounds × customers) is one state's.
 *   node [--predictable] --import tsx bench/state-codec-harness.ts admit <zod|known> <rounds>
 *     the live pipeline's check of a decoded transaction (src/pipeline/ingest.ts) over a generated bank's postings
 *     (100 customers, 2 months), `rounds` times: zod for every record (`admit`, as before) or the hand check first
 *     (`admitKnown`), each followed by the rules' plausibility check.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisStateStore, decodeStoredState, encodeStoredState } from '../src/adapters/redis/state-store.ts';
import { businessCalendar } from '../src/core/calendar.ts';
import type { CoreContext } from '../src/core/processor.ts';
import { loadRules } from '../src/core/rules.ts';
import type { CustomerState } from '../src/core/state.ts';
import { SyntheticBank } from '../src/generate/bank.ts';
import { Replay } from '../src/replay/engine.ts';
import type { ReplayItem } from '../src/replay/records.ts';
import { MemoryStateStore } from '../src/state/memory-store.ts';
import { packDaysView } from '../src/adapters/redis/days-codec.ts';
import { transactionOfKnownShape, transactionSchema } from '../src/domain/transaction.ts';
import { admit, admitKnown, transactionProblem } from '../src/pipeline/ingest.ts';

const [command, file, first, second] = process.argv.slice(2);

if (command === 'make' && file !== undefined) await make(file, Number(first ?? 400), Number(second ?? 4));
else if (command === 'run' && file !== undefined) run(file, Number(first ?? 0), Number(second ?? 0));
else if (command === 'days' && file !== undefined) packAllDays(file, Number(first ?? 0));
else if (command === 'admit' && file !== undefined) admitAll(file, Number(first ?? 0));
else if (command === 'commit' && file !== undefined) await commit(file, Number(first ?? 0), Number(second ?? 50));
else {
  process.stderr.write('usage: state-codec-harness.ts make <file> [customers] [months] | run <file> <encodeRounds> <decodeRounds> | days <file> <rounds> | commit <file> <rounds> [unit] | admit <zod|known> <rounds>\n');
  process.exit(2);
}

function bankOf(customers: number, months: number): SyntheticBank {
  return new SyntheticBank({
    customers, months, start: '2024-01-01', seed: 11, currency: 'CZK', churnShare: 0.15, growShare: 0.1, rms: 3,
    tierFloorsMinor: { GOLD: 10_000_000, PLATINUM: 30_000_000, BLACK_GOLD: 100_000_000 },
  });
}

function admitAll(how: string, rounds: number): void {
  const rules = loadRules(fileURLToPath(new URL('../rules/default.yaml', import.meta.url)));
  // as avsc hands them over: objects of a record class, not plain objects
  class TransactionRecord {}
  const decoded = [...bankOf(100, 2).days()].flatMap(({ transactions }) => transactions).map((transaction) => ({ ok: true as const, schemaId: 1, value: Object.assign(new TransactionRecord(), transaction) }));
  const now = Date.parse('2025-01-01T00:00:00Z');
  let admitted = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (const record of decoded) {
      const admission = how === 'known' ? admitKnown(record, transactionSchema, transactionOfKnownShape) : admit(record, transactionSchema);
      if (admission.admitted && transactionProblem(admission.value, now, rules.input) === undefined) admitted += 1;
    }
  }
  process.stdout.write(`${decoded.length} postings, ${rounds} rounds, ${how}: ${admitted} admitted\n`);
}

async function make(path: string, customers: number, months: number): Promise<void> {
  const rules = loadRules(fileURLToPath(new URL('../rules/default.yaml', import.meta.url)));
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: 'UNASSIGNED' };
  const bank = bankOf(customers, months);
  const store = new MemoryStateStore({ copies: false });
  const profiles = bank.profiles();
  const engine = new Replay({ core, store, onAlert: () => undefined, onDeadLetter: () => undefined });
  await engine.loadProfiles([profiles.map((profile) => ({ kind: 'profile' as const, profile }))]);
  async function* source(): AsyncGenerator<ReplayItem[]> {
    let line = 0;
    for (const { transactions } of bank.days()) yield transactions.map((transaction) => ({ kind: 'transaction' as const, transaction, line: ++line }));
  }
  await engine.run(source());
  const loaded = await store.load(profiles.map((profile) => profile.customerId));
  const values = [...loaded.values()].flatMap(({ state }) => (state === undefined ? [] : [encodeStoredState(state)]));
  const out = Buffer.alloc(values.reduce((sum, value) => sum + 4 + value.length, 0));
  let at = 0;
  for (const value of values) {
    at = out.writeUInt32BE(value.length, at);
    at += value.copy(out, at);
  }
  writeFileSync(path, out);
  const sizes = values.map((value) => value.length).sort((a, b) => a - b);
  process.stdout.write(`${values.length} states, ${out.length} bytes, mean ${(out.length / values.length - 4).toFixed(0)} B, p95 ${sizes[Math.floor(0.95 * sizes.length)]} B\n`);
}

function statesOf(path: string): CustomerState[] {
  const bytes = readFileSync(path);
  const states: CustomerState[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    states.push(decodeStoredState('(fixture)', bytes.subarray(at + 4, at + 4 + length)).state);
    at += 4 + length;
  }
  return states;
}

async function commit(path: string, rounds: number, unit: number): Promise<void> {
  const states = statesOf(path);
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const prefix = `tw-harness:${process.pid}:`;
  const store = new RedisStateStore(redis, { prefix, stateTtlSeconds: 3600 });
  const [claim] = await store.claimPartitions([{ scope: 'harness:0', previous: undefined }]);
  const fences = [{ scope: 'harness:0', generation: claim!.generation }];
  const revs = new Map<string, number>();
  let conflicts = 0;
  for (let round = 0; round <= rounds; round += 1) {
    for (let start = 0; start < states.length; start += unit) {
      const writes = states.slice(start, start + unit).map((state) => {
        const expectedRev = revs.get(state.customerId) ?? 0;
        state.rev = expectedRev + 1;
        revs.set(state.customerId, state.rev);
        return { customerId: state.customerId, expectedRev, state };
      });
      conflicts += (await store.commit(writes, [], [], fences)).conflicts.length;
    }
  }
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await store.close();
  process.stdout.write(`${states.length} states, ${rounds} rounds (plus one to create them) in units of ${unit}, ${conflicts} conflicts\n`);
  if (conflicts > 0) process.exitCode = 1;
}

function packAllDays(path: string, rounds: number): void {
  const states = statesOf(path);
  let bytes = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (const state of states) bytes += packDaysView(state.days)?.length ?? 0;
  }
  process.stdout.write(`${states.length} states, days packed ${rounds} rounds, ${bytes} bytes\n`);
}

function run(path: string, encodeRounds: number, decodeRounds: number): void {
  const states = statesOf(path);
  let sum = 0;
  let current: Buffer[] = states.map((state) => encodeStoredState(state));
  for (let round = 0; round < encodeRounds; round += 1) {
    current = states.map((state) => encodeStoredState(state));
    for (const value of current) sum += value.length;
  }
  for (let round = 0; round < decodeRounds; round += 1) {
    for (const value of current) sum += decodeStoredState('(fixture)', value).state.days.length;
  }
  const digest = createHash('sha256');
  for (const value of current) digest.update(value);
  // the decoded states too, as JSON: a codec change must give back the same states
  for (const value of current) digest.update(JSON.stringify(decodeStoredState('(fixture)', value).state));
  const stored = current.reduce((total, value) => total + value.length, 0);
  process.stdout.write(`${states.length} states, encode ${encodeRounds} rounds, decode ${decodeRounds} rounds, stored ${stored} B, checksum ${sum}, sha256 ${digest.digest('hex').slice(0, 16)}\n`);
}
