import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { businessCalendar } from '../../src/core/calendar.ts';
import type { CoreContext } from '../../src/core/processor.ts';
import { processTransactions } from '../../src/core/processor.ts';
import { parseRules } from '../../src/core/rules.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { Metrics } from '../../src/observability/metrics.ts';
import { startRulesReloader } from '../../src/service/rules-reload.ts';
import type { RulesReloader } from '../../src/service/rules-reload.ts';
import { Ledger, MemoryStore, czk, pragueWinter, recordsOf, seededState } from '../support/core-fixtures.ts';

const defaultText = readFileSync(fileURLToPath(new URL('../../rules/default.yaml', import.meta.url)), 'utf8');

/** The default rules with a change made to their parsed form, as YAML again. */
function edited(change: (raw: Record<string, any>) => void): string {
  const raw = parseYaml(defaultText) as Record<string, any>;
  change(raw);
  return stringify(raw);
}

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

let dir: string;
let file: string;
let core: CoreContext;
let metrics: Metrics;
let logs: LogLine[];
let reloader: RulesReloader | undefined;

const logger = () => pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
const start = (options: { pollIntervalMs?: number; signal?: NodeJS.Signals | null } = {}) => {
  reloader = startRulesReloader({ file, core, logger: logger(), metrics, pollIntervalMs: options.pollIntervalMs ?? 60_000, signal: options.signal ?? null });
  return reloader;
};
const rulesInfo = async () => (await metrics.rulesInfo.get()).values.map((sample) => [sample.labels.version, sample.value]);
const failures = async () => (await metrics.rulesReloadFailures.get()).values[0]?.value ?? 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidewatch-rules-'));
  file = join(dir, 'rules.yaml');
  writeFileSync(file, defaultText);
  const rules = parseRules(defaultText, file);
  core = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: 'rm-unassigned' };
  metrics = createMetrics();
  logs = [];
});

