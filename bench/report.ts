import type { RawConsumeResult } from './baseline.ts';
import type { AnatomyRow } from './batch-anatomy.ts';
import type { ClientComparison } from './client-comparison.ts';
import type { BenchConfig } from './config.ts';
import type { LatencyResult } from './latency.ts';
import type { RedisMemoryResult } from './redis-memory.ts';
import type { SaturationResult } from './saturation.ts';
import { round } from './stats.ts';

export const TARGETS = { ratioToBaseline: 0.6, p99Ms: 25, roundTripsPerEvent: 0.05, bytesPerCustomer: 1024 } as const;

export interface BenchResults {
  runId: string;
  services: string;
  config: BenchConfig;
  dataSet: { customers: number; profiles: number; transactions: number; days: number; rmAlertsFromHistory: number };
  produce: { milliseconds: number; perSecond: number };
  /** kafkajs's best raw consume round: what the saturation ratio is against. */
  baseline: RawConsumeResult;
  /** Every raw consume round, kafkajs's and the alternative client's, same topic, same run. */
  clients: ClientComparison;
  saturation: SaturationResult & { ratioToBaseline: number; roundTripsPerEvent: number; cpuMicrosecondsPerEvent: number; eventsPerStateWrite: number; recordsPerBatch: number };
  latency: LatencyResult & { roundTripsPerEvent: number; cpuMicrosecondsPerEvent: number; eventsPerStateWrite: number; recordsPerBatch: number };
  anatomy: AnatomyRow[];
  redisMemory: RedisMemoryResult;
  /** The bench's process: maxRSS over the whole run, and the peak sampled (every 250 ms) during each service phase. */
  process: { maxRssMiB: number; saturationPeakRssMiB: number; latencyPeakRssMiB: number; serviceInProcess: boolean };
  /** The service's own process (null when it ran in the bench's, `BENCH_IN_PROCESS=1`). */
  serviceProcess: ServiceProcessResult | null;
  totalMilliseconds: number;
}

