/**
 * What one pass of the service over the input leaves behind, and how a pass under a fault compares with the clean
 * one. Pure: the lanes collect, this judges.
 */
export const feeds = ['rm', 'risk', 'campaign'] as const;
export type FeedName = (typeof feeds)[number];

export interface Outcome {
  /** Per feed, every record published, in order: its id and its content without the detection time. */
  alerts: Record<FeedName, Array<{ id: string; content: string }>>;
  /** Per customer of the clean input: the state that decides future features and alerts, or null when none. */
  states: Map<string, string | null>;
}

export interface Row {
  fault: string;
  missing: number;
  extra: number;
  divergent: number;
  duplicates: number;
  statesEqual: number;
  statesTotal: number;
  /** What happened besides the counts (e.g. kill points reached, records refused). */
  note: string;
  /** The service refused to run on what the fault left (the handled outcome of an untrustworthy store). */
  refused?: boolean;
}

/**
 * missing: alert ids the clean pass published that this pass did not (on the same feed); extra: the reverse;
 * divergent: ids on both whose content differs in any copy (detection time aside); duplicates: copies beyond the
 * first of an id (at-least-once delivery re-sends them, identical: consumers drop them by id); states equal: customers
 * whose stored state equals the clean pass's.
 */
export function compare(fault: string, clean: Outcome, run: Outcome, note = ''): Row {
  let missing = 0;
  let extra = 0;
  let divergent = 0;
  let duplicates = 0;
  for (const feed of feeds) {
    const reference = new Map(clean.alerts[feed].map((alert) => [alert.id, alert.content]));
    const seen = new Map<string, Set<string>>();
    for (const alert of run.alerts[feed]) {
      const contents = seen.get(alert.id);
      if (contents === undefined) seen.set(alert.id, new Set([alert.content]));
      else {
        contents.add(alert.content);
        duplicates += 1;
      }
    }
    const detail = (what: string, content: string | undefined) => {
      if (process.env.CHAOS_DETAIL !== undefined) process.stderr.write(`chaos detail ${fault} ${feed} ${what}: ${content?.slice(0, 400)}\n`);
    };
    for (const [id, content] of reference) if (!seen.has(id)) { missing += 1; detail('missing', content); }
    for (const [id, contents] of seen) {
      const expected = reference.get(id);
      if (expected === undefined) { extra += 1; detail('extra', [...contents][0]); }
      else if (contents.size > 1 || !contents.has(expected)) divergent += 1;
    }
  }
  let statesEqual = 0;
  for (const [customerId, state] of clean.states) if (run.states.get(customerId) === state) statesEqual += 1;
  return { fault, missing, extra, divergent, duplicates, statesEqual, statesTotal: clean.states.size, note };
}

export const isClean = (row: Row) => row.refused === true || (row.missing === 0 && row.extra === 0 && row.divergent === 0 && row.statesEqual === row.statesTotal);

/** One plain-text table, fixed-width, as the README quotes it. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['fault', 'missing', 'extra', 'divergent', 'duplicates', 'states equal', 'note'];
  const lines = rows.map((row) => [row.fault, `${row.missing}`, `${row.extra}`, `${row.divergent}`, `${row.duplicates}`, `${row.statesEqual}/${row.statesTotal}`, row.note]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (column > 0 && column < 6 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' | ')} |`;
  return [format(header), `|${widths.map((width, column) => (column > 0 && column < 6 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`, ...lines.map(format)].join('\n');
}

/** The closing line: which faults still lose, add or change something. */
export function verdict(rows: readonly Row[]): string {
  const failing = rows.filter((row) => !isClean(row)).map((row) => row.fault);
  return failing.length === 0 ? 'every fault handled: nothing missing, extra or divergent, every state equal' : `not yet handled: ${failing.join('; ')}`;
}
