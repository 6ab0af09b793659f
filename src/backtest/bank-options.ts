import { z } from 'zod';
import { assertPeriodEndsBefore, bankDefaults, bankOptionsSchema, defaultRmCount, periodOf } from '../generate/options.ts';
import type { BankOptions } from '../generate/options.ts';

/**
 * A fixed first day, unlike `tidewatch generate` (whose default ends last month): a backtest or a demo without
 * options gives the same numbers on every run, on any day.
 */
export const DEFAULT_START = '2025-01-01';

/** A share as a fraction (0.08) or a percentage (8%). */
export const shareOption = z
  .string()
  .transform((raw) => (raw.trim().endsWith('%') ? Number(raw.trim().slice(0, -1)) / 100 : Number(raw)))
  .pipe(z.number().min(0).max(1));

export interface BankChoice {
  customers: number;
  months: number;
  start?: string;
  seed: number;
  churnShare?: number;
  growShare?: number;
  rms?: number;
}

const optionName = (key: PropertyKey | undefined) => `--${String(key ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export class BankOptionsError extends Error {
  override readonly name = 'BankOptionsError';
}

/** A generated bank's options from the command line's choice, the generator's defaults filling the rest. */
export function bankOptionsOf(choice: BankChoice, today: number): BankOptions {
  const parsed = bankOptionsSchema.safeParse({
    customers: choice.customers,
    months: choice.months,
    start: choice.start ?? DEFAULT_START,
    seed: choice.seed,
    currency: bankDefaults.currency,
    churnShare: choice.churnShare ?? bankDefaults.churnShare,
    growShare: choice.growShare ?? bankDefaults.growShare,
    rms: choice.rms ?? defaultRmCount(choice.customers),
    tierFloorsMinor: bankDefaults.tierFloorsMinor,
  });
  if (!parsed.success) throw new BankOptionsError(parsed.error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`).join('\n  '));
  try {
    assertPeriodEndsBefore(periodOf(parsed.data), today);
  } catch (error) {
    throw new BankOptionsError(`--start: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parsed.data;
}
