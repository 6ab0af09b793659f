import { priorities } from '../domain/alert.ts';
import type { ReplaySummary } from './summary.ts';

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const MiB = 1024 * 1024;

/** Notes of the run around the engine, printed with its summary. */
export interface RunNotes {
  input: string;
  format: string;
  store: string;
  reorder: { windowDays: number; late: number; maxBuffered: number } | null;
}

function alertTable(summary: ReplaySummary): string[] {
  const rows: string[] = [];
  const header = `    ${'feed'.padEnd(9)}${'kind'.padEnd(20)}${priorities.map((priority) => priority.padStart(8)).join('')}${'total'.padStart(9)}`;
  for (const [feed, byKind] of Object.entries(summary.alerts).sort(([left], [right]) => left.localeCompare(right))) {
    for (const [kind, byPriority] of Object.entries(byKind).sort(([left], [right]) => left.localeCompare(right))) {
      const cells = priorities.map((priority) => count(byPriority[priority] ?? 0).padStart(8)).join('');
      const total = Object.values(byPriority).reduce((sum, value) => sum + value, 0);
      rows.push(`    ${feed.padEnd(9)}${kind.padEnd(20)}${cells}${count(total).padStart(9)}`);
    }
  }
  return rows.length === 0 ? [] : [header, ...rows];
}

const listed = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([key, value]) => `${key} ${count(value)}`)
    .join(', ');

/** The summary as a person reads it at the end of a run. */
export function summaryText(summary: ReplaySummary, notes: RunNotes): string {
  const { transactions: t, deadLetters, rmLoad } = summary;
  const lines = [
    `replay of ${notes.input} (${notes.format}, ${notes.store})`,
    `  events        ${count(summary.events)} read · ${count(summary.customers)} customers · ${count(summary.profiles)} profiles`,
    `  event time    ${summary.firstEventTime ?? '-'} .. ${summary.lastEventTime ?? '-'}${summary.endedAt !== summary.lastEventTime ? ` (time ran on to ${summary.endedAt})` : ''}`,
    `  transactions  ${count(t.applied)} applied · ${count(t.duplicate)} duplicate · ${count(t.already_applied)} already applied · ${count(t.too_late)} too late · ${count(t.unsupported_currency)} other currency`,
    `  data quality  ${count(summary.balanceStampMismatches)} stamped balance(s) disagreed with the flows (the flows count)`,
    `  dead letters  ${count(deadLetters.total)}${deadLetters.total > 0 ? ` (${listed(deadLetters.byReason)})` : ''}`,
  ];
  if (notes.reorder !== null) {
    lines.push(`  reordering    window ${notes.reorder.windowDays} day(s) · at most ${count(notes.reorder.maxBuffered)} rows held · ${count(notes.reorder.late)} came after their window (passed on to the core)`);
  }
  if (summary.productEvents > 0 || summary.profileUpdates > 0) {
    lines.push(`  side inputs   ${count(summary.productEvents)} product events · ${count(summary.profileUpdates)} profile updates`);
  }
  lines.push(`  timers fired  ${count(summary.timersFired)}`);
  lines.push(`  alerts        ${count(summary.publishedRecords)} published records`);
  lines.push(...alertTable(summary));
  for (const [feed, byTier] of Object.entries(summary.alertsByTier).sort(([left], [right]) => left.localeCompare(right))) {
    lines.push(`    ${feed.padEnd(9)}by tier: ${listed(byTier)}`);
  }
  const busiest = rmLoad.busiest === null ? '' : ` (${rmLoad.busiest.rmId}, ${rmLoad.busiest.week})`;
  lines.push(
    `  RM load       ${count(rmLoad.rms)} RMs × ${count(rmLoad.weeks)} ISO weeks: median ${rmLoad.median}, max ${count(rmLoad.max)} alerts per RM-week${busiest}; ${count(rmLoad.unassigned)} to the unassigned queue`,
  );
  if (summary.outcomes.total > 0) lines.push(`  outcomes      ${count(summary.outcomes.total)} (${listed(summary.outcomes.byOutcome)})`);
  lines.push(
    `  speed         ${count(summary.events)} events in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${count(summary.eventsPerSecond)} events/s · peak RSS ${count(summary.peakRssBytes / MiB)} MiB`,
  );
  return `${lines.join('\n')}\n`;
}
