import { z } from 'zod';
import { alertKinds } from './alert.ts';

/**
 * Mirrors avro/CampaignOpportunity.avsc: the campaign feed's record. Only consented customers, and only what a
 * campaign needs to act: no balances per account, no counterparties, no evidence.
 */
export const campaignOpportunitySchema = z.object({
  opportunityId: z.string().min(1),
  kind: z.enum(alertKinds),
  customerId: z.string().min(1),
  rmId: z.string().min(1).nullable(),
  tier: z.string().min(1).nullable(),
  amountMinor: z.number().int(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  rulesVersion: z.string().min(1),
  eventTime: z.number().int(),
  detectedAt: z.number().int(),
});

export type CampaignOpportunity = z.infer<typeof campaignOpportunitySchema>;
