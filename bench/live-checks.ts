import type { ServiceCounters } from './prometheus.ts';

/** More refused postings than this share, and the figures describe another run than the one meant (as bench:replay). */
export const MAX_REFUSED_SHARE = 0.01;

export interface LiveCheckInput {
  /** Transactions produced to the topic before the service started. */
  produced: number;
  saturation: { finished: boolean; counters: ServiceCounters };
  latency: { produced: number; designedAlerts: number; samples: number; counters: ServiceCounters };
}

const percent = (part: number, whole: number) => `${((part / Math.max(1, whole)) * 100).toFixed(2)} %`;

/**
 * What would make the live figures describe nothing: a service that did not consume what was produced, that refused
 * (dead-lettered, or dropped as too late) more than 1% of it and so ran fast over nothing, or an alert path that
 * answered none of the designed alerts. Each problem in one sentence; none: the figures measure the run meant.
 * A saturation stopped by its deadline is not a problem (the table says so): the counts are then checked by the
 * latency phase's catch-up, which waits for every offset.
 */
export function liveInputProblems(input: LiveCheckInput): string[] {
  const problems: string[] = [];
  const sat = input.saturation.counters;
  if (input.saturation.finished && sat.transactionsConsumed < input.produced) {
    problems.push(`saturation: the service consumed ${sat.transactionsConsumed} of the ${input.produced} transactions produced`);
  }
  const refusedAtSaturation = sat.deadLetters + sat.tooLate;
  if (refusedAtSaturation > MAX_REFUSED_SHARE * Math.max(1, sat.transactionsConsumed)) {
    problems.push(`saturation: the service refused ${refusedAtSaturation} of ${sat.transactionsConsumed} transactions (${percent(refusedAtSaturation, sat.transactionsConsumed)}: ${sat.deadLetters} dead-lettered, ${sat.tooLate} too late): its rate does not measure processing`);
  }
  const live = input.latency.counters;
  if (live.transactionsConsumed < input.latency.produced) {
    problems.push(`latency: the service consumed ${live.transactionsConsumed} of the ${input.latency.produced} live transactions produced`);
  }
  const refusedLive = live.deadLetters + live.tooLate;
  if (refusedLive > MAX_REFUSED_SHARE * Math.max(1, live.transactionsConsumed)) {
    problems.push(`latency: the service refused ${refusedLive} of ${live.transactionsConsumed} live transactions (${percent(refusedLive, live.transactionsConsumed)})`);
  }
  if (input.latency.designedAlerts > 0 && input.latency.samples === 0) {
    problems.push(`latency: none of the ${input.latency.designedAlerts} designed alerts reached the RM alerts topic: there is no latency to quote`);
  }
  return problems;
}
