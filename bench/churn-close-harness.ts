/**
 * The churn score of a day close alone (issue 12, branch replay-speed-4): a generated bank replayed in memory (one
 * thread, the default rules), every close's churn observation hashed, then `measureChurn` run again on the customers'
 * final states as of each of their last 30 days, and hashed with its measurements. A change of the score's code must
 * leave both hashes unchanged. Then `rounds` more rounds of the same calls, timed (wall clock: compare two builds in
 * the same run of the machine). Instructions per call, which the machine's load does not move: the difference of two
 * runs under `valgrind --tool=cachegrind node --predictable --hash-seed=42 --random-seed=42`, rounds 0 and 10, over
 * 10 × 30 × the customers.
 *
 *   node --import tsx bench/churn-close-harness.ts <generated bank folder> [rounds (default 20)]
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { businessCalendar } from '../src/core/calendar.ts';
import { measureChurn } from '../src/core/churn-features.ts';
import { seriesFeatures } from '../src/core/features.ts';
import { loadRules } from '../src/core/rules.ts';
import type { CustomerState } from '../src/core/state.ts';
import { openInput } from '../src/replay/input.ts';
import { Replay } from '../src/replay/engine.ts';
import { MemoryStateStore } from '../src/state/memory-store.ts';

const [bank, roundsText] = process.argv.slice(2);
if (bank === undefined) {
  process.stderr.write('usage: node --import tsx bench/churn-close-harness.ts <generated bank folder> [rounds]\n');
  process.exit(2);
}
const rounds = Number(roundsText ?? 20);
const rules = loadRules('rules/default.yaml');
const calendar = businessCalendar(rules.timeZone);
const observed = createHash('sha256');
let observations = 0;
const store = new MemoryStateStore({ copies: false });
const input = await openInput({ input: bank, timeZone: rules.timeZone });
const replay = new Replay({
  core: {
    rules,
    calendar,
    unassignedQueue: 'unassigned',
    observeChurn: (observation) => {
      observations += 1;
      observed.update(JSON.stringify(observation));
    },
  },
  store,
  products: input.products,
  profileUpdates: input.profileUpdates,
});
const customerIds: string[] = [];
await replay.loadProfiles(
  (async function* () {
    for await (const items of input.profiles) {
      for (const item of items) if (item.kind === 'profile') customerIds.push(item.profile.customerId);
      yield items;
    }
  })(),
);
const started = performance.now();
await replay.run(input.transactions);
const replayMs = performance.now() - started;
const loaded = await store.load(customerIds);
const states = [...loaded.values()].map((customer) => customer.state).filter((state): state is CustomerState => state !== undefined);

const CLOSES_PER_STATE = 30;
const measuredHash = createHash('sha256');
const measureAll = (hash: boolean): void => {
  for (const state of states) {
    const lastDay = calendar.dayOf(state.streamTime);
    for (let back = 0; back < CLOSES_PER_STATE; back += 1) {
      const result = measureChurn(state, seriesFeatures(state, lastDay - back, calendar), calendar);
      if (hash) measuredHash.update(JSON.stringify(result));
    }
  }
};
measureAll(true);
const timed = performance.now();
for (let round = 0; round < rounds; round += 1) measureAll(false);
const calls = rounds * states.length * CLOSES_PER_STATE;
const perCallUs = calls === 0 ? 0 : ((performance.now() - timed) * 1000) / calls;
process.stdout.write(
  `${JSON.stringify({
    bank,
    replayMs: Math.round(replayMs),
    observations,
    observedSha256: observed.digest('hex'),
    states: states.length,
    measuredSha256: measuredHash.digest('hex'),
    calls,
    perCallUs: Math.round(perCallUs * 100) / 100,
  })}\n`,
);
