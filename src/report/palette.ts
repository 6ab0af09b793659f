import type { AlertKind } from '../domain/alert.ts';

/** One colour per alert kind, the same in every chart: reds for money leaving, greens for money arriving. */
export const kindColors: Record<AlertKind, string> = {
  LARGE_OUTFLOW: '#c62828',
  CUMULATIVE_OUTFLOW: '#ef6c00',
  LEAKAGE: '#8d6e63',
  LARGE_INFLOW: '#2e7d32',
  CUMULATIVE_INFLOW: '#81c784',
  DORMANCY: '#757575',
  UPGRADE_ELIGIBLE: '#1565c0',
  DOWNGRADE_RISK: '#ad1457',
  CHURN_RISK: '#6a1b9a',
  IDLE_FUNDS: '#00838f',
  MATURITY: '#9e9d24',
  RM_HANDOVER: '#5d4037',
};

/** Rising shades for tiers, lowest first (upgrades in blues, downgrades in reds). */
export const upgradeShades = ['#90caf9', '#42a5f5', '#1565c0', '#0d47a1', '#002171'];
export const downgradeShades = ['#ef9a9a', '#e57373', '#c62828', '#8e0000', '#5f0000'];

export const neutral = '#546e7a';
export const accent = '#6a1b9a';