afterEach(() => {
  reloader?.stop();
  reloader = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('rules reloader', () => {
  it('starts with the running rules: nothing reloaded, the version shown by tidewatch_rules_info', async () => {
    const running = core.rules;
    expect(start().check()).toBe('unchanged');
    expect(core.rules).toBe(running);
    expect(await rulesInfo()).toEqual([[running.version, 1]]);
    expect(logs.filter((line) => line.msg === 'rules reloaded')).toEqual([]);
  });

  it('picks up a valid change: core.rules replaced in place, { from, to } logged, the gauge moved to the new version', async () => {
    const reloader = start();
    const before = core.rules.version;
    writeFileSync(file, edited((raw) => ((raw.version = 'test.2'), (raw.leakage.minAmountMinor = 100_000))));
    expect(reloader.check()).toBe('reloaded');
    expect(core.rules.version).toBe('test.2');
    expect(core.rules.leakage.minAmountMinor).toBe(100_000);
    expect(logs.find((line) => line.msg === 'rules reloaded')).toMatchObject({ from: before, to: 'test.2', file });
    expect(await rulesInfo()).toEqual([['test.2', 1]]);
    expect(reloader.check()).toBe('unchanged');
  });

  it('refuses an invalid change: the running rules stay, the problem is logged by key path and counted', async () => {
    const reloader = start();
    const running = core.rules;
    writeFileSync(file, edited((raw) => ((raw.version = 'test.broken'), (raw.largeOutflow.single.shareOfBalanceBp = -1))));
    expect(reloader.check()).toBe('refused');
    expect(core.rules).toBe(running);
    expect(await failures()).toBe(1);
    expect(await rulesInfo()).toEqual([[running.version, 1]]);
    const refusal = logs.find((line) => line.msg.startsWith('rules file refused'));
    expect(refusal).toMatchObject({ level: 50, file, running: running.version });
    expect(refusal?.problems).toEqual([expect.stringMatching(/^largeOutflow\.single\.shareOfBalanceBp: /)]);

    // not YAML at all, then a missing file: refused the same way
    writeFileSync(file, 'version: "x\ncurrency: [CZK');
    expect(reloader.check()).toBe('refused');
    rmSync(file);
    expect(reloader.check()).toBe('refused');
    expect(core.rules).toBe(running);
    expect(await failures()).toBe(3);

    // fixed: taken
    writeFileSync(file, edited((raw) => (raw.version = 'test.fixed')));
    expect(reloader.check()).toBe('reloaded');
    expect(core.rules.version).toBe('test.fixed');
  });

  it('replaces the calendar only when the time zone changed', () => {
    const reloader = start();
    const calendar = core.calendar;
    writeFileSync(file, edited((raw) => ((raw.version = 'test.2'), (raw.allowedLatenessDays = 3))));
    reloader.check();
    expect(core.calendar).toBe(calendar);
    writeFileSync(file, edited((raw) => ((raw.version = 'test.3'), (raw.timeZone = 'Asia/Shanghai'))));
    reloader.check();
    expect(core.calendar.timeZone).toBe('Asia/Shanghai');
    expect(logs.find((line) => line.to === 'test.3')).toMatchObject({ timeZone: { from: 'Europe/Prague', to: 'Asia/Shanghai' } });
  });

  it('warns when the rules changed but their version did not', () => {
    const reloader = start();
    writeFileSync(file, edited((raw) => (raw.leakage.minAmountMinor = 100_000)));
    expect(reloader.check()).toBe('reloaded');
    expect(logs.some((line) => line.level === 40 && /version did not/.test(line.msg))).toBe(true);
  });

  it('a comment-only edit reloads nothing', () => {
    const reloader = start();
    const running = core.rules;
    writeFileSync(file, `${defaultText}\n# touched\n`);
    expect(reloader.check()).toBe('unchanged');
    expect(core.rules).toBe(running);
  });

  it('sees a ConfigMap update (the ..data symlink swapped) by polling', async () => {
    // the kubelet's layout: rules.yaml -> ..data/rules.yaml, ..data -> ..v1; an update writes ..v2 and renames a new
    // ..data link over the old one
    mkdirSync(join(dir, '..v1'));
    writeFileSync(join(dir, '..v1', 'cm.yaml'), defaultText);
    symlinkSync('..v1', join(dir, '..data'));
    file = join(dir, 'cm.yaml');
    symlinkSync('..data/cm.yaml', file);
    start({ pollIntervalMs: 20 });

    mkdirSync(join(dir, '..v2'));
    writeFileSync(join(dir, '..v2', 'cm.yaml'), edited((raw) => (raw.version = 'test.configmap')));
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    await vi.waitFor(() => expect(core.rules.version).toBe('test.configmap'), { timeout: 3_000, interval: 20 });
    expect(logs.find((line) => line.msg === 'rules reloaded')).toMatchObject({ trigger: 'poll', to: 'test.configmap' });
  });

  it('checks at once on SIGHUP, and stops listening when stopped', () => {
    const reloader = start({ signal: 'SIGHUP' });
    writeFileSync(file, edited((raw) => (raw.version = 'test.hup')));
    process.emit('SIGHUP', 'SIGHUP');
    expect(core.rules.version).toBe('test.hup');
    expect(logs.find((line) => line.msg === 'rules reloaded')).toMatchObject({ trigger: 'signal' });

    reloader.stop();
    writeFileSync(file, edited((raw) => (raw.version = 'test.after-stop')));
    process.emit('SIGHUP', 'SIGHUP');
    expect(reloader.check()).toBe('unchanged');
    expect(core.rules.version).toBe('test.hup');
  });

  it('alerts raised after a reload carry the new version and follow the new thresholds', () => {
    const reloader = start();
    const store = new MemoryStore().seed(seededState({ balances: { 'a-1': czk(1_000_000) }, since: pragueWinter('2023-11-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(1_000_000) });
    const run = (amount: number, offset: number) => {
      const records = recordsOf([ledger.debit(amount, pragueWinter('2024-01-10', `1${offset}:00`), { counterpartyKind: 'OTHER_BANK' })], { firstOffset: offset });
      const result = processTransactions(store.load(['c-1']), records, { partition: 0, firstOffset: offset, timerScope: 'tx/0', detectedAt: 0 }, core);
      store.commit(result.writes, result.timers);
      return result.emissions.map((emission) => [emission.alert.kind, emission.alert.rulesVersion]);
    };

    const oldVersion = core.rules.version;
    // 2,000 CZK to another bank: under the default's leakage floor (5,000 CZK); other alerts (an upgrade) may come
    const before = run(czk(2_000), 0);
    expect(before.filter(([kind]) => kind === 'LEAKAGE')).toEqual([]);
    expect(before.every(([, version]) => version === oldVersion)).toBe(true);

    writeFileSync(file, edited((raw) => ((raw.version = 'test.low-leakage'), (raw.leakage.minAmountMinor = czk(1_000)))));
    expect(reloader.check()).toBe('reloaded');
    const after = run(czk(2_000), 1);
    expect(after).toContainEqual(['LEAKAGE', 'test.low-leakage']);
    expect(after.every(([, version]) => version === 'test.low-leakage')).toBe(true);
  });
});
