import { customerProfileSchema } from '../../../domain/profile.ts';
import type { ProfileItem } from '../../records.ts';
import { validate } from '../validate.ts';
import { epochDayOf } from './dates.ts';
import type { CalendarDate } from './dates.ts';
import { berkaIds } from './mapping.ts';
import type { BerkaTables } from './tables.ts';

/**
 * One profile per account owner, from account, disp and district: the RM of the account's district
 * (`rm-district-<n>`; `--rm-assignment` overrides), the district as the branch, the account as the household when
 * a DISPONENT shares it, SILVER, consent given, the relationship starting when the account was opened, ACTIVE.
 * The data set has no tiers, risk appetite or consent, hence these defaults.
 */
export function berkaProfiles(tables: BerkaTables, timeOf: (date: CalendarDate) => number, servedTier = 'SILVER'): ProfileItem[] {
  const items: ProfileItem[] = [];
  for (const account of tables.accounts.values()) {
    if (account.ownerClientId === null) continue;
    const checked = validate(customerProfileSchema, {
      customerId: berkaIds.customer(account.ownerClientId),
      rmId: berkaIds.rm(account.districtId),
      branchId: berkaIds.branch(account.districtId),
      householdId: account.shared ? berkaIds.account(account.accountId) : null,
      servedTier,
      riskAppetite: 'UNKNOWN',
      marketingConsent: true,
      relationshipStartDay: epochDayOf(account.opened),
      status: 'ACTIVE',
      updatedAt: timeOf(account.opened),
    });
    items.push(
      checked.ok
        ? { kind: 'profile', profile: checked.value }
        : { kind: 'rejected', reason: 'invalid', detail: checked.detail, origin: { source: 'account.asc', line: 0 } },
    );
  }
  return items;
}
