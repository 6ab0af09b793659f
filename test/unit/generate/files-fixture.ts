import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../../src/generate/run.ts';
import type { GenerateSummary } from '../../../src/generate/run.ts';
import type { BankOptions } from '../../../src/generate/options.ts';

export interface GeneratedFiles {
  folder: string;
  summary: GenerateSummary;
  read(name: string): Promise<string>;
  lines(name: string): Promise<string[]>;
  remove(): Promise<void>;
}

/** Runs the generator as the CLI does (to JSON Lines, quietly) into a fresh temporary folder. */
export async function generateFiles(bank: BankOptions): Promise<GeneratedFiles> {
  const folder = await mkdtemp(join(tmpdir(), 'tidewatch-generate-'));
  const summary = await generate(
    { bank, out: folder, to: 'jsonl', rate: null, quiet: true },
    { env: {}, stdout: () => {}, stderr: () => {}, stderrIsTTY: false },
  );
  const read = (name: string) => readFile(join(folder, name), 'utf8');
  return {
    folder,
    summary,
    read,
    lines: async (name) => (await read(name)).split('\n').filter((line) => line !== ''),
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}
