export type Report = (line: string) => void;

/** Runs one step of bringing the stack up or down and reports how long it took (the note quotes these). */
export async function timed<T>(report: Report, label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const detail = typeof result === 'string' ? ` (${result})` : '';
  report(`${label}: ${((performance.now() - started) / 1000).toFixed(1)}s${detail}`);
  return result;
}
