/** Small enough to run in seconds on two cores, big enough to show every kind of alert and a few of each pattern. */
export const demoDefaults = {
  customers: 600,
  months: 12,
  seed: 42,
  /** One RM per 100 customers (the generator's default is one per 250): the per-RM chart has a few bars to compare. */
  customersPerRm: 100,
  out: 'tidewatch-demo-report.html',
  maxAlerts: 24,
} as const;
