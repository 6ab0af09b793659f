import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { opportunityOf } from '../../../src/core/policy.ts';
import { ReportInputError, readAlerts, readSummary } from '../../../src/report/read.ts';
import { runReport } from '../../../src/report/run.ts';
import { parseReportOptions } from '../../../src/cli/report-command.ts';
import { ConfigError } from '../../../src/config/env.ts';
import { alert, churnAlert, MONDAY } from './fixtures.ts';

const rulesFile = fileURLToPath(new URL('../../../rules/default.yaml', import.meta.url));

const summary = {
  events: 1_000,
  customers: 10,
  profiles: 10,
  transactions: { applied: 1_000 },
  publishedRecords: 4,
  firstEventTime: '2025-03-01T08:00:00.000Z',
  lastEventTime: '2025-04-30T08:00:00.000Z',
  endedAt: '2025-04-30T21:59:59.999Z',
  rmLoad: { rms: 2, weeks: 9, median: 0, max: 2, busiest: { rmId: 'RM0001', week: '2025-W10' }, unassigned: 0 },
  run: { input: 'x', format: 'jsonl', store: 'in memory', reorder: null },
};

describe('report input', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tidewatch-report-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function alertsFile(lines: readonly string[]): Promise<string> {
    const path = join(folder, 'alerts.jsonl');
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('reads what the replay writes: RM and risk alerts, campaign records', async () => {
    const outflow = alert();
    const upgrade = alert({ kind: 'UPGRADE_ELIGIBLE' });
    const path = await alertsFile([
      JSON.stringify({ feed: 'rm', alert: outflow }),
      JSON.stringify({ feed: 'risk', alert: outflow }),
      JSON.stringify({ feed: 'risk', alert: alert({ kind: 'LEAKAGE', priority: 'LOW' }) }),
      '',
      JSON.stringify({ feed: 'campaign', alert: opportunityOf(upgrade) }),
    ]);
    const log = await readAlerts(path);
    expect(log.rm.map((entry) => entry.kind)).toEqual(['LARGE_OUTFLOW']);
    expect(log.riskOnly.map((entry) => entry.kind)).toEqual(['LEAKAGE']);
    expect(log.riskByKind).toEqual({ LARGE_OUTFLOW: 1, LEAKAGE: 1 });
    expect(log.campaignByKind).toEqual({ UPGRADE_ELIGIBLE: 1 });
  });

  it('refuses a bad line, naming the file and the line', async () => {
    const good = JSON.stringify({ feed: 'rm', alert: alert() });
    await expect(readAlerts(await alertsFile([good, '{"feed":"rm","alert":{"kind":"NOPE"}}']))).rejects.toThrow(/alerts\.jsonl:2: not a published alert record: alert\./);
    await expect(readAlerts(await alertsFile([good, good, '{oops']))).rejects.toThrow(ReportInputError);
    await expect(readAlerts(await alertsFile(['{oops']))).rejects.toThrow(/alerts\.jsonl:1: not JSON/);
  });

  it('reads a replay summary, whatever else it holds', async () => {
    const path = join(folder, 'summary.json');
    await writeFile(path, JSON.stringify(summary));
    expect((await readSummary(path)).rmLoad.rms).toBe(2);
    await writeFile(path, JSON.stringify({ ...summary, events: 'many' }));
    await expect(readSummary(path)).rejects.toThrow(/not a replay summary: events/);
  });

  it('writes the page from the files (tidewatch report)', async () => {
    const alerts = await alertsFile([JSON.stringify({ feed: 'rm', alert: alert() }), JSON.stringify({ feed: 'rm', alert: churnAlert('C0000002', 66, MONDAY) })]);
    const summaryPath = join(folder, 'summary.json');
    await writeFile(summaryPath, JSON.stringify(summary));
    const out = join(folder, 'report.html');
    const run = await runReport({ alerts, summary: summaryPath, rulesFile, out, title: 'March' });
    expect(run.rmAlerts).toBe(2);
    const page = await readFile(out, 'utf8');
    expect(page).toContain('<title>March</title>');
    expect(page).toContain('2025-03-01 – 2025-04-30');
    expect(page).toContain('rules test-rules');
    await expect(runReport({ alerts: join(folder, 'missing.jsonl'), summary: null, rulesFile, out, title: 'x' })).rejects.toThrow(/missing\.jsonl: no such file/);
  });

  it('checks its options', () => {
    expect(parseReportOptions({ alerts: 'a.jsonl' }, {})).toMatchObject({ alerts: 'a.jsonl', summary: null, out: 'tidewatch-report.html' });
    expect(() => parseReportOptions({}, {})).toThrow(ConfigError);
  });
});
