/**
 * Prints the per-file table of the last `npm run mutate` from its JSON report (reports/mutation/mutation.json),
 * as Markdown, and optionally the surviving mutants.
 *
 *   npm run mutate:table                       # file | score | killed | timeout | survived | no coverage
 *   npm run mutate:table -- --survivors        # and every surviving or uncovered mutant, file:line, what changed
 *   npm run mutate:table -- --survivors tiers  # ... only in files whose path contains "tiers"
 *
 * Score as Stryker counts it: detected (killed + timeout) over valid mutants (detected + survived + no coverage).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const position = z.object({ line: z.number().int(), column: z.number().int() });
const mutantSchema = z.object({
  id: z.string(),
  mutatorName: z.string(),
  replacement: z.string().optional(),
  status: z.string(),
  location: z.object({ start: position, end: position }),
});
/** The part of mutation-testing-report-schema this script reads. */
export const reportSchema = z.object({
  files: z.record(z.string(), z.object({ source: z.string(), mutants: z.array(mutantSchema) })),
});
export type MutationReport = z.infer<typeof reportSchema>;

export type FileScore = {
  file: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** null when the file has no valid mutant */
  score: number | null;
};

export function scoreFiles(report: MutationReport): FileScore[] {
  return Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const count = (status: string) => mutants.filter((mutant) => mutant.status === status).length;
      const killed = count('Killed');
      const timeout = count('Timeout');
      const survived = count('Survived');
      const noCoverage = count('NoCoverage');
      const valid = killed + timeout + survived + noCoverage;
      return { file, killed, timeout, survived, noCoverage, score: valid === 0 ? null : ((killed + timeout) / valid) * 100 };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

function total(rows: FileScore[]): FileScore {
  const sum = (key: 'killed' | 'timeout' | 'survived' | 'noCoverage') => rows.reduce((acc, row) => acc + row[key], 0);
  const [killed, timeout, survived, noCoverage] = [sum('killed'), sum('timeout'), sum('survived'), sum('noCoverage')];
  const valid = killed + timeout + survived + noCoverage;
  return { file: 'all files', killed, timeout, survived, noCoverage, score: valid === 0 ? null : ((killed + timeout) / valid) * 100 };
}

export function formatTable(rows: FileScore[]): string {
  const line = (row: FileScore) =>
    `| ${row.file} | ${row.score === null ? 'n/a' : row.score.toFixed(1)} | ${row.killed} | ${row.timeout} | ${row.survived} | ${row.noCoverage} |`;
  return [
    '| file | score % | killed | timeout | survived | no coverage |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(line),
    ...(rows.length > 1 ? [line(total(rows))] : []),
  ].join('\n');
}

/** Surviving and uncovered mutants as `file:line:column mutator: original → replacement`. */
export function formatSurvivors(report: MutationReport, fileFilter = ''): string[] {
  const lines: string[] = [];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    if (!file.includes(fileFilter)) continue;
    const sourceLines = source.split('\n');
    for (const mutant of mutants) {
      if (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage') continue;
      const { start, end } = mutant.location;
      const original =
        start.line === end.line
          ? (sourceLines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1)
          : `${(sourceLines[start.line - 1] ?? '').slice(start.column - 1)} …`;
      const shorten = (text: string) => text.replace(/\s+/g, ' ').slice(0, 100);
      lines.push(
        `${file}:${start.line}:${start.column} ${mutant.status === 'NoCoverage' ? '(no coverage) ' : ''}${mutant.mutatorName}: ` +
          `${shorten(original)} → ${shorten(mutant.replacement ?? '')}`,
      );
    }
  }
  return lines;
}

function main(args: string[]): void {
  const at = args.indexOf('--survivors');
  const reportFile = fileURLToPath(new URL('../reports/mutation/mutation.json', import.meta.url));
  const report = reportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8')));
  console.log(formatTable(scoreFiles(report)));
  if (at >= 0) {
    console.log('');
    for (const line of formatSurvivors(report, args[at + 1] ?? '')) console.log(line);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
