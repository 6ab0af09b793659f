import { z } from 'zod';
import type { CustomerProfile } from '../../domain/profile.ts';
import type { ProfileItem } from '../records.ts';
import { splitFields } from './csv-fields.ts';
import { readLines } from './lines.ts';

const rowSchema = z.object({ customerId: z.string().min(1), rmId: z.string().min(1) });

export class RmAssignmentError extends Error {
  override readonly name = 'RmAssignmentError';
}

/**
 * `--rm-assignment FILE`: which RM serves which customer, as CSV rows `customerId,rmId` (a header row naming the
 * two is allowed). A bad row stops the replay: it is configuration, not data to quarantine.
 */
export async function readRmAssignment(path: string): Promise<Map<string, string>> {
  const assignment = new Map<string, string>();
  for await (const { lines, firstLine } of readLines(path)) {
    for (let index = 0; index < lines.length; index += 1) {
      const text = lines[index]!.trim();
      if (text.length === 0) continue;
      const [customerId, rmId, ...extra] = (splitFields(text, ',') ?? []).map((cell) => cell.trim());
      if (firstLine + index === 1 && customerId === 'customerId' && rmId === 'rmId') continue;
      const row = rowSchema.safeParse({ customerId, rmId });
      if (!row.success || extra.length > 0) throw new RmAssignmentError(`${path}:${firstLine + index}: expected customerId,rmId`);
      assignment.set(row.data.customerId, row.data.rmId);
    }
  }
  return assignment;
}

/** The profiles with their RM replaced where the assignment names one. */
export async function* withRmAssignment(
  profiles: AsyncIterable<readonly ProfileItem[]> | Iterable<readonly ProfileItem[]>,
  assignment: ReadonlyMap<string, string>,
): AsyncGenerator<ProfileItem[]> {
  const assign = (profile: CustomerProfile): CustomerProfile => {
    const rmId = assignment.get(profile.customerId);
    return rmId === undefined ? profile : { ...profile, rmId };
  };
  for await (const items of profiles) yield items.map((item) => (item.kind === 'profile' ? { kind: 'profile', profile: assign(item.profile) } : item));
}
