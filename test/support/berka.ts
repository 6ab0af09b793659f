import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The PKDD'99 sample: TIDEWATCH_BERKA_DIR, or the `shared/` folder beside the checkout, or the workspace's. A CI
 * clone may live elsewhere than the checkout, hence the fallbacks; under CI=true a missing sample is a failure
 * (the tests that need it say so), not a skip.
 */
const candidates = [
  process.env['TIDEWATCH_BERKA_DIR'],
  fileURLToPath(new URL('../../../shared/data/berka/', import.meta.url)),
  '/work/shared/data/berka/',
].filter((candidate): candidate is string => candidate !== undefined && candidate !== '');

export const berkaSample: string | undefined = candidates.find((candidate) => existsSync(join(candidate, 'trans.asc')));

export const berkaMissing = `no PKDD'99 sample (looked in ${candidates.join(', ')}; set TIDEWATCH_BERKA_DIR)`;

/** Whether the sample's tests run: always under CI=true (where a missing sample then fails), else if it is there. */
export const runBerkaTests = berkaSample !== undefined || process.env['CI'] === 'true';

export function requireBerkaSample(): string {
  if (berkaSample === undefined) throw new Error(berkaMissing);
  return berkaSample;
}
