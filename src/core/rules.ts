import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { alertKinds, priorities } from '../domain/alert.ts';
import { productKinds } from '../domain/product-event.ts';
import { categories, counterpartyKinds } from '../domain/transaction.ts';
import { ScorecardError, parseScorecard, scorecardSchema } from './scorecard.ts';
import type { Scorecard } from './scorecard.ts';

/**
 * The rules file: every threshold a bank tunes, per tier where it matters. Money is in minor units of `currency`,
 * shares in basis points (10000 = 100%), so every number is an exact integer.
 */
const minorUnits = z.number().int().nonnegative();
const basisPoints = z.number().int().min(0).max(1_000_000);
const windowDays = z.union([z.literal(1), z.literal(7), z.literal(30), z.literal(90)]);

/** A threshold with a default and optional per-tier overrides (byTier: tier name → amount, names as in `tiers.levels`). */
const tiered = z.object({ default: minorUnits, byTier: z.record(z.string(), minorUnits).default({}) }).strict();

const kinds = z.array(z.enum(counterpartyKinds)).min(1);
const days = (max: number) => z.number().int().min(1).max(max);
const score = z.number().int().min(0).max(100);

/** A tier: its floor on the period's daily-average balance, for the customer alone and for the household. */
const tierLevel = z
  .object({
    name: z.string().min(1),
    minAverageMinor: minorUnits,
    /** A household qualifies together from this sum of its members' averages (null: no household rule). */
    householdMinAverageMinor: minorUnits.nullable().default(null),
    /** Upgrading to this tier needs approval: the alert says "eligible, needs approval" and never upgrades. */
    gated: z.boolean().default(false),
  })
  .strict();

/** ISO weekdays, Monday first. */
export const weekdays = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

/** Four boundaries between the scores 5, 4, 3, 2 and 1 (see rfm.ts). */
const cutPoints = z.tuple([minorUnits, minorUnits, minorUnits, minorUnits]);

