import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * The bearer tokens allowed to read customer features, each with the customers it may see. Read from a file (a
 * mounted Secret), YAML or JSON:
 *
 *   tokens:
 *     - name: crm-prague-1            # who holds it: logged, never the token
 *       token: "…at least 24 characters…"    # or sha256: <hex of the token>, so the file need not hold it
 *       scope: { branchIds: [branch-prague-1], rmIds: [rm-7] }   # or scope: all
 *
 * A presented token is hashed and compared with every entry's hash in constant time, without stopping at the first
 * match, so neither the compare nor the loop tells how close a guess was.
 */

export type TokenScope = 'all' | { branchIds: readonly string[]; rmIds: readonly string[] };

export interface TokenGrant {
  name: string;
  scope: TokenScope;
}

const MIN_TOKEN_LENGTH = 24;

const scopeSchema = z.union([
  z.literal('all'),
  z
    .object({ branchIds: z.array(z.string().min(1)).default([]), rmIds: z.array(z.string().min(1)).default([]) })
    .strict()
    .refine((scope) => scope.branchIds.length + scope.rmIds.length > 0, 'name at least one branchId or rmId, or say `all`'),
]);

const entrySchema = z
  .object({
    name: z.string().min(1),
    token: z.string().min(MIN_TOKEN_LENGTH, `a token has at least ${MIN_TOKEN_LENGTH} characters`).optional(),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits').optional(),
    scope: scopeSchema,
  })
  .strict()
  .refine((entry) => (entry.token === undefined) !== (entry.sha256 === undefined), 'give exactly one of token and sha256');

const fileSchema = z.object({ tokens: z.array(entrySchema).min(1) }).strict();

interface HashedEntry {
  hash: Buffer;
  grant: TokenGrant;
}

export class TokensFileError extends Error {
  override readonly name = 'TokensFileError';
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Parses a tokens file's text; problems name the entry and field, never a token. */
export function parseTokens(text: string, source: string): BearerTokens {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new TokensFileError(`${source}: not YAML or JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new TokensFileError(`${source}: invalid tokens file:\n  ${problems.join('\n  ')}`);
  }
  const entries = parsed.data.tokens.map((entry) => ({
    hash: entry.token !== undefined ? sha256(entry.token) : Buffer.from(entry.sha256!, 'hex'),
    grant: { name: entry.name, scope: entry.scope },
  }));
  return new BearerTokens(entries);
}

export class BearerTokens {
  constructor(private readonly entries: readonly HashedEntry[]) {}

  /** The grant of the token in an `Authorization: Bearer …` header, or undefined. */
  grantFor(authorization: string | undefined): TokenGrant | undefined {
    const match = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(authorization ?? '');
    if (match === null) return undefined;
    const presented = sha256(match[1]!);
    let found: TokenGrant | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.hash) && found === undefined) found = entry.grant;
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }
}

/** Whether a grant covers a customer served by this branch and RM (from the customer's profile). */
export function scopeCovers(scope: TokenScope, customer: { branchId: string | null; rmId: string | null } | undefined): boolean {
  if (scope === 'all') return true;
  if (customer === undefined) return false;
  return (customer.branchId !== null && scope.branchIds.includes(customer.branchId)) || (customer.rmId !== null && scope.rmIds.includes(customer.rmId));
}

export interface TokensFileOptions {
  /** How often, at most, the file's mtime is looked at for a rotated Secret (ms). */
  recheckMs?: number;
  clock?: () => number;
  /** Told when a changed file is refused (the tokens in force stay). */
  onRefused?: (error: Error) => void;
  onReloaded?: (count: number) => void;
}

/**
 * A tokens file that follows a rotated Secret: its mtime is looked at no more than once per `recheckMs`, and a
 * changed file is read again. A file that became invalid changes nothing (the tokens in force stay).
 */
export class TokensFile {
  private tokens: BearerTokens;
  private mtimeMs: number;
  private checkedAt: number;
  private readonly recheckMs: number;
  private readonly clock: () => number;

  constructor(
    readonly path: string,
    private readonly options: TokensFileOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 10_000;
    this.clock = options.clock ?? Date.now;
    this.mtimeMs = this.stat();
    this.tokens = this.read();
    this.checkedAt = this.clock();
  }

  current(): BearerTokens {
    const now = this.clock();
    if (now - this.checkedAt < this.recheckMs) return this.tokens;
    this.checkedAt = now;
    try {
      const mtimeMs = this.stat();
      if (mtimeMs !== this.mtimeMs) {
        this.tokens = this.read();
        this.mtimeMs = mtimeMs;
        this.options.onReloaded?.(this.tokens.size);
      }
    } catch (error) {
      this.options.onRefused?.(error instanceof Error ? error : new Error(String(error)));
    }
    return this.tokens;
  }

  private stat(): number {
    try {
      return statSync(this.path).mtimeMs;
    } catch (error) {
      throw new TokensFileError(`${this.path}: cannot read the tokens file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }

  private read(): BearerTokens {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      throw new TokensFileError(`${this.path}: cannot read the tokens file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return parseTokens(text, this.path);
  }
}
