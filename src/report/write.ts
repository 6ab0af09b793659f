import { writeOutputFile } from '../generate/output-file.ts';
import type { ReportData } from './model.ts';
import { renderReport } from './render.ts';

/** Renders the report and writes it under a `.partial` name first, so a reader never opens half a page. */
export async function writeReport(path: string, data: ReportData): Promise<void> {
  await writeOutputFile(path, renderReport(data));
}
