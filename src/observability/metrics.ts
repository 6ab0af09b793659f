import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric the service exports, on one registry. Labels stay low-cardinality: no customer or RM ids. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tidewatch_process_' });
  return {
    registry,
    recordsConsumed: new Counter({
      name: 'tidewatch_records_consumed_total',
      help: 'Records read from input topics, by topic and outcome (processed or dead_lettered).',
      labelNames: ['topic', 'outcome'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'tidewatch_dead_letters_total',
      help: 'Records sent to the dead-letter topic, by reason.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'tidewatch_batch_duration_seconds',
      help: 'Time to process one fetched batch, from handing it over to resolving its offsets.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    consumerCrashes: new Counter({
      name: 'tidewatch_consumer_crashes_total',
      help: 'Times the Kafka consumer crashed (kafkajs restarts it when the error is retriable).',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
