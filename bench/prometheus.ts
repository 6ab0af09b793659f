/** One sample of the Prometheus text format: `name{label="value",...} number`. */
export interface MetricSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match === null) continue;
    const [, name = '', labelText = '', valueText = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, label = '', value = ''] of labelText.matchAll(LABEL)) labels[label] = value;
    samples.push({ name, labels, value: Number(valueText) });
  }
  return samples;
}

export async function scrapeMetrics(url: string): Promise<MetricSample[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return parseMetrics(await response.text());
}

/** Sum of a metric over every sample whose labels include `where`. */
export function sumOf(samples: readonly MetricSample[], name: string, where: Readonly<Record<string, string>> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(where).every(([label, value]) => sample.labels[label] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** The service counters the bench reads, at one instant. */
export interface ServiceCounters {
  redisRoundTrips: number;
  recordsConsumed: number;
  transactionsConsumed: number;
  batches: number;
  batchSeconds: number;
  rmAlerts: number;
  alertRecords: number;
  deadLetters: number;
  /** Transactions the features refused as more than the allowed lateness behind the customer's clock. */
  tooLate: number;
  /** Transaction ids seen before at another offset. */
  duplicates: number;
  /**
   * CPU seconds of the service's process, user and system (prom-client's process_cpu_seconds_total): what a phase
   * cost whatever else the machine ran, where the wall-clock figures move with the load. In-process, the bench's too.
   */
  cpuSeconds: number;
  /**
   * Customers handed to units of work (from memory or Redis): each is one state write of its unit, so per event it
   * says how many records of one customer a write already carries (what coalescing writes over more could save).
   */
  customerLoads: number;
}

export function serviceCounters(samples: readonly MetricSample[], transactionsTopic: string): ServiceCounters {
  return {
    redisRoundTrips: sumOf(samples, 'tidewatch_redis_round_trips_total'),
    recordsConsumed: sumOf(samples, 'tidewatch_records_consumed_total'),
    transactionsConsumed: sumOf(samples, 'tidewatch_records_consumed_total', { topic: transactionsTopic }),
    batches: sumOf(samples, 'tidewatch_batches_total'),
    batchSeconds: sumOf(samples, 'tidewatch_batch_duration_seconds_sum'),
    rmAlerts: sumOf(samples, 'tidewatch_alerts_total', { feed: 'rm' }),
    alertRecords: sumOf(samples, 'tidewatch_alerts_total'),
    deadLetters: sumOf(samples, 'tidewatch_dead_letters_total'),
    tooLate: sumOf(samples, 'tidewatch_transactions_total', { outcome: 'too_late' }),
    duplicates: sumOf(samples, 'tidewatch_transactions_total', { outcome: 'duplicate' }),
    cpuSeconds: sumOf(samples, 'process_cpu_seconds_total'),
    customerLoads: sumOf(samples, 'tidewatch_state_loads_total'),
  };
}

/** Every counter at zero: a process's counters when it started. */
export function zeroCounters(): ServiceCounters {
  return { redisRoundTrips: 0, recordsConsumed: 0, transactionsConsumed: 0, batches: 0, batchSeconds: 0, rmAlerts: 0, alertRecords: 0, deadLetters: 0, tooLate: 0, duplicates: 0, cpuSeconds: 0, customerLoads: 0 };
}

export function countersBetween(before: ServiceCounters, after: ServiceCounters): ServiceCounters {
  const delta = {} as Record<keyof ServiceCounters, number>;
  for (const key of Object.keys(after) as Array<keyof ServiceCounters>) delta[key] = after[key] - before[key];
  return delta;
}

/** One scrape of the service's /metrics: its counters, and its own event loop since the previous scrape. */
export interface ServiceSnapshot {
  counters: ServiceCounters;
  /**
   * prom-client's event-loop delay histogram of the service's process (10 ms resolution), reset at every scrape:
   * these cover the time since the previous scrape.
   */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

export function serviceSnapshot(samples: readonly MetricSample[], transactionsTopic: string): ServiceSnapshot {
  return {
    counters: serviceCounters(samples, transactionsTopic),
    eventLoopDelayP99Ms: sumOf(samples, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    eventLoopDelayMaxMs: sumOf(samples, 'nodejs_eventloop_lag_max_seconds') * 1000,
  };
}
