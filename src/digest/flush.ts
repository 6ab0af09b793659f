import { publishDigestOutputs } from '../adapters/kafka/digest-publisher.ts';
import { digestSchedule, dueDigests } from '../core/digest.ts';
import { counted, digestScopeOf } from './deps.ts';
import type { DigestDeps } from './deps.ts';

export interface FlushOutcome {
  /** The flush instant this pass cut at. */
  cut: number;
  staged: number;
  published: number;
  /** Digests refused because another instance cut the same alerts first: read again on the next pass. */
  stale: number;
}

/**
 * One partition at `now`: cut the digests due at the latest flush time (core: dueDigests), stage them (outbox in,
 * alerts out, in one atomic script), publish whatever the outbox holds (these digests, and any a crash left behind)
 * with acks from all replicas, then empty the outbox. A crash before staging cuts the same digests again later; a
 * crash after it re-sends the very same records from the outbox; nothing is listed twice or lost.
 */
export async function flushPartition(deps: DigestDeps, partition: number, now: number): Promise<FlushOutcome> {
  const { rules, calendar } = deps.core;
  const scope = digestScopeOf(deps.topics.rmRoutine, partition);
  const cut = digestSchedule(rules.digest, calendar).latestFlushAtOrBefore(now);
  const view = await counted(() => deps.store.pending(scope), deps.metrics.redisErrors);
  const due = dueDigests({ pending: view.pending, lastCuts: view.lastCuts, now, rules, calendar });
  const { staged, stale } = await counted(() => deps.store.stage(scope, due, now), deps.metrics.redisErrors);
  const outbox = await counted(() => deps.store.outbox(scope), deps.metrics.redisErrors);
  if (outbox.length > 0) {
    await counted(() => publishDigestOutputs(deps.producer, deps.encoder, deps.topics, outbox), deps.metrics.producerErrors);
    await counted(() => deps.store.clearOutbox(scope, outbox.map((digest) => digest.digestId)), deps.metrics.redisErrors);
    deps.metrics.digestsPublished.inc(outbox.length);
    for (const digest of outbox) deps.metrics.digestSize.observe(digest.alertCount);
  }
  return { cut, staged: staged.length, published: outbox.length, stale: stale.length };
}
