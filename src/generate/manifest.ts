import { z } from 'zod';
import { labelPatterns } from './labels.ts';
import { personas } from './model.ts';
import { balanceStampsSchema, patternWeightsSchema, personaMixSchema, salaryCycleSchema, servedTiersSchema, tierFloorsSchema } from './options.ts';

const count = z.number().int().nonnegative();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * `manifest.json`: how the data set was made (seed and parameters: run them again for the same bytes), what period
 * it covers and how much of everything it holds. No timestamps of the run itself, so that it is reproducible too.
 */
export const manifestSchema = z.strictObject({
  generator: z.literal('tidewatch generate'),
  formatVersion: z.literal(1),
  seed: z.number().int().nonnegative(),
  parameters: z.strictObject({
    customers: count,
    months: count,
    start: isoDate,
    currency: z.string().regex(/^[A-Z]{3}$/),
    churnShare: z.number().min(0).max(1),
    growShare: z.number().min(0).max(1),
    rms: count,
    tierFloorsMinor: tierFloorsSchema,
    /** The bank's knobs (optional: folders written before bank families existed have none; absent means the default). */
    trapShare: z.number().min(0).max(1).optional(),
    servedTiers: servedTiersSchema.optional(),
    balanceScale: z.number().positive().optional(),
    personaMix: personaMixSchema.optional(),
    patternWeights: patternWeightsSchema.optional(),
    salaryCycle: salaryCycleSchema.optional(),
    balanceStamps: balanceStampsSchema.optional(),
  }),
  /** A bank of a family (`--family-seed`, `--bank-index`): which one, its rules preset and what makes it different. */
  bankProfile: z
    .strictObject({ familySeed: count, index: count, rulesPreset: z.string(), description: z.string() })
    .optional(),
  period: z.strictObject({
    /** First and last generated day (UTC dates, both included). */
    firstDay: isoDate,
    lastDay: isoDate,
    /** The same period as instants: from (included) .. to (excluded), UTC millis. */
    fromTime: z.number().int(),
    toTime: z.number().int(),
  }),
  counts: z.strictObject({
    customers: count,
    accounts: count,
    households: count,
    rms: count,
    branches: count,
    transactions: count,
    labels: count,
    personas: z.record(z.enum(personas), count),
    servedTiers: z.record(z.string(), count),
    labelsByPattern: z.record(z.enum(labelPatterns), count),
    /** Optional so that folders generated before products and RM changes existed still read. */
    productEvents: count.optional(),
    profileUpdates: count.optional(),
  }),
  /** Where the records went: file names inside the output folder, or the Kafka topics. */
  output: z.discriminatedUnion('to', [
    z.strictObject({
      to: z.literal('jsonl'),
      profiles: z.string(),
      transactions: z.string(),
      labels: z.string(),
      products: z.string().optional(),
      profileUpdates: z.string().optional(),
    }),
    /** Profile updates go to the profiles topic, after the reference data. */
    z.strictObject({ to: z.literal('kafka'), profilesTopic: z.string(), transactionsTopic: z.string(), productsTopic: z.string().optional(), labels: z.string() }),
  ]),
});

export type Manifest = z.infer<typeof manifestSchema>;
