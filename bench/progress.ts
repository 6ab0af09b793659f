/** Progress goes to stderr, so that stdout carries only the figures (the table and the JSON line). */
export const say = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

export const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(1)}s`;

export const sleep = (milliseconds: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, milliseconds));

/** The promise's value, or an error naming what did not happen in time. */
export async function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${milliseconds} ms`)), milliseconds);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
