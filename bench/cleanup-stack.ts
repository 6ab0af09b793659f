import { say } from './progress.ts';

/**
 * What to undo, in reverse order of doing it (the service stops before its topics go, the stack goes last). Runs
 * once, whether the bench finished, failed or was interrupted; a failing step is reported and the rest still run.
 */
export class CleanupStack {
  readonly #steps: Array<{ name: string; undo: () => Promise<unknown> }> = [];
  #ran: Promise<void> | undefined;

  push(name: string, undo: () => Promise<unknown>): void {
    this.#steps.push({ name, undo });
  }

  runAll(): Promise<void> {
    this.#ran ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step.undo();
        } catch (error) {
          say(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#ran;
  }
}
