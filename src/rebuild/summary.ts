import type { PartitionRebuilt } from './partition.ts';
import type { SkippedPartition } from './plan.ts';

export interface RebuildSummary {
  groupId: string;
  /** Timers due up to this instant were taken as fired before the loss (ISO). */
  timersUntil: string;
  rebuilt: PartitionRebuilt[];
  skipped: SkippedPartition[];
}

const total = (rebuilt: readonly PartitionRebuilt[], count: (partition: PartitionRebuilt) => number) => rebuilt.reduce((sum, partition) => sum + count(partition), 0);
const recordsOf = (partition: PartitionRebuilt) => Object.values(partition.recordsRead).reduce((sum, count) => sum + count, 0);

/** Partitions whose rebuilt features lack history the service had: said at the top and again at the end. */
export function incompletePartitions(summary: RebuildSummary): PartitionRebuilt[] {
  return summary.rebuilt.filter((partition) => partition.gaps.length > 0);
}

/** The report `tidewatch rebuild` prints: per partition, totals, then anything incomplete, loudly. */
export function rebuildSummaryText(summary: RebuildSummary): string {
  const lines = [`tidewatch rebuild: group ${summary.groupId}; timers due up to ${summary.timersUntil} taken as fired before the loss`];
  for (const partition of summary.rebuilt) {
    const read = partition.recordsRead;
    lines.push(
      `  partition ${partition.partition}: ${recordsOf(partition)} records replayed (transactions ${read.transactions}, profiles ${read.profiles}, ` +
        `outcomes ${read.outcomes}, products ${read.products}); ${partition.customers} customers restored, ${partition.transactionsApplied} transactions applied, ` +
        `${partition.timersFired} timers fired, ${partition.alertsWithheld} alerts not published again, ${partition.householdsWaiting} customers' household tier days left waiting, ` +
        `${partition.refused} records refused as before` +
        `${partition.gaps.length > 0 ? '; INCOMPLETE' : ''}; epoch written`,
    );
  }
  for (const { partition, reason } of summary.skipped) lines.push(`  partition ${partition}: skipped: ${reason}`);
  const incomplete = incompletePartitions(summary);
  lines.push(
    `rebuilt ${summary.rebuilt.length} partition(s): ${total(summary.rebuilt, recordsOf)} records replayed, ${total(summary.rebuilt, (partition) => partition.customers)} customers restored, ` +
      `${total(summary.rebuilt, (partition) => partition.alertsWithheld)} alerts not published again, ` +
      `${total(summary.rebuilt, (partition) => partition.householdsWaiting)} customers' household tier days left waiting (the service tells them); ` +
      `incomplete partitions: ${incomplete.length === 0 ? 'none' : incomplete.map((partition) => partition.partition).join(', ')}`,
  );
  if (incomplete.length > 0) lines.push(...incompleteWarning(incomplete));
  if (summary.rebuilt.length > 0) lines.push('restart the service: it accepts the rebuilt partitions and continues from the committed offsets');
  return `${lines.join('\n')}\n`;
}

/** The loud part: which history is missing, and what it means for the features. */
export function incompleteWarning(incomplete: readonly Pick<PartitionRebuilt, 'partition' | 'gaps'>[]): string[] {
  return [
    `WARNING: INCOMPLETE REBUILD of partition(s) ${incomplete.map((partition) => partition.partition).join(', ')}: records the service had processed are no longer retained,`,
    '  so features over windows reaching before them (90 days of flows, dormancy, income rhythm, RFM, tier averages) are rebuilt without them:',
    ...incomplete.flatMap((partition) => partition.gaps.map((gap) => `  - ${gap}`)),
    '  (--require-complete refuses to rebuild in this case)',
  ];
}