export const rulesSchema = z
  .object({
    /** Stamped on every alert, so an alert can be traced to the rules that raised it. */
    version: z.string().min(1),
    /** Features add up amounts of this currency only; a transaction in another one is dead-lettered. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
    /** IANA time zone where the bank's business days begin and end. */
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone the runtime knows'),
    /** How far (in days) behind a customer's latest event a transaction may arrive and still be counted. */
    allowedLatenessDays: z.number().int().min(0).max(60),
    /** Tiers on the daily-average balance over a period: a bank picks a preset (rules/presets/) or writes its own. */
    tiers: z
      .object({
        /** The average that decides the tier: rolling 30 days, or the month to date. */
        period: z.enum(['rolling30', 'monthToDate']),
        /** Days the average must stay in the higher tier before the customer is eligible (a spike that leaves is not). */
        upgradeHoldDays: days(60),
        /** Lowest first; the profile's servedTier names one of them. The first one's floor is 0. */
        levels: z.array(tierLevel).min(1),
        downgrade: z
          .object({
            /** A customer whose average is within this margin above the served tier's floor... */
            marginBp: basisPoints,
            /**
             * ...and fell by at least minFallBp against its average trendDays or 3 × trendDays before, at least half
             * of the fall gone to competitors (more than usual), is at risk of a downgrade.
             */
            trendDays: days(60),
            minFallBp: basisPoints,
            /**
             * Whether a fall that one day's transfer to competitors carried is told (true) or waits until the money
             * keeps going (false: at least half the fall went to them beyond the largest day; one payment, for a house
             * or a car, is left to the churn score, which escalates if income and activity then stop). Absent: false.
             */
            oneDayTransferCounts: z.boolean().default(false),
          })
          .strict(),
      })
      .strict(),
    /** Counterparty kinds that mean the money went to a competitor. */
    competitorKinds: kinds,
    /** How urgent an alert is: tier and value at stake. */
    priority: z
      .object({
        /** Customers in these tiers get the highest priority for churn alerts. */
        topTiers: z.array(z.string().min(1)),
        /** An amount at stake from which any alert is urgent. */
        urgentAmountMinor: minorUnits,
      })
      .strict(),
    /** Per alert kind: how long (days) the same kind is not told again for the same customer, unless it worsens. */
    cooldownDays: z.record(z.enum(alertKinds), z.number().int().min(0)),
    /** Money leaving: one large debit, or the window sum to competitors (gradual leakage). RM and risk feeds. */
    largeOutflow: z
      .object({
        countedKinds: kinds,
        single: z
          .object({
            minAmountMinor: tiered,
            /** ...or this share of the relationship balance before the debit, if at least shareFloorMinor. */
            shareOfBalanceBp: basisPoints,
            shareFloorMinor: minorUnits,
            /** From this share of the balance, a withdrawal to a competitor is a (near-)total exit: urgent. */
            nearTotalShareBp: basisPoints,
          })
          .strict(),
        cumulative: z
          .object({
            windowDays,
            kinds,
            minAmountMinor: tiered,
            /** ...or this share of the 30-day average daily balance, if at least shareFloorMinor. */
            shareOfAverageBalanceBp: basisPoints,
            shareFloorMinor: minorUnits,
            /**
             * ...and at least this multiple of the customer's own usual outflow to these kinds over such a window (from the
             * days of the last 90 before the window): a habitual multi-banker's routine transfers are not news. 0: off.
             */
            minTimesUsualBp: basisPoints.default(0),
          })
          .strict(),
      })
      .strict(),
    /** Every outflow to a competitor from this amount goes to the risk feed, alert or not. */
    leakage: z.object({ minAmountMinor: minorUnits }).strict(),
    /** Money arriving: one large credit, or the window sum from other banks (money moved over in tranches). RM and campaign feeds. */
    largeInflow: z
      .object({
        countedKinds: kinds,
        /** Regular credits (salary, pension, interest) are not a balance jump. */
        excludedCategories: z.array(z.enum(categories)),
        /**
         * An amount over a tier's threshold (single or cumulative) is a jump only when it is also at least this share
         * of the customer's 30-day average balance: a private client's routine million is not news.
         */
        minShareOfAverageBalanceBp: basisPoints,
        single: z
          .object({
            minAmountMinor: tiered,
            /** ...or this share of the 30-day average daily balance, if at least shareFloorMinor. */
            shareOfAverageBalanceBp: basisPoints,
            shareFloorMinor: minorUnits,
          })
          .strict(),
        cumulative: z
          .object({
            windowDays,
            kinds,
            minAmountMinor: tiered,
            /**
             * ...and at least this multiple of the customer's own usual inflow from these kinds over such a window (from
             * the days of the last 90 before it): a multi-banker's or a business's routine transfers in are not news. 0: off.
             */
            minTimesUsualBp: basisPoints.default(0),
          })
          .strict(),
      })
      .strict(),
    /** Staged warnings when a customer initiates nothing: fired by timers, since silence is the signal. */
    dormancy: z
      .object({
        /** Days without customer-initiated activity at which the RM is told, ascending; the last means dormant. */
        stagesDays: z.array(z.number().int().positive()).min(1),
      })
      .strict(),
    /**
     * The churn-risk score, 0-100, from a scorecard fitted on the bank's own history (`tidewatch train`), and when it
     * becomes an alert: one episode per customer, opened at alertFromScore, escalated when the score rose by
     * escalateBy, closed once it stayed below clearBelowScore for clearAfterDays.
     */
    churn: z
      .object({
        /** The scorecard file, relative to the rules file; absent: the shipped rules/scorecards/churn-default.json. */
        scorecardFile: z.string().min(1).optional(),
        /** The scorecard itself, inline; the loader fills it from scorecardFile when absent. */
        scorecard: scorecardSchema.optional(),
        /** Override the scorecard's own thresholds (absent: the scorecard's alertFromScore and clearBelowScore). */
        alertFromScore: score.optional(),
        clearBelowScore: score.optional(),
        /** While an episode lasts, the RM is told again when the score rose by this much since the last alert. */
        escalateBy: z.number().int().min(1).max(100),
        /**
         * An open episode closes once the score has stayed under clearBelowScore for this many days in a row: a leak
         * the salary refills scores high and low within a month, and a dip is not the end of it (absent: 30).
         */
        clearAfterDays: days(365).default(30),
        /** A salary or pension that used to arrive monthly is overdue after this many days: the customer is looked at that day. */
        regularIncomeGapDays: days(90),
        /**
         * Value at stake below which churn risks and exits are told LOW, and a quiet customer is not looked at daily.
         * Money decides the priority, never whether a customer is leaving.
         */
        minAverageBalanceMinor: minorUnits,
        /** How many contributing reasons an alert names. */
        topReasons: z.number().int().min(1).max(6),
      })
      .strict(),
    /** Recency, frequency, monetary scoring and the eight segments. */
    rfm: z
      .object({
        /** Days since the last customer-initiated transaction: up to the first cut scores 5, ..., beyond the last 1. */
        recencyDays: cutPoints,
        /** Customer-initiated transactions over 90 days: from the first cut scores 5, ..., below the last 1. */
        frequency90Days: cutPoints,
        /** 30-day average balance: from the first cut scores 5, ..., below the last 1. */
        monetaryMinor: cutPoints,
        /** A score from this value counts as high in the 8-segment reading. */
        highScore: z.number().int().min(2).max(5),
      })
      .strict(),
    /** Money sitting idle with a low risk appetite: a lead for a conservative product. */
    idleFunds: z
      .object({
        /** A 30-day average balance from which money sitting idle is worth a conversation. */
        minAverageMinor: minorUnits,
        /** No investment subscription or redemption for this long. */
        noInvestmentDays: days(365),
        /** Declared risk appetites for which a conservative product fits. */
        riskAppetites: z.array(z.enum(['LOW', 'MEDIUM', 'HIGH', 'UNKNOWN'])).min(1),
      })
      .strict(),
    /** When an RM is reassigned or leaves: valuable customers go on watch and the new RM is told. */
    rmChange: z
      .object({
        /** Customers from this 30-day average balance go on watch when their RM changes or leaves. */
        minAverageMinor: minorUnits,
        watchDays: days(365),
        /** During the watch, outflow thresholds are multiplied by this factor (5000 = halved). */
        thresholdFactorBp: basisPoints,
      })
      .strict(),
    /** What RMs record about alerts feeds back. */
    outcomes: z
      .object({
        /** After an RM records "not interested", that alert kind is not raised for the customer for this long. */
        notInterestedSuppressDays: days(730),
      })
      .strict(),
    /**
     * Time deposits and wealth products maturing without auto-rollover (product events): the money falls free on the
     * date, so the RM hears about it while there is time to offer a reinvestment. Defaults apply to a rules file
     * written before product events existed.
     */
    maturity: z
      .object({
        /** The RM is told this many days before the maturity date (on the day the window opens, or at once if later). */
        noticeDays: days(90).default(14),
        /** Products with a smaller principal are not worth a retention call. */
        minPrincipalMinor: minorUnits.default(0),
        /** The product kinds watched. */
        productKinds: z.array(z.enum(productKinds)).min(1).default([...productKinds]),
      })
      .strict()
      .prefault({}),
    /**
     * Alert etiquette: urgent alerts reach the RM at once, routine ones wait for a digest per RM queue, cut at local
     * flush times (an RM reads a morning digest). Off by default: every RM alert then goes to the RM queue at once.
     */
    digest: z
      .object({
        /** When false, every RM alert goes to the RM queue at once. */
        enabled: z.boolean().default(false),
        /** Alerts of this priority or higher go to the RM at once; lower ones wait for the RM's digest. */
        immediateFrom: z.enum(priorities).default('HIGH'),
        /** Alert kinds that always go at once, whatever their priority. */
        immediateKinds: z.array(z.enum(alertKinds)).default([]),
        /** Local times (HH:MM in `timeZone`, ascending) at which each RM's digest is cut and sent. */
        flushTimes: z.array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (00:00 to 23:59)')).min(1).default(['08:30', '13:30']),
        /** Days of the week on which digests are sent; a routine alert raised on another day waits for the next one. */
        flushWeekdays: z.array(z.enum(weekdays)).min(1).default([...weekdays]),
        /** A digest lists at most this many alerts in full (the highest ranked); the others are named by id. */
        maxAlertsPerDigest: z.number().int().min(1).max(500).default(50),
      })
      .strict()
      .prefault({}),
    /**
     * What a plausible transaction looks like: anything outside goes to the dead-letter topic as `invalid`, with the
     * bound it broke, instead of into the features (a source's error must not alert). Defaults apply to a rules file
     * written before these bounds existed.
     */
    input: z
      .object({
        /** Smallest amount accepted (minor units, at least 1): a posting of nothing is not a payment. */
        minAmountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(1),
        /** Largest amount accepted (minor units): 10^12 is 10 billion in a currency of 2 decimals. */
        maxAmountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(1_000_000_000_000),
        /**
         * Event times before this instant (ISO 8601 with offset) are a source's error (1970 from a zero). The default
         * lets the PKDD'99 bank (1993-1998) replay; a live bank sets its ledger's first day.
         */
        earliestEventTime: z
          .string()
          .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/, 'expected an ISO 8601 instant, e.g. 2000-01-01T00:00:00Z')
          .refine((instant) => Number.isFinite(Date.parse(instant)), 'not a valid instant')
          .default('1990-01-01T00:00:00Z'),
        /** Event times more than this many hours ahead of the processing clock are a source's clock error. */
        maxAheadHours: z.number().int().min(0).max(720).default(24),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((rules, context) => {
    const names = rules.tiers.levels.map((level) => level.name);
    const known = new Set(names);
    const checkTiers = (tierNames: Iterable<string>, path: (string | number)[]) => {
      for (const name of tierNames) {
        if (!known.has(name)) context.addIssue({ code: 'custom', path: [...path, name], message: `unknown tier (tiers: ${names.join(', ')})` });
      }
    };
    const levels = rules.tiers.levels;
    if (levels[0] !== undefined && levels[0].minAverageMinor !== 0) {
      context.addIssue({ code: 'custom', path: ['tiers', 'levels', 0, 'minAverageMinor'], message: 'the lowest tier starts at 0' });
    }
    levels.forEach((level, index) => {
      if (index > 0 && level.minAverageMinor <= levels[index - 1]!.minAverageMinor) {
        context.addIssue({ code: 'custom', path: ['tiers', 'levels', index, 'minAverageMinor'], message: 'tiers must be listed lowest first, floors ascending' });
      }
    });
    if (known.size !== names.length) context.addIssue({ code: 'custom', path: ['tiers', 'levels'], message: 'tier names must be unique' });
    const { alertFromScore, clearBelowScore } = rules.churn;
    if (alertFromScore !== undefined && clearBelowScore !== undefined && clearBelowScore > alertFromScore) {
      context.addIssue({ code: 'custom', path: ['churn', 'clearBelowScore'], message: 'must not exceed alertFromScore (hysteresis)' });
    }
    const checkCuts = (cuts: readonly number[], ascending: boolean, path: string[]) => {
      if (cuts.some((cut, index) => index > 0 && (ascending ? cut <= cuts[index - 1]! : cut >= cuts[index - 1]!))) {
        context.addIssue({ code: 'custom', path, message: ascending ? 'cut points must ascend' : 'cut points must descend' });
      }
    };
    checkCuts(rules.rfm.recencyDays, true, ['rfm', 'recencyDays']);
    checkCuts(rules.rfm.frequency90Days, false, ['rfm', 'frequency90Days']);
    checkCuts(rules.rfm.monetaryMinor, false, ['rfm', 'monetaryMinor']);
    checkTiers(rules.priority.topTiers, ['priority', 'topTiers']);
    checkTiers(Object.keys(rules.largeOutflow.single.minAmountMinor.byTier), ['largeOutflow', 'single', 'minAmountMinor', 'byTier']);
    checkTiers(Object.keys(rules.largeOutflow.cumulative.minAmountMinor.byTier), ['largeOutflow', 'cumulative', 'minAmountMinor', 'byTier']);
    checkTiers(Object.keys(rules.largeInflow.single.minAmountMinor.byTier), ['largeInflow', 'single', 'minAmountMinor', 'byTier']);
    checkTiers(Object.keys(rules.largeInflow.cumulative.minAmountMinor.byTier), ['largeInflow', 'cumulative', 'minAmountMinor', 'byTier']);
    const stages = rules.dormancy.stagesDays;
    if (stages.some((days, index) => index > 0 && days <= stages[index - 1]!)) {
      context.addIssue({ code: 'custom', path: ['dormancy', 'stagesDays'], message: 'must be strictly ascending' });
    }
    if (rules.input.minAmountMinor > rules.input.maxAmountMinor) {
      context.addIssue({ code: 'custom', path: ['input', 'maxAmountMinor'], message: 'must not be below minAmountMinor' });
    }
    const flushTimes = rules.digest.flushTimes;
    if (flushTimes.some((time, index) => index > 0 && time <= flushTimes[index - 1]!)) {
      context.addIssue({ code: 'custom', path: ['digest', 'flushTimes'], message: 'must be strictly ascending' });
    }
  });

export type Rules = z.infer<typeof rulesSchema>;
export type DigestRules = Rules['digest'];
export type InputRules = Rules['input'];
export type Weekday = (typeof weekdays)[number];
export type Tiered = z.infer<typeof tiered>;

export function thresholdFor(threshold: Tiered, tier: string | null): number {
  return (tier === null ? undefined : threshold.byTier[tier]) ?? threshold.default;
}

export function cooldownMs(rules: Rules, kind: (typeof alertKinds)[number]): number {
  return (rules.cooldownDays[kind] ?? 0) * 86_400_000;
}

export class RulesError extends Error {
  override readonly name = 'RulesError';
}

/** The scorecard shipped with tidewatch, used when the rules name none (next to the rules in the repo and the image). */
export const DEFAULT_SCORECARD_FILE = fileURLToPath(new URL('../../rules/scorecards/churn-default.json', import.meta.url));

const scorecards = new Map<string, Scorecard>();

/** Reads and validates a scorecard file (cached by path: rules reloads re-read only the rules). */
export function loadScorecard(file: string, fresh = false): Scorecard {
  let card = fresh ? undefined : scorecards.get(file);
  if (card === undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ScorecardError(`${file}: cannot read the scorecard: ${error instanceof Error ? error.message : String(error)}`);
    }
    card = parseScorecard(text, file);
    scorecards.set(file, card);
  }
  return card;
}

/** The churn scorecard the rules use. */
export function scorecardOf(rules: Rules): Scorecard {
  return rules.churn.scorecard ?? loadScorecard(DEFAULT_SCORECARD_FILE);
}

/** When a churn score opens an episode and when it closes it: the rules' overrides, else the scorecard's own. */
export function churnThresholds(rules: Rules): { alertFromScore: number; clearBelowScore: number } {
  const card = scorecardOf(rules);
  const alertFromScore = rules.churn.alertFromScore ?? card.alertFromScore;
  return { alertFromScore, clearBelowScore: rules.churn.clearBelowScore ?? Math.min(alertFromScore, card.clearBelowScore) };
}

/**
 * Parses rules from text (YAML, of which JSON is a subset); errors name the bad key, e.g.
 * `largeOutflow.single.shareOfBalanceBp`. The churn scorecard is read from `churn.scorecardFile` (relative to
 * `baseDir`, the rules file's folder) or the shipped default, and validated with the rules.
 */
export function parseRules(text: string, source = 'rules', baseDir = process.cwd()): Rules {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new RulesError(`${source}: not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = rulesSchema.safeParse(raw);
  if (result.success) return withScorecard(result.data, source, baseDir);
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new RulesError(`${source}: invalid rules:\n  ${problems.join('\n  ')}`);
}

function withScorecard(rules: Rules, source: string, baseDir: string): Rules {
  if (rules.churn.scorecard !== undefined) return rules;
  const file = rules.churn.scorecardFile === undefined ? DEFAULT_SCORECARD_FILE : resolve(baseDir, rules.churn.scorecardFile);
  try {
    // a rules reload re-reads the scorecard too, so a refitted file applies with the rules that name it
    rules.churn.scorecard = loadScorecard(file, true);
  } catch (error) {
    throw new RulesError(`${source}: churn.scorecardFile: ${error instanceof Error ? error.message : String(error)}`);
  }
  const thresholds = churnThresholds(rules);
  if (thresholds.clearBelowScore > thresholds.alertFromScore) {
    throw new RulesError(`${source}: invalid rules:\n  churn.clearBelowScore: must not exceed alertFromScore (${thresholds.alertFromScore}, hysteresis)`);
  }
  return rules;
}

export function loadRules(file: string): Rules {
  return parseRules(readFileSync(file, 'utf8'), file, dirname(file));
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
