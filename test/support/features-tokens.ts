import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An all-scope bearer token for GET /customers/:id/features in a temporary tokens file, for integration suites. */
export function featuresTokensFile(): { path: string; headers: { authorization: string } } {
  const token = 'integration-suite-token-0123456789';
  const path = join(mkdtempSync(join(tmpdir(), 'tw-tokens-')), 'tokens.yaml');
  writeFileSync(path, `tokens:\n  - name: integration-suite\n    token: ${token}\n    scope: all\n`, { mode: 0o600 });
  return { path, headers: { authorization: `Bearer ${token}` } };
}
