import { Packr } from 'msgpackr';
import { customerProfileSchema } from '../../domain/profile.ts';
import type { CustomerProfile } from '../../domain/profile.ts';

/**
 * The profile as stored: a MessagePack array of its fields in the order of the zod schema (the Avro record's
 * order), behind a layout number. Half the size of its JSON, which matters at one profile per customer.
 * A field added to the schema is appended; a shorter stored record decodes with the new fields undefined, which
 * the schema's defaults then fill.
 */
const LAYOUT = 1;
const FIELDS = Object.keys(customerProfileSchema.shape) as (keyof CustomerProfile)[];
const packr = new Packr({ useRecords: false, variableMapSize: true });

export function encodeProfile(profile: CustomerProfile): Buffer {
  const valid = customerProfileSchema.parse(profile);
  return packr.pack([LAYOUT, ...FIELDS.map((field) => valid[field])]);
}

/** Throws with zod's message when the stored bytes are not a profile. */
export function decodeProfile(bytes: Uint8Array): CustomerProfile {
  const record: unknown = packr.unpack(bytes);
  if (!Array.isArray(record) || record[0] !== LAYOUT) throw new Error(`not a layout-${LAYOUT} profile record`);
  return customerProfileSchema.parse(Object.fromEntries(FIELDS.map((field, index) => [field, index + 1 < record.length ? record[index + 1] : undefined])));
}
