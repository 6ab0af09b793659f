import { deserialize, serialize } from 'node:v8';
import { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import { alertSchema } from '../../domain/alert.ts';
import { campaignOpportunitySchema } from '../../domain/opportunity.ts';
import { customerProfileSchema } from '../../domain/profile.ts';
import type { Transaction } from '../../domain/transaction.ts';
import { tallySnapshotSchema } from '../summary.ts';

/**
 * What crosses between the coordinator and its workers (src/replay/parallel), checked with zod on arrival like
 * any other input: a structured clone carries no types.
 */

const offset = z.number().int().nonnegative();

/** What a worker is started with (workerData). */
export const workerSetupSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  workers: z.number().int().positive(),
  /** The coordinator's rules as JSON (they may hold a scorecard fitted in memory, as a backtest's do). */
  rulesJson: z.string().min(2),
  unassignedQueue: z.string().min(1),
  chunkSize: z.number().int().positive(),
  until: z.number().nullable(),
  inputName: z.string(),
  /** Where to ask for each side input's batches (see side-relay.ts); absent: none. */
  sideInputs: z.strictObject({ outcomes: z.instanceof(MessagePort).optional(), products: z.instanceof(MessagePort).optional(), profileUpdates: z.instanceof(MessagePort).optional() }),
  /** Answer the churn score of every customer it was handed a profile of, at the end (a backtest's final scores). */
  finalScores: z.boolean(),
  /** Household members whose worker is not their id's default (see CustomerOwnership). */
  ownerOverrides: z.array(z.tuple([z.string(), z.number().int().nonnegative()])),
});

export type WorkerSetup = z.infer<typeof workerSetupSchema>;

/** A worker's own record of a chunk, as the coordinator read it. */
export interface OwnRecord {
  line: number;
  transaction: Transaction;
}

/**
 * The coordinator hands on only transactions its reader validated (transactionSchema) and the rules' bounds passed,
 * so a worker checks their shape, not every field again: the full schema cost each worker about 3 µs a record, a
 * twentieth of what the core spends on it.
 */
const ownRecord = z.custom<OwnRecord>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  const { line, transaction } = value as { line?: unknown; transaction?: unknown };
  if (typeof line !== 'number' || typeof transaction !== 'object' || transaction === null) return false;
  const { customerId, eventTime } = transaction as { customerId?: unknown; eventTime?: unknown };
  return typeof customerId === 'string' && typeof eventTime === 'number';
}, 'expected a record the coordinator validated: {line, transaction}');

/**
 * A read of the input: the valid records in offset order (every worker gets all of them, as time: `offsets`,
 * `eventTimes`, `owners`), and the worker's own records in full, in the same order.
 */
export const chunkSchema = z
  .strictObject({
    offsets: z.instanceof(Float64Array),
    eventTimes: z.instanceof(Float64Array),
    owners: z.instanceof(Uint8Array),
    own: z.array(ownRecord),
  })
  .refine(({ offsets, eventTimes, owners }) => eventTimes.length === offsets.length && owners.length === offsets.length, 'offsets, eventTimes and owners differ in length');

export type Chunk = z.infer<typeof chunkSchema>;

/**
 * A chunk travels serialized (v8.serialize, the structured clone's own format) in an ArrayBuffer that is transferred,
 * not copied, and the worker deserializes it only when it replays it: the reads waiting in its queue are then bytes
 * outside its heap, not thousands of objects that outlive a scavenge or two and get copied into the old generation.
 */
const chunkMessageSchema = z.strictObject({ type: z.literal('chunk'), records: z.number().int().nonnegative(), payload: z.instanceof(ArrayBuffer) });

export type ChunkMessage = z.infer<typeof chunkMessageSchema>;

export function packChunk(chunk: Chunk): { message: ChunkMessage; transfer: ArrayBuffer } {
  const bytes = serialize(chunk);
  // v8.serialize answers a Buffer of its own ArrayBuffer; a view into a larger one would send the rest along
  const payload = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
  return { message: { type: 'chunk', records: chunk.offsets.length, payload }, transfer: payload };
}

/**
 * The chunk in the bytes, which are let go of at once: the ArrayBuffer waited in the queue long enough to be old,
 * and an old ArrayBuffer's memory is freed only by a full collection, which that memory (outside the heap but
 * counted) then brings on sooner. Moved into a new, young ArrayBuffer nothing holds, it goes at the next scavenge.
 * (v8.deserialize makes typed arrays views into the bytes: they are copied out first.)
 */
export function unpackChunk(payload: ArrayBuffer): Chunk {
  const { offsets, eventTimes, owners, own } = chunkSchema.parse(deserialize(Buffer.from(payload)));
  const chunk = { offsets: offsets.slice(), eventTimes: eventTimes.slice(), owners: owners.slice(), own };
  structuredClone(payload, { transfer: [payload] });
  return chunk;
}

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('profiles'), profiles: z.array(customerProfileSchema) }),
  chunkMessageSchema,
  z.strictObject({ type: z.literal('end') }),
]);

export type ToWorker = z.infer<typeof toWorkerSchema>;

export const publishOrderSchema = z.tuple([z.number(), z.number(), z.number(), z.number(), z.union([z.number(), z.string()])]).readonly();

/** A line of an output file (an alert or a dead letter, already JSON) with its place in the publish order. */
const orderedLine = z.strictObject({ order: publishOrderSchema, line: z.string() });

export type OrderedLine = z.infer<typeof orderedLine>;

export const fromWorkerSchema = z.discriminatedUnion('type', [
  /** After each chunk (and at the end): what was published since, and the offset before which it is all out. */
  z.strictObject({ type: z.literal('output'), alerts: z.array(orderedLine), deadLetters: z.array(orderedLine), settledBefore: offset }),
  z.strictObject({
    type: z.literal('done'),
    tally: tallySnapshotSchema,
    clock: z.number().nullable(),
    /** Where the worker's time went (diagnostics: see ParallelThreads). */
    threadCpuMs: z.number().nullable(),
    idleMs: z.number(),
    scores: z.array(z.strictObject({ customerId: z.string(), rmId: z.string().nullable(), tier: z.string().nullable(), score: z.number(), reasons: z.array(z.string()) })).nullable(),
  }),
  z.strictObject({ type: z.literal('failed'), name: z.string(), message: z.string(), stack: z.string().optional() }),
]);

export type FromWorker = z.infer<typeof fromWorkerSchema>;

/** A line of the alerts as a worker writes it (`JSON.stringify` of a PublishedRecord), for a caller that wants the record back. */
export const publishedRecordSchema = z.discriminatedUnion('feed', [
  z.strictObject({ feed: z.enum(['rm', 'risk']), alert: alertSchema }),
  z.strictObject({ feed: z.literal('campaign'), alert: campaignOpportunitySchema }),
]);
