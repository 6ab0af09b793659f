import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_START } from '../../../src/backtest/bank-options.ts';
import { readLabels } from '../../../src/backtest/bank-source.ts';
import type { BacktestResult } from '../../../src/backtest/result.ts';
import { runBacktest } from '../../../src/backtest/run.ts';
import { parseBacktestOptions } from '../../../src/cli/backtest-command.ts';
import { ConfigError } from '../../../src/config/env.ts';
import type { BankOptions } from '../../../src/generate/options.ts';
import { generate } from '../../../src/generate/run.ts';

const rulesFile = fileURLToPath(new URL('../../../rules/default.yaml', import.meta.url));
const DAY = 86_400_000;
const TODAY = Math.floor(Date.parse('2026-11-01T00:00:00Z') / DAY);

const bank: BankOptions = {
  customers: 150,
  months: 6,
  start: '2024-01-01',
  seed: 11,
  currency: 'CZK',
  churnShare: 0.2,
  growShare: 0.12,
  rms: 3,
  tierFloorsMinor: { GOLD: 10_000_000, PLATINUM: 30_000_000, BLACK_GOLD: 100_000_000 },
};

const window = { beforeDays: 30, afterDays: 90 };

// real work (generates a bank and backtests it, also from files): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('tidewatch backtest', { timeout: 120_000 }, () => {
  let folder: string;
  let printed = '';
  let first: BacktestResult;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tidewatch-backtest-'));
    first = await runBacktest(
      { source: { kind: 'generated', bank }, rulesFile, window, json: join(folder, 'first.json'), report: join(folder, 'report.html'), quiet: false },
      { stdout: (text) => (printed += text), stderr: () => {}, stderrIsTTY: false },
    );
  }, 300_000); // a replay of a small bank: seconds alone, minutes on a loaded 2-core machine
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('prints a row per scored kind and per outcome, and the RM load', () => {
    for (const name of ['LARGE_OUTFLOW', 'CUMULATIVE_OUTFLOW', 'LEAKAGE', 'DORMANCY', 'DOWNGRADE_RISK', 'CHURN_RISK', 'LARGE_INFLOW', 'CUMULATIVE_INFLOW', 'UPGRADE_ELIGIBLE', 'IDLE_FUNDS', 'any churn kind', 'any grow kind']) {
      expect(printed).toMatch(new RegExp(`^${name}\\s`, 'm'));
    }
    expect(printed).toMatch(/^kind\s+outcome\s+feed\s+alerts\s+customers\s+precision\s+alert prec\.\s+recall\s+lead median\s+lead p10\s+per RM-week$/m);
    expect(printed).toMatch(/^recall by pattern \(churn\)\s+gradual_leakage \(\d+\)/m);
    expect(printed).toMatch(/^RM load: 3 RMs × \d+ ISO weeks: median [\d.]+, p90 [\d.]+, max \d+ alerts per RM-week/m);
  });

  it('counts the labels and catches some of them', () => {
    expect(first.population).toMatchObject({ customers: 150, labelled: { churn: 30, grow: 18 } });
    const churn = first.any.find((row) => row.outcome === 'churn')!;
    expect(churn.recall).toBeGreaterThan(0.3);
    for (const row of [...first.kinds, ...first.any]) {
      const shares = [row.precision, row.alertPrecision, row.recall].filter((value): value is number => value !== null);
      expect(shares.every((value) => value >= 0 && value <= 1)).toBe(true);
      expect(row.precision === null).toBe(row.customers === 0);
    }
  });

  it('counts the kinds no label speaks for, from the bank\'s product events and RM changes: MATURITY and RM_HANDOVER', () => {
    expect(first.unscored.map((row) => row.kind)).toEqual(['MATURITY', 'RM_HANDOVER']);
    for (const row of first.unscored) {
      expect(row.alerts).toBeGreaterThan(0);
      expect(row.customers).toBeGreaterThan(0);
      expect(row.customers).toBeLessThanOrEqual(row.alerts);
      expect(row.perRmWeek).toBeGreaterThan(0);
      expect(printed).toMatch(new RegExp(`^${row.kind}\\s+rm\\s+${row.alerts}\\s+${row.customers}\\s+${row.perRmWeek!.toFixed(2)}$`, 'm'));
    }
    expect(printed).toMatch(/^not scored \(predict neither outcome\)\s+feed\s+alerts\s+customers\s+per RM-week$/m);
    expect(first.kinds.map((row) => row.name)).not.toContain('MATURITY');
  });

  it('writes the report with the backtest table', async () => {
    const page = await readFile(join(folder, 'report.html'), 'utf8');
    expect(page).toContain('<section id="backtest">');
    expect(page).toContain('any churn kind');
  });

  it('gives the same result from the files `tidewatch generate` writes, byte for byte but for the source line', async () => {
    const generated = join(folder, 'bank');
    await generate({ bank, out: generated, to: 'jsonl', rate: null, quiet: true }, { env: {}, stdout: () => {}, stderr: () => {}, stderrIsTTY: false });
    const json = join(folder, 'second.json');
    const second = await runBacktest({ source: { kind: 'folder', path: generated }, rulesFile, window, json, report: null, quiet: true }, { stdout: () => {}, stderr: () => {}, stderrIsTTY: false });
    expect(second.source).toBe(`folder ${generated}`);
    expect({ ...second, source: '' }).toEqual({ ...first, source: '' });
    const [one, two] = await Promise.all([readFile(join(folder, 'first.json'), 'utf8'), readFile(json, 'utf8')]);
    expect(two.replace(second.source, '')).toBe(one.replace(first.source, ''));
  }, 300_000);

  it('refuses a labels file with a bad line, naming the line', async () => {
    const path = join(folder, 'labels.jsonl');
    await writeFile(path, '{"customerId":"C1","outcome":"churn","pattern":"sudden_exit","date":0,"endDate":0}\n{"customerId":"C2","outcome":"grow","pattern":"sudden_exit","date":0,"endDate":null}\n');
    await expect(readLabels(path)).rejects.toThrow(/labels\.jsonl:2: not a label: outcome: pattern does not belong to the outcome/);
  });

  it('checks its options: a generated bank by default, from a fixed day', () => {
    const request = parseBacktestOptions({}, {}, TODAY);
    expect(request.source).toMatchObject({ kind: 'generated', bank: { customers: 1000, months: 18, start: DEFAULT_START, seed: 42, rms: 4 } });
    expect(request.window).toEqual(window);
    expect(parseBacktestOptions({ input: 'dir', windowAfterDays: '60' }, {}, TODAY)).toMatchObject({ source: { kind: 'folder', path: 'dir' }, window: { beforeDays: 30, afterDays: 60 } });
    expect(() => parseBacktestOptions({ input: 'dir', customers: '10' }, {}, TODAY)).toThrow(/--customers: applies to a generated bank/);
    expect(() => parseBacktestOptions({ start: '2026-10-01' }, {}, TODAY)).toThrow(ConfigError);
    expect(() => parseBacktestOptions({ churnShare: '80%', growShare: '30%' }, {}, TODAY)).toThrow(/--grow-share/);
  });
});
