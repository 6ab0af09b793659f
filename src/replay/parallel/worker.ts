/**
 * A worker thread of a parallel replay (src/replay/parallel/coordinator.ts): replays its share of the customers
 * with the ordinary engine, told of every other record only as time, and sends back what it publishes with each
 * line's place in the whole replay's order. Started through `spawn.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { businessCalendar } from '../../core/calendar.ts';
import type { CoreContext } from '../../core/processor.ts';
import { loadRules } from '../../core/rules.ts';
import { MemoryStateStore } from '../../state/memory-store.ts';
import { Replay } from '../engine.ts';
import { openSideInputs } from '../input.ts';
import { applyOutcomes } from '../outcomes.ts';
import { toWorkerSchema, workerSetupSchema } from './messages.ts';
import type { ChunkMessage, FromWorker, OrderedLine, ToWorker } from './messages.ts';
import { ownerLookup } from './ownership.ts';

const port = parentPort;
if (port === null) throw new Error('src/replay/parallel/worker.ts runs as a worker thread (see spawn.ts)');
const setup = workerSetupSchema.parse((workerData as { data?: unknown } | null)?.data);

const rules = loadRules(setup.rulesFile);
const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: setup.unassignedQueue };
const ownerOf = ownerLookup(setup.ownerOverrides, setup.workers);
let alerts: OrderedLine[] = [];
let deadLetters: OrderedLine[] = [];

/** Every worker reads every side input (their times move stream time for all); only the first reports unreadable lines. */
async function* withoutRejected<Item extends { kind: string }>(source: AsyncIterable<Item | readonly Item[]>): AsyncGenerator<Item[]> {
  for await (const entry of source) yield (Array.isArray(entry) ? (entry as readonly Item[]) : [entry as Item]).filter((item) => item.kind !== 'rejected');
}
const side = openSideInputs(setup.sidePaths);
const keep = <Item extends { kind: string }>(source: AsyncIterable<Item | readonly Item[]> | undefined) =>
  source === undefined || setup.index === 0 ? source : withoutRejected(source as AsyncIterable<Item | readonly Item[]>);

const replay = new Replay({
  core,
  store: new MemoryStateStore({ copies: false }),
  chunkSize: setup.chunkSize,
  until: setup.until,
  inputName: setup.inputName,
  owns: (customerId) => ownerOf(customerId) === setup.index,
  onAlert: (record, order) => {
    alerts.push({ order, line: JSON.stringify(record) });
  },
  onDeadLetter: (letter, order) => {
    deadLetters.push({ order, line: JSON.stringify(letter) });
  },
  outcomes: keep(side.outcomes),
  products: keep(side.products),
  profileUpdates: keep(side.profileUpdates),
  onOutcomes: applyOutcomes(rules),
});

let started = false;
async function startOnce(): Promise<void> {
  if (started) return;
  started = true;
  await replay.start();
}

async function replayChunk({ offsets, eventTimes, owners, own }: ChunkMessage): Promise<void> {
  await startOnce();
  let next = 0;
  for (let index = 0; index < offsets.length; index += 1) {
    const waiting =
      owners[index] === setup.index
        ? replay.acceptAt(offsets[index]!, { kind: 'transaction', ...own[next++]! })
        : replay.passForeign(offsets[index]!, eventTimes[index]!);
    if (waiting !== undefined) await waiting;
  }
  if (next !== own.length) throw new Error(`chunk out of step: ${own.length} own records sent, ${next} placed`);
}

function send(message: FromWorker): void {
  port!.postMessage(message);
}

function sendOutput(): void {
  send({ type: 'output', alerts, deadLetters, settledBefore: replay.settledBefore });
  alerts = [];
  deadLetters = [];
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'profiles':
      await replay.loadProfiles([message.profiles.map((profile) => ({ kind: 'profile' as const, profile }))]);
      return;
    case 'chunk':
      await replayChunk(message);
      sendOutput();
      return;
    case 'end': {
      await startOnce();
      await replay.finish();
      sendOutput();
      const clock = replay.clock;
      send({ type: 'done', tally: replay.tally.snapshot(), clock: Number.isFinite(clock) ? clock : null });
      port!.close();
      return;
    }
  }
}

// messages are handled one after the other, each to its end (the engine is not re-entrant)
let queue: Promise<void> = Promise.resolve();
port.on('message', (raw: unknown) => {
  queue = queue
    .then(() => handle(toWorkerSchema.parse(raw)))
    .catch((error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      send({ type: 'failed', name: failure.name, message: failure.message, stack: failure.stack });
      port!.close();
    });
});
