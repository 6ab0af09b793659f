/** Round tick values from 0 (or a negative minimum) to at least `max`: steps of 1, 2 or 5 × 10^n. */
export function niceTicks(min: number, max: number, target = 5): number[] {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  const span = high - low;
  if (span <= 0) return [0, 1];
  const rough = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude);
  const wholeStep = Math.max(step, 1);
  const first = Math.floor(low / wholeStep) * wholeStep;
  const ticks: number[] = [];
  for (let tick = first; tick < high + wholeStep; tick += wholeStep) {
    ticks.push(tick);
    if (tick >= high) break;
  }
  return ticks;
}

/** A linear map from [domainLow, domainHigh] to [rangeLow, rangeHigh]. */
export function linear(domainLow: number, domainHigh: number, rangeLow: number, rangeHigh: number): (value: number) => number {
  const span = domainHigh - domainLow;
  return (value) => (span === 0 ? rangeLow : rangeLow + ((value - domainLow) / span) * (rangeHigh - rangeLow));
}

/** Every n-th label so that at most `most` are shown. */
export const labelStep = (labels: number, most: number): number => Math.max(1, Math.ceil(labels / most));
