/**
 * A worker thread of a parallel replay (src/replay/parallel/coordinator.ts): replays its share of the customers
 * with the ordinary engine, told of every other record only as time, and sends back what it publishes with each
 * line's place in the whole replay's order. Started through `spawn.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { businessCalendar } from '../../core/calendar.ts';
import type { CoreContext } from '../../core/processor.ts';
import { parseRules } from '../../core/rules.ts';
import { finalScores } from '../../backtest/final-scores.ts';
import { MemoryStateStore } from '../../state/memory-store.ts';
import { Replay } from '../engine.ts';
import { applyOutcomes } from '../outcomes.ts';
import { toWorkerSchema, unpackChunk, workerSetupSchema } from './messages.ts';
import type { Chunk, FromWorker, OrderedLine, ToWorker } from './messages.ts';
import { ownerLookup } from './ownership.ts';
import { relayedSideInput, sideItemSchemas } from './side-relay.ts';
import { threadCpuMs } from './thread-cpu.ts';
import type { MessagePort } from 'node:worker_threads';
import type { z } from 'zod';

const port = parentPort;
if (port === null) throw new Error('src/replay/parallel/worker.ts runs as a worker thread (see spawn.ts)');
const setup = workerSetupSchema.parse((workerData as { data?: unknown } | null)?.data);

const rules = parseRules(setup.rulesJson, 'the rules of the parallel replay');
const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: setup.unassignedQueue };
const ownerOf = ownerLookup(setup.ownerOverrides, setup.workers);
let alerts: OrderedLine[] = [];
let deadLetters: OrderedLine[] = [];

/** Every worker reads every side input (their times move stream time for all); only the first reports unreadable lines. */
function sideInput<S extends z.ZodType<{ kind: string }>>(port: MessagePort | undefined, schema: S): AsyncIterable<Array<z.output<S>>> | undefined {
  if (port === undefined) return undefined;
  const source = relayedSideInput(port, schema);
  return setup.index === 0 ? source : withoutRejected(source);
}

async function* withoutRejected<Item extends { kind: string }>(source: AsyncIterable<Item[]>): AsyncGenerator<Item[]> {
  for await (const items of source) yield items.filter((item) => item.kind !== 'rejected');
}

/** The customers whose profiles this worker holds: those it scores at the end. */
const profiled: string[] = [];

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
  outcomes: sideInput(setup.sideInputs.outcomes, sideItemSchemas.outcomes),
  products: sideInput(setup.sideInputs.products, sideItemSchemas.products),
  profileUpdates: sideInput(setup.sideInputs.profileUpdates, sideItemSchemas.profileUpdates),
  onOutcomes: applyOutcomes(rules),
});

let started = false;
async function startOnce(): Promise<void> {
  if (started) return;
  started = true;
  await replay.start();
}

async function replayChunk({ offsets, eventTimes, owners, own }: Chunk): Promise<void> {
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
      if (setup.finalScores) for (const profile of message.profiles) profiled.push(profile.customerId);
      await replay.loadProfiles([message.profiles.map((profile) => ({ kind: 'profile' as const, profile }))]);
      return;
    case 'chunk':
      await replayChunk(unpackChunk(message.payload));
      sendOutput();
      return;
    case 'end': {
      await startOnce();
      await replay.finish();
      sendOutput();
      const clock = replay.clock;
      const seen = Number.isFinite(clock);
      const scores = setup.finalScores ? (seen ? await finalScores(replay.store, profiled, clock, core) : []) : null;
      send({ type: 'done', tally: replay.tally.snapshot(), clock: seen ? clock : null, scores, threadCpuMs: threadCpuMs(), idleMs: performance.eventLoopUtilization().idle });
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
