import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Consumer lag of the partitions this instance owns, set by src/adapters/kafka/consumer-lag.ts from the broker on an
 * interval. Labelled by topic and partition (bounded by the partition count); each partition is reported by its owner.
 */
function lagMetrics(registry: Registry) {
  let refreshAges = () => {};
  return {
    /** Sets what brings the age gauge up to date when it is scraped (the lag monitor, which knows the batches in hand). */
    onAgeScrape(refresh: () => void) {
      refreshAges = refresh;
    },
    consumerLag: new Gauge({
      name: 'tidewatch_consumer_lag_records',
      help: "Records on an owned partition not yet committed by this process's consumer group: high watermark minus committed offset.",
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
    }),
    oldestUnprocessedAge: new Gauge({
      name: 'tidewatch_oldest_unprocessed_record_age_seconds',
      help: 'Age (from its Kafka timestamp) of the oldest record of an owned partition not yet processed; 0 when the partition is caught up.',
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
      collect: () => refreshAges(),
    }),
    lagPollFailures: new Counter({
      name: 'tidewatch_consumer_lag_poll_failures_total',
      help: 'Failed reads of committed offsets and high watermarks from the broker (the lag gauges keep their last values).',
      registers: [registry],
    }),
  };
}

export type LagMetrics = ReturnType<typeof lagMetrics>;

