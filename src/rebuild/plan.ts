/**
 * What `tidewatch rebuild` will replay, decided from what the broker and Redis say (pure: no I/O here, so that the
 * choices are unit-tested). Offsets are bigints as kafkajs hands them over (strings) can exceed 2^53 in principle.
 */

/** The input topics the service consumes, co-partitioned: partition n of each belongs to one state (one epoch). */
export const inputRoles = ['transactions', 'profiles', 'outcomes', 'products'] as const;
export type InputRole = (typeof inputRoles)[number];

/** One input topic's partition as the broker and the group see it. */
export interface PartitionOffsets {
  role: InputRole;
  topic: string;
  /** The earliest retained offset (the log start): above 0, records were deleted (retention, deleteRecords). */
  low: bigint;
  high: bigint;
  /** The group's committed offset (the next record it would read); null: nothing committed. */
  committed: bigint | null;
}

/** Records [from, to) of one topic's partition: what the service had processed and retention still holds. */
export interface ReplayRange {
  role: InputRole;
  topic: string;
  from: bigint;
  to: bigint;
}

export interface PartitionPlan {
  partition: number;
  ranges: ReplayRange[];
  /** Why the rebuilt features will lack history (records the service had processed that are no longer retained); empty: complete. */
  gaps: string[];
}

/** A partition the rebuild leaves alone, and why. */
export interface SkippedPartition {
  partition: number;
  reason: string;
}

export interface Selection {
  selected: number[];
  skipped: SkippedPartition[];
}

/**
 * Which partitions to rebuild: those asked for (`--partitions`), else every partition whose epoch is missing. A
 * partition with its epoch still there holds its state (rebuilding it would count its records twice); one without
 * committed offsets has nothing behind it (the service starts it fresh).
 */
export function selectPartitions(
  all: readonly number[],
  requested: readonly number[] | null,
  missingEpochs: ReadonlySet<number>,
  committed: ReadonlySet<number>,
): Selection {
  const known = new Set(all);
  const candidates = requested ?? all.filter((partition) => missingEpochs.has(partition));
  const selected: number[] = [];
  const skipped: SkippedPartition[] = [];
  for (const partition of [...new Set(candidates)].sort((left, right) => left - right)) {
    if (!known.has(partition)) skipped.push({ partition, reason: `the input topics have no partition ${partition}` });
    else if (!missingEpochs.has(partition)) skipped.push({ partition, reason: 'its epoch is present: its state is intact, nothing to rebuild' });
    else if (!committed.has(partition)) skipped.push({ partition, reason: 'the group has committed nothing on it: the service starts it fresh' });
    else selected.push(partition);
  }
  return { selected, skipped };
}

/**
 * The records to replay for one partition: from the earliest retained offset up to the group's committed offset,
 * per input topic. Records the group had processed that retention no longer holds make a gap: the features that
 * needed them (90 days of flows, dormancy, income rhythm) are rebuilt without them.
 */
export function planPartition(partition: number, offsets: readonly PartitionOffsets[]): PartitionPlan {
  const ranges: ReplayRange[] = [];
  const gaps: string[] = [];
  for (const { role, topic, low, committed } of offsets) {
    if (committed === null || committed <= 0n) continue;
    if (low > 0n) {
      const lost = committed < low ? committed : low;
      gaps.push(`${topic} partition ${partition} starts at offset ${low}: ${lost} record(s) the service had processed are no longer retained`);
    }
    if (committed > low) ranges.push({ role, topic, from: low, to: committed });
  }
  return { partition, ranges, gaps };
}

/** Parses `--partitions 0,3`: distinct non-negative whole numbers. */
export function parsePartitionList(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part))) throw new RangeError(`expected partition numbers separated by commas (e.g. 0,3), got ${JSON.stringify(text)}`);
  return [...new Set(parts.map(Number))].sort((left, right) => left - right);
}
