import { assessmentView } from '../core/assessment-view.ts';
import type { CoreContext } from '../core/processor.ts';
import type { CustomerScore } from '../report/model.ts';
import type { StateStore } from '../state/store.ts';

const LOAD_CHUNK = 1_000;

/**
 * Every customer's churn score as of `instant`, judged from the replay's store the way GET /customers/:id/features
 * judges it (assessmentView). Customers the store holds no state for (no transaction seen) are left out.
 * Highest score first, then by customer id.
 */
export async function finalScores(store: StateStore, customerIds: readonly string[], instant: number, core: CoreContext): Promise<CustomerScore[]> {
  const scores: CustomerScore[] = [];
  for (let start = 0; start < customerIds.length; start += LOAD_CHUNK) {
    const loaded = await store.load(customerIds.slice(start, start + LOAD_CHUNK));
    for (const [customerId, { state, profile }] of loaded) {
      if (state === undefined) continue;
      const { churn } = assessmentView(state, profile, instant, core.rules, core.calendar);
      scores.push({
        customerId,
        rmId: profile?.rmId ?? null,
        tier: profile?.servedTier ?? null,
        score: churn.score,
        reasons: churn.reasons.map((reason) => reason.reason),
      });
    }
  }
  return scores.sort((left, right) => right.score - left.score || left.customerId.localeCompare(right.customerId));
}