/** Every metric the service exports, on one registry. Labels stay low-cardinality: no customer or RM ids. */
export function createMetrics() {
  const registry = new Registry();
  // the standard names (process_cpu_seconds_total, nodejs_eventloop_lag_p99_seconds, ...): the scrape's job label
  // tells the service from the digest stage, and stock Node.js dashboards and alerts work on them unchanged
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [registry] });
  return {
    registry,
    ...lagMetrics(registry),
    recordsConsumed: counter('tidewatch_records_consumed_total', 'Records read from input topics, by topic and outcome.', ['topic', 'outcome']),
    transactionOutcomes: counter(
      'tidewatch_transactions_total',
      'Admitted transactions by what the features made of them: applied, already_applied (replayed offset), duplicate (transaction id seen), too_late, unsupported_currency.',
      ['outcome'],
    ),
    balanceStampMismatches: counter(
      'tidewatch_balance_stamp_mismatches_total',
      'Applied transactions whose stamped balanceAfter disagreed with the account opening plus the flows (data quality; the flows count).',
    ),
    deadLetters: counter('tidewatch_dead_letters_total', 'Records sent to the dead-letter topic, by reason.', ['reason']),
    batches: counter('tidewatch_batches_total', 'Fetched batches processed, by topic.', ['topic']),
    batchDuration: histogram('tidewatch_batch_duration_seconds', 'Time to process the batches of one fetch (one unit of work over its partitions), observed per batch, by topic.', ['topic']),
    recordLatency: histogram(
      'tidewatch_record_latency_seconds',
      'From the Kafka record timestamp to the end of its batch (alerts published): how far behind the service runs.',
    ),
    alerts: counter('tidewatch_alerts_total', 'Alert records published, by feed, kind, priority and tier.', ['feed', 'kind', 'priority', 'tier']),
    redeliveredAlerts: counter('tidewatch_alerts_redelivered_total', 'Stored alerts published again after a crash or replay (same id and content).'),
    riskOutflow: counter(
      'tidewatch_risk_outflow_minor_total',
      'Money in minor units reported to the risk feed as leaving, by tier and counterparty kind.',
      ['tier', 'counterparty_kind'],
    ),
    timersFired: counter('tidewatch_timers_fired_total', 'Due timers handled, by outcome (alerted, rescheduled, cancelled).', ['outcome']),
    stateConflicts: counter('tidewatch_state_write_conflicts_total', 'Customer state writes refused because another writer changed the state first.'),
    redisErrors: counter('tidewatch_redis_errors_total', 'Failed Redis operations (the batch is retried).'),
    producerErrors: counter('tidewatch_producer_errors_total', 'Failed sends to Kafka (the batch is retried).'),
    consumerCrashes: counter('tidewatch_consumer_crashes_total', 'Times the Kafka consumer crashed (kafkajs restarts it when the error is retriable, tidewatch when a broker going away or coming back caused it).'),
    redisRoundTrips: counter('tidewatch_redis_round_trips_total', 'Round trips to Redis (pipelines count once).'),
    stateLoads: counter(
      'tidewatch_state_loads_total',
      'Customers handed to a unit of work, by source: memory (the owned partition keeps them) or redis (not seen since the partition was taken).',
      ['source'],
    ),
    stateCacheDrops: counter(
      'tidewatch_state_cache_drops_total',
      "Owned partitions whose cached states were dropped, by reason: revoked (rebalance), taken_meanwhile (another instance owned it between two of this one's assignments), fenced (another instance took it while this one worked).",
      ['reason'],
    ),
    outcomes: counter('tidewatch_outcomes_total', 'Outcomes RMs recorded about alerts, by alert kind and outcome.', ['kind', 'outcome']),
    productEvents: counter(
      'tidewatch_product_events_total',
      'Admitted product events by what the core made of them: applied, already_applied (replayed offset), unsupported_currency.',
      ['outcome'],
    ),
    rulePrecision: new Gauge({
      name: 'tidewatch_rule_precision_ratio',
      help: 'Per alert kind, the share of recorded outcomes that were not a false alarm (outcomes this process has read).',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    ownedPartitions: new Gauge({ name: 'tidewatch_owned_partitions', help: 'Input partitions this instance owns.', registers: [registry] }),
    redisEvicting: new Gauge({ name: 'tidewatch_redis_evicting', help: '1 while Redis has an evicting maxmemory-policy: nothing is processed (issue 11).', registers: [registry] }),
    partitionStateLost: new Gauge({ name: 'tidewatch_partition_state_lost', help: 'Owned input partitions refused because Redis lost the state behind their committed offsets (run tidewatch rebuild).', registers: [registry] }),
    rulesInfo: new Gauge({
      name: 'tidewatch_rules_info',
      help: 'The rules in force: 1, labelled with their version (the one stamped on alerts).',
      labelNames: ['version'],
      registers: [registry],
    }),
    rulesReloadFailures: counter(
      'tidewatch_rules_reload_failures_total',
      'Changes of the rules file refused (unreadable or invalid): the running rules stay in force until the file is fixed.',
    ),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Alerts per digest: from one to the rules' cap (maxAlertsPerDigest, at most 500). */
const DIGEST_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/** The metrics of `tidewatch digest` (its own process and registry). Labels stay low-cardinality: no RM ids. */
export function createDigestMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    ...lagMetrics(registry),
    alertsReceived: counter(
      'tidewatch_digest_alerts_received_total',
      'Routine alerts read by the digest stage, by outcome: stored, duplicate (already pending), already_digested (re-sent after its digest), already_applied (offset re-read), dead_lettered.',
      ['outcome'],
    ),
    digestsPublished: counter('tidewatch_digests_published_total', 'RM digests published (a re-send of the same digest after a crash counts again).'),
    digestSize: new Histogram({
      name: 'tidewatch_digest_size_alerts',
      help: 'Alerts per published digest (listed and omitted).',
      buckets: DIGEST_SIZE_BUCKETS,
      registers: [registry],
    }),
    pendingAlerts: new Gauge({
      name: 'tidewatch_digest_pending_alerts',
      help: "Routine alerts waiting for their RM's next digest, on the partitions this instance owns.",
      registers: [registry],
    }),
    balanceStampMismatches: counter(
      'tidewatch_balance_stamp_mismatches_total',
      'Applied transactions whose stamped balanceAfter disagreed with the account opening plus the flows (data quality; the flows count).',
    ),
    deadLetters: counter('tidewatch_dead_letters_total', 'Records sent to the dead-letter topic, by reason.', ['reason']),
    redisErrors: counter('tidewatch_redis_errors_total', 'Failed Redis operations (the batch or flush is retried).'),
    producerErrors: counter('tidewatch_producer_errors_total', 'Failed sends to Kafka (the batch or flush is retried).'),
    consumerCrashes: counter('tidewatch_consumer_crashes_total', 'Times the Kafka consumer crashed (kafkajs restarts it when the error is retriable, tidewatch when a broker going away or coming back caused it).'),
    // a name of its own: summed with the service's, a digest stage owning its partitions would hide a service owning none
    ownedPartitions: new Gauge({ name: 'tidewatch_digest_owned_partitions', help: 'Routine-topic partitions this instance owns.', registers: [registry] }),
    rulesInfo: new Gauge({
      name: 'tidewatch_rules_info',
      help: 'The rules in force: 1, labelled with their version.',
      labelNames: ['version'],
      registers: [registry],
    }),
    rulesReloadFailures: counter(
      'tidewatch_rules_reload_failures_total',
      'Changes of the rules file refused (unreadable or invalid): the running rules stay in force until the file is fixed.',
    ),
  };
}

export type DigestMetrics = ReturnType<typeof createDigestMetrics>;
