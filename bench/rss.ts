/**
 * Samples a resident set size while a phase runs (maxRSS alone cannot say which phase peaked): this process's by
 * default, or another's through `read` (reads that fail or answer undefined are skipped).
 */
export function startRssSampler(read: () => number | undefined | Promise<number | undefined> = () => process.memoryUsage.rss(), intervalMs = 250): { stop(): Promise<number> } {
  let peak = 0;
  let reading: Promise<void> | undefined;
  const sample = () => {
    reading ??= (async () => {
      try {
        peak = Math.max(peak, (await read()) ?? 0);
      } catch {
        // a sample missed is a sample missed
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  };
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await reading;
      await sample();
      return peak;
    },
  };
}
