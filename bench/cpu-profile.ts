import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';

/**
 * Per-phase CPU profiles of this process (the service runs in it), for `BENCH_CPU_PROFILE=<dir>`: each phase gets
 * its own .cpuprofile (open in Chrome DevTools or summarise with bench/profile-summary.ts).
 */
export class PhaseProfiler {
  readonly #session = new Session();
  readonly #directory: string;

  private constructor(directory: string) {
    this.#directory = directory;
  }

  static async start(directory: string): Promise<PhaseProfiler> {
    mkdirSync(directory, { recursive: true });
    const profiler = new PhaseProfiler(directory);
    profiler.#session.connect();
    await profiler.#session.post('Profiler.enable');
    // 250 µs: fine enough for batches of a few milliseconds
    await profiler.#session.post('Profiler.setSamplingInterval', { interval: 250 });
    return profiler;
  }

  async begin(): Promise<void> {
    await this.#session.post('Profiler.start');
  }

  /** Stops the phase's profile and writes it; answers the file. */
  async end(phase: string): Promise<string> {
    const { profile } = await this.#session.post('Profiler.stop');
    const file = join(this.#directory, `${phase}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile satisfies Profiler.Profile));
    return file;
  }

  close(): void {
    this.#session.disconnect();
  }
}

/** Runs a phase, with its own profile when a profiler is given. */
export type PhaseRunner = <T>(phase: string, work: () => Promise<T>) => Promise<T>;

export function phaseRunner(profiler: PhaseProfiler | undefined, onWritten: (file: string) => void): PhaseRunner {
  return async (phase, work) => {
    if (profiler === undefined) return work();
    await profiler.begin();
    const result = await work();
    onWritten(await profiler.end(phase));
    return result;
  };
}
