import { createSchemaRegistry } from '../src/adapters/registry/client.ts';
import type { Producer } from 'kafkajs';
import { AvroDecoder } from '../src/adapters/registry/avro-decoder.ts';
import type { DecodeResult } from '../src/adapters/registry/avro-decoder.ts';
import type { AvroEncoder } from '../src/adapters/registry/avro-encoder.ts';
import type { OutputRole } from '../src/adapters/kafka/publisher.ts';
import type { HouseholdMember } from '../src/core/household.ts';
import type { DueTimer, LoadedCustomer, OwnerFence, PartitionClaim, StateStore, StateWrite, TimerChange, WatermarkChange } from '../src/state/store.ts';
import type { CustomerProfile } from '../src/domain/profile.ts';

export type Phase = 'decode' | 'load' | 'commit' | 'alertEncode' | 'send';

/**
 * Wall time per phase of one batch, measured around the service's own adapters. Decoding runs concurrently for
 * the whole batch, so it counts as the span from the first decode started to the last one finished.
 */
export class PhaseClock {
  readonly totals: Record<Phase, number> = { decode: 0, load: 0, commit: 0, alertEncode: 0, send: 0 };
  #spanStart: number | undefined;
  #spanEnd = 0;

  async time<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      return await work();
    } finally {
      this.totals[phase] += performance.now() - startedAt;
    }
  }

  async span<T>(work: () => Promise<T>): Promise<T> {
    this.#spanStart ??= performance.now();
    try {
      return await work();
    } finally {
      this.#spanEnd = Math.max(this.#spanEnd, performance.now());
    }
  }

  /** Ends the batch: folds the decode span in and answers the phases; the clock starts afresh. */
  take(): Record<Phase, number> {
    if (this.#spanStart !== undefined) this.totals.decode += this.#spanEnd - this.#spanStart;
    const taken = { ...this.totals };
    this.#spanStart = undefined;
    this.#spanEnd = 0;
    for (const phase of Object.keys(this.totals) as Phase[]) this.totals[phase] = 0;
    return taken;
  }
}

/** The service's decoder, with every decode inside the batch's decode span. */
export class TimedDecoder extends AvroDecoder {
  readonly #clock: PhaseClock;

  constructor(registryUrl: string, clock: PhaseClock) {
    super(createSchemaRegistry(registryUrl));
    this.#clock = clock;
  }

  override decode(bytes: Buffer | null): Promise<DecodeResult> {
    return this.#clock.span(() => super.decode(bytes));
  }

  override decodeAll(values: ReadonlyArray<Buffer | null>): Promise<DecodeResult[]> {
    return this.#clock.span(() => super.decodeAll(values));
  }
}

/** The store, timed; what each load answered and each commit wrote is kept for side measurements. */
export class TimedStore implements StateStore {
  readonly #inner: StateStore;
  readonly #clock: PhaseClock;
  lastLoaded: Map<string, LoadedCustomer> = new Map();
  lastWrites: readonly StateWrite[] = [];

  constructor(inner: StateStore, clock: PhaseClock) {
    this.#inner = inner;
    this.#clock = clock;
  }

  get roundTrips(): number {
    return this.#inner.roundTrips;
  }

  async load(customerIds: readonly string[]): Promise<Map<string, LoadedCustomer>> {
    this.lastLoaded = await this.#clock.time('load', () => this.#inner.load(customerIds));
    return this.lastLoaded;
  }

  commit(writes: readonly StateWrite[], timers: readonly TimerChange[], watermarks: readonly WatermarkChange[] = [], fences: readonly OwnerFence[] = []): Promise<{ conflicts: string[] }> {
    this.lastWrites = writes;
    return this.#clock.time('commit', () => this.#inner.commit(writes, timers, watermarks, fences));
  }

  claimPartitions(claims: ReadonlyArray<{ scope: string; previous: number | undefined }>): Promise<PartitionClaim[]> {
    return this.#inner.claimPartitions(claims);
  }

  watermarks(): Promise<Map<string, number>> {
    return this.#clock.time('load', () => this.#inner.watermarks());
  }

  putProfiles(profiles: ReadonlyArray<{ customerId: string; profile: CustomerProfile | null }>): Promise<void> {
    return this.#inner.putProfiles(profiles);
  }

  dueTimers(scope: string, upTo: number, limit: number): Promise<DueTimer[]> {
    return this.#inner.dueTimers(scope, upTo, limit);
  }

  loadHouseholds(householdIds: readonly string[]): Promise<Map<string, HouseholdMember[]>> {
    return this.#clock.time('load', () => this.#inner.loadHouseholds(householdIds));
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** The producer with sendBatch timed (the publish step's Kafka part); everything else passes through. */
export function timedProducer(producer: Producer, clock: PhaseClock): Producer {
  return new Proxy(producer, {
    get(target, property, receiver) {
      if (property === 'sendBatch') {
        return (batch: Parameters<Producer['sendBatch']>[0]) => clock.time('send', () => target.sendBatch(batch));
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** The alert encoder with encode timed (zod validation and Avro, the publish step's CPU part). */
export function timedEncoder(encoder: AvroEncoder<OutputRole>, clock: PhaseClock): AvroEncoder<OutputRole> {
  return new Proxy(encoder, {
    get(target, property, receiver) {
      if (property === 'encode') {
        return (role: OutputRole, record: Parameters<AvroEncoder<OutputRole>['encode']>[1]) => clock.time('alertEncode', () => target.encode(role, record));
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
