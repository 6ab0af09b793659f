import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawConsumeResult, RawConsumeTarget } from './baseline.ts';

export const ALTERNATIVE_CLIENT = '@platformatic/kafka';

export type RawClient = 'kafkajs' | 'alternative';

/**
 * The order of the raw consumes: A B B A for two rounds (A B B A A B for three), so that neither client always
 * runs first on a cold broker page cache or last on a warm one; a single round is A B.
 */
export function roundOrder(rounds: number, withAlternative: boolean): RawClient[] {
  const order: RawClient[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const pair: RawClient[] = withAlternative ? ['kafkajs', 'alternative'] : ['kafkajs'];
    order.push(...(round % 2 === 0 ? pair : pair.reverse()));
  }
  return order;
}

/** A consume that saw other than every record the topic holds measured something else: the bench fails. */
export function checkCount(client: string, result: RawConsumeResult, expected: number): void {
  if (result.records !== expected) {
    throw new Error(`${client} raw consume counted ${result.records} records where the topic holds ${expected}: ${result.records > expected ? 'records delivered twice' : 'records missing'}`);
  }
}

/** The fastest of a client's rounds: the client's ceiling on this machine in this run (the other rounds beside it). */
export function bestOf(results: readonly RawConsumeResult[]): RawConsumeResult {
  const [first, ...rest] = results;
  if (first === undefined) throw new Error('no raw consume round to choose from');
  return rest.reduce((best, result) => (result.perSecond > best.perSecond ? result : best), first);
}

export interface AlternativeResult {
  client: string;
  version: string;
  /** Each round in the order run; empty when it did not work. */
  rounds: RawConsumeResult[];
  best: RawConsumeResult | null;
  /** Its best / kafkajs's best, same run. */
  ratioToKafkajs: number;
  /** Why it has no figure: it failed here (the run then exits 1), or it was switched off (`BENCH_ALT_CLIENT=none`). */
  error: string | null;
  skipped: boolean;
}

export interface ClientComparison {
  /** kafkajs's rounds in the order run; `baseline` is the best of them. */
  kafkajsRounds: RawConsumeResult[];
  baseline: RawConsumeResult;
  alternative: AlternativeResult;
}

/** The installed version of the alternative client (its package exports no version). */
export function alternativeVersion(): string {
  try {
    // the package's entry is dist/index.js; its package.json is one folder up
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.resolve(ALTERNATIVE_CLIENT))), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'not installed';
  }
}

export interface RawConsumers {
  kafkajs(target: RawConsumeTarget): Promise<RawConsumeResult>;
  alternative(target: RawConsumeTarget): Promise<RawConsumeResult>;
}

/**
 * Raw consume of the same topic by kafkajs and the alternative client, `rounds` times each in `roundOrder`, each
 * from a group of its own (`groupFor(client, round)`, never used before), each checked to have counted exactly the
 * records the topic holds. kafkajs failing fails the run (nothing to compare the service with); the alternative
 * failing is recorded with its reason and the remaining rounds are kafkajs's alone.
 */
export async function compareClients(options: {
  consumers: RawConsumers;
  topic: string;
  expected: number;
  timeoutMs: number;
  rounds: number;
  withAlternative: boolean;
  groupFor: (client: RawClient, round: number) => string;
  say: (line: string) => void;
}): Promise<ClientComparison> {
  const { consumers, topic, expected, timeoutMs, say } = options;
  const kafkajsRounds: RawConsumeResult[] = [];
  const alternativeRounds: RawConsumeResult[] = [];
  let error: string | null = null;
  const rate = (result: RawConsumeResult) => `${Math.round(result.perSecond).toLocaleString('en-US')} events/s`;
  for (const client of roundOrder(options.rounds, options.withAlternative)) {
    const rounds = client === 'kafkajs' ? kafkajsRounds : alternativeRounds;
    const target = { topic, groupId: options.groupFor(client, rounds.length + 1), expected, timeoutMs };
    const name = client === 'kafkajs' ? 'kafkajs' : ALTERNATIVE_CLIENT;
    if (client === 'alternative') {
      if (error !== null) continue;
      try {
        const result = await consumers.alternative(target);
        checkCount(name, result, expected);
        alternativeRounds.push(result);
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
        say(`baseline: ${name} did not work: ${error}`);
        continue;
      }
    } else {
      const result = await consumers.kafkajs(target);
      checkCount(name, result, expected);
      kafkajsRounds.push(result);
    }
    say(`baseline: raw ${name} consume, round ${rounds.length}: ${rate(rounds[rounds.length - 1]!)}`);
  }
  const baseline = bestOf(kafkajsRounds);
  const best = alternativeRounds.length > 0 ? bestOf(alternativeRounds) : null;
  return {
    kafkajsRounds,
    baseline,
    alternative: {
      client: ALTERNATIVE_CLIENT,
      version: alternativeVersion(),
      rounds: alternativeRounds,
      best,
      ratioToKafkajs: best === null ? Number.NaN : best.perSecond / baseline.perSecond,
      error,
      skipped: !options.withAlternative,
    },
  };
}
