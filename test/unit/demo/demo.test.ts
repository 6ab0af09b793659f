import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_START } from '../../../src/backtest/bank-options.ts';
import { parseDemoOptions } from '../../../src/cli/demo-command.ts';
import { ConfigError } from '../../../src/config/env.ts';
import { runDemo } from '../../../src/demo/run.ts';
import type { DemoRun } from '../../../src/demo/run.ts';

const rulesFile = fileURLToPath(new URL('../../../rules/default.yaml', import.meta.url));
const TODAY = Math.floor(Date.parse('2026-11-01T00:00:00Z') / 86_400_000);

// real work (generates, replays and backtests a bank, and renders the report): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('tidewatch demo', { timeout: 120_000 }, () => {
  let folder: string;
  let output = '';
  let run: DemoRun;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tidewatch-demo-'));
    const request = parseDemoOptions({ customers: '160', months: '5', maxAlerts: '10', out: join(folder, 'demo.html'), rules: rulesFile }, {}, TODAY);
    run = await runDemo(request, { stdout: (text) => (output += text) });
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('says what it runs, and that it needs no services', () => {
    expect(output).toMatch(/^tidewatch demo: a synthetic bank of 160 customers and 2 RMs over 5 months from 2025-01-01 \(seed 42\), replayed in memory with rules \S+: no Kafka, no registry, no Redis\./);
  });

  it('prints urgent and high alerts as they fire, one line each, at most the cap, spread over the period', () => {
    const lines = output.split('\n').filter((line) => /^ {2}\d{4}-\d{2}-\d{2} {2}/.test(line));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.length).toBeLessThanOrEqual(10);
    const fields = lines.map((line) => /^ {2}(\d{4}-\d{2}-\d{2}) {2}(RM\d{4}|UNASSIGNED)\s+(C\d+)\s+([A-Z_]+)\s+(URGENT|HIGH)\s+\S/.exec(line));
    expect(fields.every((match) => match !== null)).toBe(true);
    const dates = fields.map((match) => match![1]!);
    expect([...dates].sort()).toEqual(dates); // as they fire
    expect(new Set(dates).size).toBe(dates.length); // one slot of 15 days each (151 days / 10)
    expect(new Set(fields.map((match) => match![3])).size).toBe(lines.length); // never the same customer twice
    fields.slice(1).forEach((match, index) => expect(match![4]).not.toBe(fields[index]![4])); // nor the same kind in a row
    expect(output).toMatch(/^ {2}… and [\d,]+ more urgent or high alerts \(all of them in the report\)$/m);
  });

  it('prints the replay summary and the backtest headline', () => {
    expect(output).toContain('replay of a generated bank of 160 customers × 5 months (synthetic, in memory)');
    expect(output).toMatch(/RM load\s+2 RMs × \d+ ISO weeks/);
    expect(output).toMatch(/^ {2}churn [\d.]+% of \d+ labelled customers caught/m);
    expect(output).toMatch(/^ {2}grow {2}[\d.]+% of \d+ labelled customers caught/m);
    expect(run.summary.events).toBeGreaterThan(1_000);
  });

  it('writes the HTML report and prints where', async () => {
    expect(run.report).toBe(join(folder, 'demo.html'));
    expect(output).toContain(`Report: ${run.report}`);
    const page = await readFile(run.report, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
    expect(page).toContain('<section id="backtest">');
  });

  it('checks its options, with defaults that need nothing', () => {
    expect(parseDemoOptions({}, {}, TODAY)).toMatchObject({ bank: { customers: 600, months: 12, start: DEFAULT_START, seed: 42, rms: 6 }, out: 'tidewatch-demo-report.html', maxAlerts: 24 });
    expect(() => parseDemoOptions({ customers: '0' }, {}, TODAY)).toThrow(ConfigError);
    expect(() => parseDemoOptions({ start: '2026-09-01' }, {}, TODAY)).toThrow(/--start/);
  });
});
