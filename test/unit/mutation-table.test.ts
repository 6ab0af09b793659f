import { describe, expect, it } from 'vitest';
import { formatSurvivors, formatTable, reportSchema, scoreFiles } from '../../scripts/mutation-table.ts';

const at = (line: number, from: number, to: number) => ({ start: { line, column: from }, end: { line, column: to } });
const report = reportSchema.parse({
  schemaVersion: '2',
  files: {
    'src/core/b.ts': {
      language: 'typescript',
      source: 'const x = a >= b;\nreturn x;',
      mutants: [
        { id: '1', mutatorName: 'EqualityOperator', replacement: 'a > b', status: 'Survived', location: at(1, 11, 17) },
        { id: '2', mutatorName: 'BooleanLiteral', replacement: 'false', status: 'Killed', location: at(1, 11, 17) },
        { id: '3', mutatorName: 'BlockStatement', replacement: '{}', status: 'NoCoverage', location: at(2, 1, 10) },
        { id: '4', mutatorName: 'StringLiteral', replacement: '""', status: 'Timeout', location: at(2, 1, 10) },
        { id: '5', mutatorName: 'StringLiteral', replacement: '""', status: 'CompileError', location: at(2, 1, 10) },
      ],
    },
    'src/core/a.ts': { language: 'typescript', source: '', mutants: [] },
  },
});

describe('the per-file mutation table', () => {
  it('scores detected (killed + timeout) over valid mutants, per file in path order, with a total', () => {
    expect(scoreFiles(report)).toEqual([
      { file: 'src/core/a.ts', killed: 0, timeout: 0, survived: 0, noCoverage: 0, score: null },
      { file: 'src/core/b.ts', killed: 1, timeout: 1, survived: 1, noCoverage: 1, score: 50 },
    ]);
    expect(formatTable(scoreFiles(report)).split('\n')).toEqual([
      '| file | score % | killed | timeout | survived | no coverage |',
      '|---|---:|---:|---:|---:|---:|',
      '| src/core/a.ts | n/a | 0 | 0 | 0 | 0 |',
      '| src/core/b.ts | 50.0 | 1 | 1 | 1 | 1 |',
      '| all files | 50.0 | 1 | 1 | 1 | 1 |',
    ]);
  });

  it('lists surviving and uncovered mutants with the code they change', () => {
    expect(formatSurvivors(report, 'b.ts')).toEqual([
      'src/core/b.ts:1:11 EqualityOperator: a >= b → a > b',
      'src/core/b.ts:2:1 (no coverage) BlockStatement: return x; → {}',
    ]);
    expect(formatSurvivors(report, 'a.ts')).toEqual([]);
  });
});
