import type { Admin, Kafka, Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { timersKey } from '../../src/adapters/redis/keys.ts';
import { parseEnv } from '../../src/config/env.ts';
import { alertIdOf } from '../../src/core/policy.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { CampaignOpportunity } from '../../src/domain/opportunity.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { timerScopeOf } from '../../src/service/pipeline.ts';
import { startService } from '../../src/service/service.ts';
import { featuresTokensFile } from '../support/features-tokens.ts';
import type { RunningService } from '../../src/service/service.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, keyedProducer, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { FIRST_DAY, at, calendar, czk, justAfterMidnight, produceAll, scriptedMonth } from '../support/scripted-month.ts';
import { counterValue } from '../support/service-process.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import type { ServiceTopics } from '../support/service-env.ts';

const PARTITIONS = 3;
/** The last instant of day `day` of the month: the event time of what a day close finds. */
const closeOf = (day: number) => calendar.startOf(FIRST_DAY + day) - 1;

/**
 * A month for a handful of customers through the real service (Kafka, registry, Redis), with a clock the test moves
 * one business day at a time: each day's records are consumed, then the clock goes to five past the next midnight
 * and the test waits until no wake-up is due any more. Every output topic must then hold exactly the alerts each
 * customer's script calls for (test/support/scripted-month.ts says why, case by case): no more, no fewer.
 */
describeIntegration('tidewatch run: a scripted month', (context) => {
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let redis: Redis;
  let topics: ServiceTopics;
  let service: RunningService | undefined;
  let now = justAfterMidnight(1);
  const tokens = featuresTokensFile();
  const env = serviceEnv(context, { TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1', TIDEWATCH_FEATURES_TOKENS_FILE: tokens.path });
  const groupId = env.TIDEWATCH_GROUP_ID!;

  beforeAll(async () => {
    topics = await createServiceTopics(context, PARTITIONS);
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    redis = new Redis(context.endpoints.redisUrl);
    await Promise.all([producer.connect(), admin.connect()]);
    service = await startService(parseEnv(env), createLogger('warn'), { clock: () => now });
  });

  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
    redis?.disconnect();
  });

  /** Until no customer's wake-up is due at the current clock on any input partition (each fired one has moved on). */
  async function untilNoTimerDue(): Promise<void> {
    const keys = Array.from({ length: PARTITIONS }, (_, partition) => timersKey(context.redisPrefix, timerScopeOf(topics.transactions, partition)));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const due = await Promise.all(keys.map((key) => redis.zrangebyscore(key, '-inf', now, 'LIMIT', 0, 1)));
      if (due.every((members) => members.length === 0)) return;
      if (Date.now() > deadline) throw new Error(`wake-ups still due at ${new Date(now).toISOString()}: ${due.flat().join(', ')}`);
      await new Promise((resolveLater) => setTimeout(resolveLater, 50));
    }
  }

  const metrics = async () => (await fetch(`http://127.0.0.1:${service!.httpPort}/metrics`)).text();

  it('publishes exactly the alerts each customer’s month calls for, on each queue and feed', async () => {
    const month = scriptedMonth();
    const registryUrl = context.endpoints.schemaRegistryUrl;

    // reference data first, then every customer's history, judged with the clock at the month's first midnight
    await produceAll(producer, registryUrl, topics, { profiles: month.profiles });
    await waitUntilConsumed(admin, groupId, topics.profiles);
    await produceAll(producer, registryUrl, topics, { transactions: month.history });
    await waitUntilConsumed(admin, groupId, topics.transactions);
    await untilNoTimerDue();
    // rm-7 recorded that c-not-interested does not want to hear about idle funds
    await produceAll(producer, registryUrl, topics, { outcomes: month.outcomes });
    await waitUntilConsumed(admin, groupId, topics.outcomes);

    for (const { day, profiles, products, transactions } of month.days) {
      if (profiles.length > 0) {
        await produceAll(producer, registryUrl, topics, { profiles });
        await waitUntilConsumed(admin, groupId, topics.profiles);
      }
      if (products.length > 0) {
        await produceAll(producer, registryUrl, topics, { products });
        await waitUntilConsumed(admin, groupId, topics.products);
      }
      if (transactions.length > 0) {
        await produceAll(producer, registryUrl, topics, { transactions });
        await waitUntilConsumed(admin, groupId, topics.transactions);
      }
      now = justAfterMidnight(day + 1);
      await untilNoTimerDue();
    }

    const [rmRecords, riskRecords, campaignRecords, deadLetters] = await Promise.all([
      readTopic<Alert>(kafka, registryUrl, topics.rmAlerts),
      readTopic<Alert>(kafka, registryUrl, topics.risk),
      readTopic<CampaignOpportunity>(kafka, registryUrl, topics.campaign),
      readTopic<unknown>(kafka, registryUrl, topics.deadLetter),
    ]);
    const rm = rmRecords.map((record) => record.value);
    const risk = riskRecords.map((record) => record.value);
    const campaign = campaignRecords.map((record) => record.value);

    // the whole of every feed: no more, no fewer
    expect(rm.map((alert) => `${alert.queue}|${alert.customerId}|${alert.kind}`).sort()).toEqual([
      'UNASSIGNED|c-departed|RM_HANDOVER',
      'rm-10|c-maturity|MATURITY',
      'rm-11|c-depositor|MATURITY',
      'rm-12|c-payroll|CHURN_RISK',
      'rm-12|c-payroll|CHURN_RISK',
      'rm-1|c-upgrade|UPGRADE_ELIGIBLE',
      'rm-2|c-no-consent|UPGRADE_ELIGIBLE',
      'rm-2|c-platinum|UPGRADE_ELIGIBLE',
      'rm-3|c-pension|CHURN_RISK',
      'rm-5|c-handover|RM_HANDOVER',
      'rm-7|c-idle|IDLE_FUNDS',
      'rm-8|c-household-a|UPGRADE_ELIGIBLE',
      'rm-8|c-household-b|UPGRADE_ELIGIBLE',
    ]);
    // large outflows that are not an exit reach the risk team only (and the churn score)
    expect(risk.map((alert) => `${alert.customerId}|${alert.kind}`).sort()).toEqual(['c-handover|LARGE_OUTFLOW', 'c-house|LARGE_OUTFLOW', 'c-pension|LARGE_OUTFLOW']);
    expect(campaign.map((opportunity) => `${opportunity.customerId}|${opportunity.kind}`).sort()).toEqual([
      'c-household-a|UPGRADE_ELIGIBLE',
      'c-idle|IDLE_FUNDS',
      'c-maturity|MATURITY',
      'c-platinum|UPGRADE_ELIGIBLE',
      'c-upgrade|UPGRADE_ELIGIBLE',
    ]);
    expect(deadLetters).toEqual([]);
    // each RM's queue is one key, so one partition, in order
    expect(rmRecords.every((record) => record.key === record.value.queue)).toBe(true);
    // no alert was published twice (the per-day timers re-evaluate; they must not repeat themselves)
    expect(new Set(rm.map((alert) => alert.alertId)).size).toBe(rm.length);

    const one = (kind: Alert['kind'], customerId: string) => rm.find((alert) => alert.kind === kind && alert.customerId === customerId)!;

    // c-upgrade: the term deposit's 150,000 is no jump; the 30-day average reached GOLD on day 19 and held it 5 days
    const upgrade = one('UPGRADE_ELIGIBLE', 'c-upgrade');
    expect(upgrade).toMatchObject({ rmId: 'rm-1', tier: 'SILVER', priority: 'MEDIUM' });
    expect(upgrade.reason).toMatch(/^Eligible: GOLD \(served SILVER\); 30-day average .* held above 100,000\.00 CZK for 5 days$/);
    // the hold is complete on the close of day 23: a timer finds it just after midnight, with no transaction needed
    expect(upgrade).toMatchObject({ eventTime: closeOf(23), detectedAt: justAfterMidnight(24) });

    // c-household-a and -b: neither near GOLD alone; together (about 71,900 before day 3, then about 1,000 more a day)
    // they cross the household floor in the second week and hold it. A member's close is judged once every member's
    // partition has passed that day (the event-time watermark, README "Household tiers"), so the alert names the close
    // of the day the hold completed, in the second week, whenever it is told
    for (const member of ['c-household-a', 'c-household-b']) {
      const household = one('UPGRADE_ELIGIBLE', member);
      expect(household).toMatchObject({ rmId: 'rm-8', tier: 'SILVER', priority: 'MEDIUM' });
      expect([10, 11, 12, 13, 14, 15, 16, 17, 18].map(closeOf)).toContain(household.eventTime);
      expect(household.detectedAt).toBeGreaterThan(household.eventTime);
      expect(household.reason).toMatch(/^Eligible: GOLD \(served SILVER\); household 30-day average 8\d,\d{3}\.\d\d CZK \(2 members\) held above 80,000\.00 CZK for 5 days$/);
    }

    // c-platinum: PLATINUM is gated, never granted by the detector
    const platinum = one('UPGRADE_ELIGIBLE', 'c-platinum');
    expect(platinum).toMatchObject({ rmId: 'rm-2', tier: 'GOLD', priority: 'HIGH' });
    expect(platinum.reason).toMatch(/^Eligible, needs approval: PLATINUM \(served GOLD\); /);
    expect(platinum.suggestedAction).toContain('up for approval');
    // the same upgrade for a customer without marketing consent reaches the RM, not the campaign systems
    expect(one('UPGRADE_ELIGIBLE', 'c-no-consent').reason).toMatch(/^Eligible, needs approval: PLATINUM/);
    const consented = new Set(month.profiles.filter((profile) => profile.marketingConsent).map((profile) => profile.customerId));
    expect(campaign.every((opportunity) => consented.has(opportunity.customerId))).toBe(true);
    expect(campaign.find((opportunity) => opportunity.customerId === 'c-platinum')!.opportunityId).toBe(platinum.alertId);

    // c-pension: the transfer out on day 5 (66%, not an exit: the risk team hears it; a payment alone is no churn),
    // then one churn episode once the pension is overdue too (the close of day 13, 42 days after it last came, seen
    // by a look at the customer's silence with no transaction that day, a day before the income's own wake-up): the
    // stopped pension first, the money gone with it
    const outflow = risk.find((alert) => alert.customerId === 'c-pension')!;
    expect(outflow).toMatchObject({ kind: 'LARGE_OUTFLOW', rmId: 'rm-3', priority: 'HIGH', toCompetitor: true, counterpartyKind: 'OTHER_BANK', eventTime: at(5) });
    expect(outflow.reason).toBe('Large outflow: 50,000.00 CZK to another bank, 66% of the relationship balance');
    const [pensionRisk] = rm.filter((alert) => alert.kind === 'CHURN_RISK' && alert.customerId === 'c-pension');
    expect(pensionRisk!.reason).toMatch(/^Churn risk \d+\/100: the regular salary or pension last arrived 42 days ago; outflow to competitors .* the usual/);
    expect(pensionRisk!.eventTime).toBe(at(14, 0) - 1);

    // c-payroll: the salary stopped after August; nothing large ever left, and the RM hears it while the customer still
    // spends (the last card payment is on day 24): the missing income against the customer's usual. One episode,
    // escalated (one priority higher, never repeated at the same level) when the score rose by escalateBy
    const [opened, rising] = rm.filter((alert) => alert.kind === 'CHURN_RISK' && alert.customerId === 'c-payroll');
    expect(opened!.reason).toMatch(/^Churn risk \d+\/100: the regular salary or pension last arrived \d+ days ago; money in 0% of the usual/);
    expect(opened!.eventTime).toBeLessThan(at(24));
    expect(rising!.reason).toMatch(/^Churn risk rising \d+\/100: the regular salary or pension last arrived \d+ days ago; /);
    const scoreOf = (alert: Alert) => alert.evidence.find((evidence) => evidence.metric === 'churn_score')!;
    expect(scoreOf(rising!).value).toBeGreaterThanOrEqual(scoreOf(opened!).value + 15);
    expect(scoreOf(rising!).baseline).toBe(scoreOf(opened!).value);
    expect(rising!.priority).not.toBe(opened!.priority);
    // c-house: 70% of the balance for a house, then salary and cards go on: the risk team hears it, the RM does not
    expect(rm.filter((alert) => alert.customerId === 'c-house')).toEqual([]);
    expect(risk.find((alert) => alert.customerId === 'c-house')).toMatchObject({ kind: 'LARGE_OUTFLOW', toCompetitor: true, eventTime: at(8, 10, 30) });

    // c-handover: told to the new RM, and the outflow caught only by the watch's halved threshold (for the risk team,
    // routed to the new RM's queue: not an exit)
    const handover = one('RM_HANDOVER', 'c-handover');
    expect(handover).toMatchObject({ queue: 'rm-5', rmId: 'rm-5', tier: 'PLATINUM', priority: 'HIGH', eventTime: at(10, 9) });
    expect(handover.reason).toMatch(/^Handed over to you from rm-4 \(PLATINUM, 30-day average .*\); on watch for 90 days$/);
    const watched = risk.find((alert) => alert.customerId === 'c-handover')!;
    expect(watched).toMatchObject({ kind: 'LARGE_OUTFLOW', rmId: 'rm-5', priority: 'URGENT', toCompetitor: true, eventTime: at(15, 10, 30) });
    expect(watched.evidence).toContainEqual(expect.objectContaining({ metric: 'amount', value: czk(260_000), threshold: czk(250_000) }));
    expect(watched.reason).toBe('Large outflow: 260,000.00 CZK to another bank, 33% of the relationship balance');

    // c-departed: its RM left and nobody took over yet: the unassigned queue hears it
    const departed = one('RM_HANDOVER', 'c-departed');
    expect(departed).toMatchObject({ queue: 'UNASSIGNED', rmId: null, tier: 'GOLD', eventTime: at(12, 9) });
    expect(departed.reason).toMatch(/^RM rm-6 has left the bank: /);

    // c-idle: once, to rm-7 and the campaign feed; c-not-interested: suppressed by rm-7's outcome, which was counted
    const idle = one('IDLE_FUNDS', 'c-idle');
    expect(idle).toMatchObject({ rmId: 'rm-7', tier: 'PLATINUM' });
    expect(idle.reason).toContain('idle for 180 days (no investment seen); declared low risk appetite');
    expect(campaign.find((opportunity) => opportunity.kind === 'IDLE_FUNDS')!.opportunityId).toBe(idle.alertId);
    const text = await metrics();
    expect(counterValue(text, 'tidewatch_outcomes_total', { kind: 'IDLE_FUNDS', outcome: 'NOT_INTERESTED' })).toBe(1);

    // c-maturity: told on the first day of td-m1's notice window by the timer, with no event that day; never td-m2,
    // which rolls over
    const maturity = one('MATURITY', 'c-maturity');
    expect(maturity).toMatchObject({
      alertId: alertIdOf('c-maturity', { kind: 'MATURITY', causeKey: `td-m1:${FIRST_DAY + 24}` }),
      queue: 'rm-10',
      tier: 'SILVER',
      priority: 'MEDIUM',
      amountAtStakeMinor: czk(300_000),
      eventTime: calendar.startOf(FIRST_DAY + 10),
      detectedAt: justAfterMidnight(11),
      reason: 'Time deposit of 300,000.00 CZK matures on 2026-10-25 without auto-rollover (in 14 days)',
    });
    expect(maturity.evidence).toEqual([
      { metric: 'principal', unit: 'MINOR_UNITS', value: czk(300_000), threshold: czk(100_000), baseline: null },
      { metric: 'days_to_maturity', unit: 'DAYS', value: 14, threshold: 14, baseline: null },
    ]);
    expect(campaign.find((opportunity) => opportunity.kind === 'MATURITY')).toMatchObject({
      opportunityId: maturity.alertId,
      customerId: 'c-maturity',
      amountMinor: czk(300_000),
    });
    // c-depositor: known only from the product event, already inside the window: told at once, to the RM only (no
    // consent)
    const depositor = one('MATURITY', 'c-depositor');
    expect(depositor).toMatchObject({
      queue: 'rm-11',
      tier: 'GOLD',
      priority: 'MEDIUM',
      eventTime: at(20, 9),
      detectedAt: justAfterMidnight(20),
      reason: 'Wealth product of 500,000.00 CZK matures on 2026-10-28 without auto-rollover (in 8 days)',
    });
    expect(counterValue(text, 'tidewatch_product_events_total', { outcome: 'applied' })).toBe(3);
    const depositorFeatures = (await (await fetch(`http://127.0.0.1:${service!.httpPort}/customers/c-depositor/features`, { headers: tokens.headers })).json()) as {
      assessment: { maturities: unknown[] };
    };
    expect(depositorFeatures.assessment.maturities).toEqual([
      { productId: 'wp-d1', kind: 'WEALTH_PRODUCT', principalMinor: czk(500_000), maturityDate: '2026-10-28', told: true },
    ]);

    // every transaction of the history and the month was applied once, none refused
    const transactionCount = month.history.length + month.days.reduce((sum, day) => sum + day.transactions.length, 0);
    expect(counterValue(text, 'tidewatch_transactions_total', { outcome: 'applied' })).toBe(transactionCount);
  }, 120_000);
});
