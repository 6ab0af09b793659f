import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/env.ts';
import { parseGenerateOptions } from '../../../src/cli/generate-command.ts';
import { dayOfIsoDate } from '../../../src/generate/calendar.ts';
import { transactionSchema } from '../../../src/domain/transaction.ts';
import { DAY } from './bank-fixture.ts';
import { generateFiles } from './files-fixture.ts';
import { drawBankProfile } from '../../../src/generate/family.ts';

const today = dayOfIsoDate('2026-11-23')!;

describe('generate options', () => {
  it('fills in the defaults: 1000 customers, 18 whole months ending before today, seed 42, 8% churn, 5% growth, one RM per 250', () => {
    const request = parseGenerateOptions({ out: 'data' }, today);
    expect(request.bank).toMatchObject({ customers: 1000, months: 18, start: '2025-05-01', seed: 42, currency: 'CZK', churnShare: 0.08, growShare: 0.05, rms: 4 });
    expect(request.bank.tierFloorsMinor).toEqual({ GOLD: 10_000_000, PLATINUM: 30_000_000, BLACK_GOLD: 100_000_000 });
    expect(request).toMatchObject({ out: 'data', to: 'jsonl', rate: null, quiet: false });
  });

  it('reads shares as fractions or percentages, tier floors in whole currency units, and at least one RM', () => {
    const request = parseGenerateOptions({ out: 'd', customers: '100', churnShare: '10%', growShare: '0.02', goldFrom: '80000', platinumFrom: '250000', blackGoldFrom: '2000000' }, today);
    expect(request.bank).toMatchObject({ customers: 100, churnShare: 0.1, growShare: 0.02, rms: 1 });
    expect(request.bank.tierFloorsMinor).toEqual({ GOLD: 8_000_000, PLATINUM: 25_000_000, BLACK_GOLD: 200_000_000 });
  });

  it('refuses bad options with the option named', () => {
    const problem = (raw: Record<string, unknown>) => {
      try {
        parseGenerateOptions({ out: 'd', ...raw }, today);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(problem({ customers: 'many' })).toContain('--customers');
    expect(problem({ start: '2025-02-30' })).toContain('--start');
    expect(problem({ start: '2026-06-01' })).toMatch(/--start: .*does not end before today/);
    expect(problem({ churnShare: '0.7', growShare: '0.5' })).toContain('--grow-share');
    expect(problem({ to: 'csv' })).toContain('--to');
    expect(problem({ rate: '100' })).toContain('--rate: applies to --to kafka only');
    expect(problem({ goldFrom: '400000' })).toContain('tier floors must rise');
    expect(problem({ seed: '-1' })).toContain('--seed');
  });

  it('draws a bank of a family from --family-seed and --bank-index, the size from the command line, and refuses knobs the bank draws', () => {
    const request = parseGenerateOptions({ out: 'd', familySeed: '7', bankIndex: '2', customers: '300', months: '12' }, today);
    const profile = drawBankProfile(7, 2, { customers: 300, months: 12 });
    expect(request.bank).toEqual(profile.options);
    expect(request.bankProfile).toEqual({ familySeed: 7, index: 2, rulesPreset: profile.rulesPreset, description: profile.description });
    expect(() => parseGenerateOptions({ out: 'd', familySeed: '7', bankIndex: '2', seed: '1' }, today)).toThrow(/--seed: a family bank draws its own/);
    expect(() => parseGenerateOptions({ out: 'd', familySeed: '7' }, today)).toThrow(/--family-seed and --bank-index go together/);
  });

  it('takes the currency and served tiers of a --rules file, and a balance scale', () => {
    const request = parseGenerateOptions({ out: 'd', rules: 'rules/presets/hk-trb.yaml', balanceScale: '0.3' }, today);
    expect(request.bank.currency).toBe('HKD');
    expect(request.bank.servedTiers?.map((tier) => tier.name)).toEqual(['REGULAR', 'MID', 'PREMIER']);
    expect(request.bank.balanceScale).toBe(0.3);
  });

  it('with the default start, puts no event on or after today', async () => {
    const now = Math.floor(Date.now() / DAY);
    const request = parseGenerateOptions({ out: 'unused', customers: '30', months: '1' }, now);
    const files = await generateFiles(request.bank);
    try {
      const times = (await files.lines('transactions.jsonl')).map((line) => transactionSchema.parse(JSON.parse(line)).eventTime);
      expect(times.length).toBeGreaterThan(100);
      expect(Math.max(...times)).toBeLessThan(now * DAY);
    } finally {
      await files.remove();
    }
  }, 60_000);
});
