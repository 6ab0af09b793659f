import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { businessCalendar } from '../core/calendar.ts';
import type { CoreContext } from '../core/processor.ts';
import { parseRules } from '../core/rules.ts';
import type { Rules } from '../core/rules.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

/**
 * Reloads the rules file without a restart. The file is polled (stat every `pollIntervalMs`): that sees a
 * Kubernetes ConfigMap update, which swaps a symlink rather than writing the file, where inotify-based watching
 * does not. SIGHUP asks for a check at once.
 *
 * A valid new file replaces `core.rules` (and `core.calendar` when the time zone changed) in place: the pipeline
 * reads `deps.core` for every batch, and the core reads it synchronously within one, so a batch runs under one
 * version of the rules and the next batch under the new one. An invalid or unreadable file changes nothing: the
 * running rules stay, the problems are logged with their key paths and tidewatch_rules_reload_failures_total counts
 * the refusal. tidewatch_rules_info{version} is 1 for the version in force.
 */
export interface RulesReloaderOptions {
  file: string;
  /** Updated in place: its holders (the pipeline, the features route) see the new rules on their next read. */
  core: CoreContext;
  logger: Logger;
  metrics: Pick<Metrics, 'rulesInfo' | 'rulesReloadFailures'>;
  /** How often the file is stat'ed (ms). */
  pollIntervalMs?: number;
  /** The signal that asks for a check at once; null for none. */
  signal?: NodeJS.Signals | null;
}

export type ReloadTrigger = 'start' | 'poll' | 'signal' | 'manual';
export type ReloadOutcome = 'reloaded' | 'unchanged' | 'refused';

export interface RulesReloader {
  /** Reads the file now and applies it if it is valid and differs from the rules in force. Never throws. */
  check(trigger?: ReloadTrigger): ReloadOutcome;
  /** Stops polling and listening for the signal. */
  stop(): void;
}

export const DEFAULT_POLL_INTERVAL_MS = 2_000;

export function startRulesReloader(options: RulesReloaderOptions): RulesReloader {
  const { file, core, logger, metrics } = options;
  const signal = options.signal === undefined ? 'SIGHUP' : options.signal;
  let stopped = false;
  showVersion(metrics, core.rules.version);

  const refuse = (trigger: ReloadTrigger, error: unknown): ReloadOutcome => {
    metrics.rulesReloadFailures.inc();
    const message = error instanceof Error ? error.message : String(error);
    // parseRules puts one `key.path: problem` per line after its first
    const problems = message.split('\n').slice(1).map((line) => line.trim()).filter((line) => line !== '');
    logger.error({ file, trigger, running: core.rules.version, err: message, problems }, 'rules file refused: the running rules stay in force');
    return 'refused';
  };

  const check = (trigger: ReloadTrigger = 'manual'): ReloadOutcome => {
    if (stopped) return 'unchanged';
    let next: Rules;
    try {
      next = parseRules(readFileSync(file, 'utf8'), file, dirname(file));
    } catch (error) {
      return refuse(trigger, error);
    }
    const running = core.rules;
    if (isDeepStrictEqual(next, running)) {
      if (trigger === 'signal') logger.info({ file, version: running.version }, 'rules file unchanged');
      return 'unchanged';
    }
    try {
      const calendar = next.timeZone === running.timeZone ? core.calendar : businessCalendar(next.timeZone);
      // both in one synchronous step: no batch sees the new rules with the old calendar
      core.rules = next;
      core.calendar = calendar;
    } catch (error) {
      return refuse(trigger, error);
    }
    showVersion(metrics, next.version);
    const timeZone = next.timeZone === running.timeZone ? undefined : { from: running.timeZone, to: next.timeZone };
    logger.info({ file, trigger, from: running.version, to: next.version, ...(timeZone && { timeZone }) }, 'rules reloaded');
    if (next.version === running.version) {
      logger.warn({ file, version: next.version }, 'the rules changed but their version did not: alerts stamped with it no longer name one set of rules');
    }
    return 'reloaded';
  };

  const onPoll = (): void => {
    check('poll');
  };
  const onSignal = (): void => {
    check('signal');
  };
  watchFile(file, { persistent: false, interval: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS }, onPoll);
  if (signal !== null) process.on(signal, onSignal);
  // the file may have changed between loading the rules and now
  check('start');

  return {
    check,
    stop() {
      if (stopped) return;
      stopped = true;
      unwatchFile(file, onPoll);
      if (signal !== null) process.off(signal, onSignal);
    },
  };
}

function showVersion(metrics: RulesReloaderOptions['metrics'], version: string): void {
  metrics.rulesInfo.reset();
  metrics.rulesInfo.set({ version }, 1);
}
