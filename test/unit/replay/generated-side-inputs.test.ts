import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/domain/alert.ts';
import { runReplay } from '../../../src/replay/run.ts';
import { generateFiles } from '../generate/files-fixture.ts';
import type { GeneratedFiles } from '../generate/files-fixture.ts';
import { smallBank } from '../generate/bank-fixture.ts';
import { quietOutput, replayRequest } from '../../support/replay-request.ts';


async function rmAlerts(path: string): Promise<Alert[]> {
  const records = (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { feed: string; alert: Alert });
  return records.filter((record) => record.feed === 'rm').map((record) => record.alert);
}

// real work (generates a 300-customer bank to files, then replays it twice): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('replay of a generated folder: its product events and RM changes', { timeout: 120_000 }, () => {
  let files: GeneratedFiles;
  beforeAll(async () => {
    files = await generateFiles(smallBank({ customers: 300, months: 6, rms: 3 }));
  });
  afterAll(async () => files.remove());

  it('picks products.jsonl and profile-updates.jsonl up by itself: MATURITY and RM_HANDOVER alerts', async () => {
    const out = join(files.folder, 'alerts.jsonl');
    const { summary } = await runReplay(replayRequest({ input: files.folder }, out), quietOutput);
    expect(summary.productEvents).toBe((await files.lines('products.jsonl')).length);
    expect(summary.profileUpdates).toBe((await files.lines('profile-updates.jsonl')).length);
    expect(summary.deadLetters.total).toBe(0);
    const alerts = await rmAlerts(out);
    const maturities = alerts.filter((alert) => alert.kind === 'MATURITY');
    const handovers = alerts.filter((alert) => alert.kind === 'RM_HANDOVER');
    expect(maturities.length).toBeGreaterThanOrEqual(1);
    expect(handovers.length).toBeGreaterThanOrEqual(1);
    expect(maturities[0]!.reason).toMatch(/^Time deposit of .* matures on \d{4}-\d{2}-\d{2} without auto-rollover/);
    // a departure goes to the unassigned queue, the successor then hears of it too
    expect(handovers.some((alert) => /has left the bank/.test(alert.reason))).toBe(true);
    expect(handovers.some((alert) => /^Handed over to you from RM\d{4}/.test(alert.reason) && alert.rmId !== null)).toBe(true);
  });

  it('lets named files win over the folder\'s own', async () => {
    const empty = join(files.folder, 'none.jsonl');
    await writeFile(empty, '');
    const out = join(files.folder, 'alerts-without.jsonl');
    const { summary } = await runReplay(replayRequest({ input: files.folder, products: empty, profileUpdates: empty }, out), quietOutput);
    expect(summary).toMatchObject({ productEvents: 0, profileUpdates: 0 });
    const kinds = new Set((await rmAlerts(out)).map((alert) => alert.kind));
    expect(kinds.has('MATURITY')).toBe(false);
    expect(kinds.has('RM_HANDOVER')).toBe(false);
  });
});
