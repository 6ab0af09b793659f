import type { JsonRoute } from '../adapters/http/server.ts';
import { assessmentView } from '../core/assessment-view.ts';
import { featureView } from '../core/features.ts';
import { householdsOfCustomers } from '../core/household.ts';
import type { CoreContext } from '../core/processor.ts';
import { readHouseholds } from '../state/households.ts';
import type { StateStore } from '../state/store.ts';

/**
 * GET /customers/:id/features: the customer's rolling features as of now, with the routing part of the profile.
 * Ids only, no names or contact data: the service holds none.
 */
export function featuresRoute(store: StateStore, core: CoreContext, clock: () => number): JsonRoute {
  return {
    pattern: /^\/customers\/([^/]+)\/features$/,
    async handle([customerId]) {
      const read = await store.load([customerId!]);
      const loaded = read.get(customerId!);
      if (loaded?.state === undefined) return { status: 404, body: { error: 'no features for this customer' } };
      await readHouseholds(store, read, householdsOfCustomers(read, core.rules));
      const instant = Math.max(clock(), loaded.state.streamTime);
      const profile = loaded.profile;
      return {
        status: 200,
        body: {
          ...featureView(loaded.state, instant, core.calendar, profile?.relationshipStartDay ?? null),
          assessment: assessmentView(loaded.state, profile, instant, core.rules, core.calendar, loaded.household),
          profile: profile === undefined ? null : { rmId: profile.rmId, branchId: profile.branchId, servedTier: profile.servedTier, status: profile.status },
          rulesVersion: core.rules.version,
        },
      };
    },
  };
}
