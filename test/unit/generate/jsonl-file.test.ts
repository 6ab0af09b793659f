import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonLinesFile } from '../../../src/generate/jsonl-file.ts';

describe('JsonLinesFile', { timeout: 60_000 }, () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tidewatch-jsonl-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('shows the file under its name only once it is complete, every line whole', async () => {
    const file = new JsonLinesFile(join(folder, 'out.jsonl'));
    const lines = Array.from({ length: 50_000 }, (_, index) => JSON.stringify({ index, text: `línea ${'x'.repeat(index % 300)} ✓` }));
    await file.addAll(lines.slice(0, 25_000));
    expect(await readdir(folder)).not.toContain('out.jsonl');
    await file.addAll(lines.slice(25_000));
    await file.close();
    expect(await readdir(folder)).toEqual(['out.jsonl']);
    expect(await readFile(join(folder, 'out.jsonl'), 'utf8')).toBe(`${lines.join('\n')}\n`);
  });

  it('leaves nothing behind when discarded', async () => {
    const file = new JsonLinesFile(join(folder, 'out.jsonl'));
    await file.addAll(['{"a":1}']);
    await file.discard();
    expect(await readdir(folder)).toEqual([]);
  });
});
