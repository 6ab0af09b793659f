import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { generateFiles } from './files-fixture.ts';
import type { GeneratedFiles } from './files-fixture.ts';
import { smallBank } from './bank-fixture.ts';
import { drawBankProfile } from '../../../src/generate/family.ts';

const names = ['profiles.jsonl', 'transactions.jsonl', 'products.jsonl', 'profile-updates.jsonl', 'labels.jsonl', 'manifest.json'];

async function digests(files: GeneratedFiles): Promise<Record<string, string>> {
  const entries = await Promise.all(names.map(async (name) => [name, createHash('sha256').update(await files.read(name)).digest('hex')] as const));
  return Object.fromEntries(entries);
}

// real work (generates the same bank more than once, to files): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('generate is deterministic', { timeout: 120_000 }, () => {
  const runs: GeneratedFiles[] = [];
  afterAll(async () => {
    await Promise.all(runs.map((run) => run.remove()));
  });

  it('writes byte-identical files for the same options, and different ones for another seed', async () => {
    const options = smallBank({ customers: 150, months: 6 });
    const first = await generateFiles(options);
    const second = await generateFiles(options);
    const otherSeed = await generateFiles({ ...options, seed: options.seed + 1 });
    runs.push(first, second, otherSeed);

    const firstDigests = await digests(first);
    expect(await digests(second)).toEqual(firstDigests);
    const otherDigests = await digests(otherSeed);
    for (const name of names) {
      expect(otherDigests[name], name).not.toBe(firstDigests[name]);
    }
    expect(first.summary.transactions).toBeGreaterThan(10_000);
    expect(first.summary.productEvents).toBeGreaterThan(0);
    expect(first.summary.profileUpdates).toBeGreaterThan(0);
  }, 180_000);

  it('writes byte-identical files for a bank of a family (scaled, its own stamps and salary cycles)', async () => {
    // bank 1 of family 5 stamps in processing order and pays some salaries semi-monthly
    const { options } = drawBankProfile(5, 1, { customers: 100, months: 4 });
    expect(options.balanceStamps?.order).toBe('processing_order');
    const first = await generateFiles(options);
    const second = await generateFiles(options);
    runs.push(first, second);
    expect(await digests(second)).toEqual(await digests(first));
  }, 180_000);
});