export interface ServiceProcessResult {
  pid: number;
  /** Its peak resident set over its life, read before it was stopped: the kernel's VmHWM or the sampled peak, the higher. */
  peakRssMiB: number;
  peakRssSource: 'VmHWM' | 'sampled';
  /** Peaks sampled (every 250 ms) during each phase. */
  saturationPeakRssMiB: number;
  latencyPeakRssMiB: number;
  /** SIGTERM to its exit (code 0). */
  stopMilliseconds: number;
  exitCode: 0;
}

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${value.toFixed(1)} ms`;
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** The plain-text table: one row per figure, its target and whether it was met (a miss never fails the run). */
export function formatTable(results: BenchResults): string {
  const { saturation: sat, latency: lat, redisMemory: mem, baseline } = results;
  // the process's CPU seconds: in-process they include the bench's producer and reader
  const cpuNote = results.process.serviceInProcess ? ' (with the bench)' : '';
  const rows: Array<[string, string, string, string]> = [
    ['data set', `${integer(results.dataSet.customers)} customers, ${integer(results.dataSet.transactions)} transactions over ${results.dataSet.days} days`, '', ''],
    ['produced (Avro, 6 partitions)', `${integer(results.dataSet.profiles + results.dataSet.transactions)} records in ${(results.produce.milliseconds / 1000).toFixed(1)} s (${integer(results.produce.perSecond)}/s)`, '', ''],
    ...rawConsumeRows(results.clients),
    [
      'end-to-end at saturation',
      `${integer(sat.perSecond)} events/s (${integer(sat.committed)} tx + ${integer(sat.profiles)} profiles in ${(sat.milliseconds / 1000).toFixed(1)} s${sat.finished ? '' : ', DEADLINE HIT'})`,
      '',
      '',
    ],
    ['  steady state (after the first commit)', `${integer(sat.steadyPerSecond)} events/s (first commit ${ms(sat.firstCommitMilliseconds)} after the group join)`, '', ''],
    ['  ratio to baseline', `${sat.ratioToBaseline.toFixed(2)}× (steady state ${(sat.steadyPerSecond / baseline.perSecond).toFixed(2)}×)`, `≥ ${TARGETS.ratioToBaseline}×`, verdict(sat.ratioToBaseline >= TARGETS.ratioToBaseline)],
    ['  redis round trips / event', sat.roundTripsPerEvent.toFixed(4), `≤ ${TARGETS.roundTripsPerEvent}`, verdict(sat.roundTripsPerEvent <= TARGETS.roundTripsPerEvent)],
    [`  service CPU / event${cpuNote}${results.config.BENCH_INSTANCES > 1 ? ' (with each instance\'s start-up)' : ''}`, `${sat.cpuMicrosecondsPerEvent.toFixed(1)} µs`, '', ''],
    ['  events / state write', sat.eventsPerStateWrite.toFixed(2), '', ''],
    ['  records / batch (mean)', sat.recordsPerBatch.toFixed(1), '', ''],
    ['  group join after start', ms(sat.startupMilliseconds), '', ''],
    ['paced live traffic', `${integer(lat.achievedPerSecond)} events/s achieved (target ${integer(lat.targetPerSecond)}, ${integer(lat.produced)} in ${(lat.windowMs / 1000).toFixed(1)} s)`, '', ''],
    ['  RM alert latency p50', ms(lat.p50Ms), '', ''],
    ['  RM alert latency p99', ms(lat.p99Ms), `≤ ${TARGETS.p99Ms} ms`, verdict(lat.p99Ms <= TARGETS.p99Ms)],
    ['  RM alert latency max', ms(lat.maxMs), '', ''],
    ['  samples', `${integer(lat.samples)} of ${integer(lat.designedAlerts)} designed alerts${lat.missing > 0 ? ` (${lat.missing} missing)` : ''}`, '', ''],
    ['  redis round trips / event', lat.roundTripsPerEvent.toFixed(4), `≤ ${TARGETS.roundTripsPerEvent}`, verdict(lat.roundTripsPerEvent <= TARGETS.roundTripsPerEvent)],
    [`  service CPU / event${cpuNote}`, `${lat.cpuMicrosecondsPerEvent.toFixed(1)} µs`, '', ''],
    ['  events / state write', lat.eventsPerStateWrite.toFixed(2), '', ''],
    ['  records / batch (mean)', lat.recordsPerBatch.toFixed(1), '', ''],
    ['  caught up after last send', ms(lat.catchUpMs), '', ''],
    ['  event-loop delay p99 / max, service', `${ms(lat.serviceEventLoopDelayP99Ms)} / ${ms(lat.serviceEventLoopDelayMaxMs)}`, '', ''],
    [`  event-loop delay p99 / max, bench process${results.process.serviceInProcess ? ' (the same loop)' : ''}`, `${ms(lat.eventLoopDelayP99Ms)} / ${ms(lat.eventLoopDelayMaxMs)}`, '', ''],
    [`redis memory / customer (${mem.withState} of ${mem.sampled} sampled)`, '', '', ''],
    ['  state: mean / p95', `${integer(mem.stateMeanBytes)} B / ${integer(mem.stateP95Bytes)} B (value ${integer(mem.stateValueMeanBytes)} B)`, `p95 ≤ ${TARGETS.bytesPerCustomer} B`, verdict(mem.stateP95Bytes <= TARGETS.bytesPerCustomer)],
    ['  state + profile: mean / p95', `${integer(mem.stateAndProfileMeanBytes)} B / ${integer(mem.stateAndProfileP95Bytes)} B`, `p95 ≤ ${TARGETS.bytesPerCustomer} B`, verdict(mem.stateAndProfileP95Bytes <= TARGETS.bytesPerCustomer)],
    ...serviceProcessRows(results.serviceProcess, results.config.BENCH_INSTANCES),
    [
      `peak RSS (bench process${results.process.serviceInProcess ? ', service in-process' : ''})`,
      `${results.process.maxRssMiB.toFixed(0)} MiB (sampled peaks: saturation ${results.process.saturationPeakRssMiB.toFixed(0)} MiB, latency ${results.process.latencyPeakRssMiB.toFixed(0)} MiB)`,
      '',
      '',
    ],
    ['total bench time', `${(results.totalMilliseconds / 1000).toFixed(1)} s`, '', ''],
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0), ['figure', 'value', 'target'][column]?.length ?? 0));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell))
      .join('  ')
      .trimEnd();
  const instances = results.config.BENCH_INSTANCES;
  const where = results.process.serviceInProcess ? 'in the bench process' : instances > 1 ? `as ${instances} processes in one consumer group (counters summed)` : 'as its own process';
  const header = `tidewatch bench ${results.runId}: ${results.services}; seed ${results.config.BENCH_SEED}; service ${where}`;
  return [header, line(['figure', 'value', 'target', '']), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), '', formatAnatomy(results.anatomy)].join('\n');
}

const rounds = (results: readonly RawConsumeResult[]) => results.map((result) => integer(result.perSecond)).join(', ');

/** Raw consume of the transactions topic, kafkajs and the alternative client: what the client itself costs. */
export function rawConsumeRows(clients: ClientComparison): Array<[string, string, string, string]> {
  const { baseline, kafkajsRounds, alternative } = clients;
  const rows: Array<[string, string, string, string]> = [
    ['baseline: raw kafkajs consume', `${integer(baseline.perSecond)} events/s (${integer(baseline.records)} in ${ms(baseline.milliseconds)} from the group join; best of rounds ${rounds(kafkajsRounds)})`, '', ''],
  ];
  const label = `raw ${alternative.client} ${alternative.version} consume, same topic`;
  if (alternative.skipped) rows.push([label, 'not measured (BENCH_ALT_CLIENT=none)', '', '']);
  else if (alternative.best === null) rows.push([label, `DID NOT WORK: ${alternative.error ?? 'no round finished'}`, '', '']);
  else {
    const best = alternative.best;
    rows.push(
      [label, `${integer(best.perSecond)} events/s (${integer(best.records)} in ${ms(best.milliseconds)} from the group join; best of rounds ${rounds(alternative.rounds)})`, '', ''],
      ['  ratio to raw kafkajs, same run', `${alternative.ratioToKafkajs.toFixed(2)}×`, '', ''],
    );
  }
  return rows;
}

function serviceProcessRows(service: ServiceProcessResult | null, instances: number): Array<[string, string, string, string]> {
  if (service === null) return [];
  const peak = service.peakRssSource === 'VmHWM' ? 'VmHWM' : 'sampled';
  return [
    [
      instances > 1 ? `peak RSS (${instances} service processes, summed)` : 'peak RSS (service process)',
      `${service.peakRssMiB.toFixed(0)} MiB ${peak} (sampled peaks: saturation ${service.saturationPeakRssMiB.toFixed(0)} MiB, latency ${service.latencyPeakRssMiB.toFixed(0)} MiB)`,
      '',
      '',
    ],
    ['  SIGTERM to exit 0', ms(service.stopMilliseconds), '', ''],
  ];
}

/** One batch of the service's handler by phase: where a record's time goes at each batch size. */
function formatAnatomy(rows: readonly AnatomyRow[]): string {
  const header = ['records/batch', 'customers', 'decode', 'load', 'commit', 'alert enc', 'send', 'other', 'total', 'µs/record', 'CPU µs/rec', 'core µs/rec', 'state dec µs', 'state enc µs', 'clone µs'];
  const body = rows.map((row) => [
    row.label,
    row.customersPerBatch.toFixed(0),
    ...(['decode', 'load', 'commit', 'alertEncode', 'send', 'other', 'total'] as const).map((phase) => row.phasesMs[phase].toFixed(2)),
    row.microsecondsPerRecord.toFixed(0),
    row.cpuMicrosecondsPerRecord.toFixed(0),
    row.coreUsPerRecord.toFixed(1),
    row.stateDecodeUsPerCustomer.toFixed(1),
    row.stateEncodeUsPerCustomer.toFixed(1),
    row.stateCloneUsPerCustomer.toFixed(1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [
    'one batch of live-like traffic through the service\'s handler (mean ms per batch; "other" = validation, core, metrics; CPU: the process\'s, all threads):',
    line(header),
    ...body.map(line),
  ].join('\n');
}

/** The same figures as one JSON line, rounded, for machines (compare runs, plot history). */
export function formatJson(results: BenchResults): string {
  return JSON.stringify({ bench: 'tidewatch', ...results }, (_, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? round(value, 4) : value));
}
