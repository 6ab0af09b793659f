import type { JsonResponse, JsonRoute } from '../adapters/http/server.ts';
import { scopeCovers } from '../adapters/http/bearer-tokens.ts';
import type { BearerTokens, TokenGrant } from '../adapters/http/bearer-tokens.ts';
import { assessmentView } from '../core/assessment-view.ts';
import { featureView } from '../core/features.ts';
import { householdsOfCustomers } from '../core/household.ts';
import type { CoreContext } from '../core/processor.ts';
import { readHouseholds } from '../state/households.ts';
import type { StateStore } from '../state/store.ts';

/** Customer ids are short references; a longer one is refused before it reaches the store. */
export const MAX_CUSTOMER_ID_LENGTH = 128;

export interface FeaturesAccess {
  /** The tokens in force (a rotated Secret is picked up); null: the endpoint is off. */
  tokens(): BearerTokens | null;
  /** Told who read which customer's features, and who was refused: the token's name, never the token. */
  onAccess?: (event: { grant: string | null; outcome: 'served' | 'not-found' | 'unauthenticated' | 'forbidden' }) => void;
}

const OFF: JsonResponse = {
  status: 404,
  body: { error: 'the features endpoint is off: it serves customer data only to bearer tokens, configured by TIDEWATCH_FEATURES_TOKENS_FILE' },
};
const UNAUTHENTICATED: JsonResponse = {
  status: 401,
  body: { error: 'a valid bearer token is required (Authorization: Bearer <token>)' },
  headers: { 'www-authenticate': 'Bearer realm="tidewatch"' },
};
const FORBIDDEN: JsonResponse = { status: 403, body: { error: "this token's scope does not cover this customer's branch or RM" } };

/**
 * GET /customers/:id/features: the customer's rolling features as of now, with the routing part of the profile.
 * Ids only, no names or contact data: the service holds none. Off unless tokens are configured; a token scoped to
 * branches or RMs sees only the customers whose stored profile names one of them (403 otherwise, and for a customer
 * with no profile).
 */
export function featuresRoute(store: StateStore, core: CoreContext, clock: () => number, access: FeaturesAccess): JsonRoute {
  return {
    pattern: /^\/customers\/([^/]+)\/features$/,
    async handle([customerId], request) {
      const tokens = access.tokens();
      if (tokens === null) return OFF;
      const authorization = request.headers.authorization;
      const grant: TokenGrant | undefined = tokens.grantFor(typeof authorization === 'string' ? authorization : undefined);
      if (grant === undefined) {
        access.onAccess?.({ grant: null, outcome: 'unauthenticated' });
        return UNAUTHENTICATED;
      }
      if (customerId === undefined || customerId.length === 0 || customerId.length > MAX_CUSTOMER_ID_LENGTH) {
        return { status: 400, body: { error: `a customer id has 1 to ${MAX_CUSTOMER_ID_LENGTH} characters` } };
      }
      const read = await store.load([customerId]);
      const loaded = read.get(customerId);
      const profile = loaded?.profile;
      if (!scopeCovers(grant.scope, profile)) {
        access.onAccess?.({ grant: grant.name, outcome: 'forbidden' });
        return FORBIDDEN;
      }
      if (loaded?.state === undefined) {
        access.onAccess?.({ grant: grant.name, outcome: 'not-found' });
        return { status: 404, body: { error: 'no features for this customer' } };
      }
      await readHouseholds(store, read, householdsOfCustomers(read, core.rules));
      const instant = Math.max(clock(), loaded.state.streamTime);
      access.onAccess?.({ grant: grant.name, outcome: 'served' });
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
