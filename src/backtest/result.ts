import type { LabelPattern, Outcome } from '../generate/labels.ts';
import type { KindMetrics } from './metrics.ts';
import type { MatchWindow } from './outcome-map.ts';

/** Everything `tidewatch backtest` found, as printed and as written by `--json`: no wall-clock value, so a run gives the same bytes twice. */
export interface BacktestResult {
  rulesVersion: string;
  /** Where the data came from (a folder, or the generated bank's parameters). */
  source: string;
  /** First and last business day of the replay (ISO dates). */
  period: { first: string | null; last: string | null };
  window: MatchWindow;
  population: {
    customers: number;
    labelled: Record<Outcome, number>;
    byPattern: Partial<Record<LabelPattern, number>>;
  };
  kinds: KindMetrics[];
  /** One row per outcome: every kind of it together. */
  any: KindMetrics[];
  /** RM-feed alerts per RM and ISO week, every kind, weeks without alerts included. */
  rmLoad: { rms: number; weeks: number; median: number; p90: number; max: number; busiest: { rmId: string; week: string } | null };
  /** RM-feed alerts of kinds that predict neither outcome (RM_HANDOVER, MATURITY): counted, not judged. */
  unscored: UnscoredKind[];
}

/** A kind no label speaks for: how many alerts, for how many customers, and what it adds to an RM's week. */
export interface UnscoredKind {
  kind: string;
  alerts: number;
  customers: number;
  /** Its alerts that reached an RM's own queue, per RM per ISO week (as the scored kinds' per RM-week). */
  perRmWeek: number | null;
}
