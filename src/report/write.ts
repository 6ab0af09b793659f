import { rename, writeFile } from 'node:fs/promises';
import type { ReportData } from './model.ts';
import { renderReport } from './render.ts';

/** Renders the report and writes it under a `.partial` name first, so a reader never opens half a page. */
export async function writeReport(path: string, data: ReportData): Promise<void> {
  const partial = `${path}.partial`;
  await writeFile(partial, renderReport(data));
  await rename(partial, path);
}
