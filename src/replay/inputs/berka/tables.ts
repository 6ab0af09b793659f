import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { splitFields } from '../csv-fields.ts';
import { readLines } from '../lines.ts';
import { parseBerkaDate } from './dates.ts';
import type { CalendarDate } from './dates.ts';

/** The PKDD'99 files, semicolon-separated with a header row. */
export const berkaFiles = {
  transactions: 'trans.asc',
  accounts: 'account.asc',
  dispositions: 'disp.asc',
  clients: 'client.asc',
  districts: 'district.asc',
  /** Optional: tells a repayment of this bank's own loan from one elsewhere. */
  loans: 'loan.asc',
} as const;

export interface BerkaAccount {
  accountId: string;
  districtId: string;
  opened: CalendarDate;
  /** The client with the OWNER disposition: the customer whose account it is. */
  ownerClientId: string | null;
  /** A DISPONENT (someone else allowed to use the account) makes it a shared, household account. */
  shared: boolean;
  /** A loan of this bank is paid from the account (loan.asc). */
  hasLoan: boolean;
}

/** The reference tables, small enough to hold (4,500 accounts, 5,369 clients, 77 districts). */
export interface BerkaTables {
  accounts: Map<string, BerkaAccount>;
  clients: Set<string>;
  districts: Set<string>;
}

export class BerkaFormatError extends Error {
  override readonly name = 'BerkaFormatError';
}

/** Rows of a table (header skipped), each with its line number; a row that does not split is a broken table. */
async function* rowsOf(folder: string, file: string): AsyncGenerator<{ fields: string[]; line: number }> {
  const path = join(folder, file);
  let header = true;
  for await (const { lines, firstLine } of readLines(path)) {
    for (let index = 0; index < lines.length; index += 1) {
      const text = lines[index]!;
      if (text.trim().length === 0) continue;
      if (header) {
        header = false;
        continue;
      }
      const fields = splitFields(text, ';');
      if (fields === undefined) throw new BerkaFormatError(`${path}:${firstLine + index}: unterminated quote`);
      yield { fields, line: firstLine + index };
    }
  }
}

function field(fields: string[], index: number, where: string): string {
  const value = fields[index]?.trim();
  if (value === undefined || value === '') throw new BerkaFormatError(`${where}: column ${index + 1} is missing`);
  return value;
}

/** Reads account, disp, client and district (and loan, when present); an inconsistency stops the replay with its place. */
export async function loadBerkaTables(folder: string): Promise<BerkaTables> {
  const districts = new Set<string>();
  for await (const { fields, line } of rowsOf(folder, berkaFiles.districts)) districts.add(field(fields, 0, `${berkaFiles.districts}:${line}`));

  const clients = new Set<string>();
  for await (const { fields, line } of rowsOf(folder, berkaFiles.clients)) clients.add(field(fields, 0, `${berkaFiles.clients}:${line}`));

  const accounts = new Map<string, BerkaAccount>();
  for await (const { fields, line } of rowsOf(folder, berkaFiles.accounts)) {
    const where = `${berkaFiles.accounts}:${line}`;
    const accountId = field(fields, 0, where);
    const districtId = field(fields, 1, where);
    const opened = parseBerkaDate(field(fields, 3, where));
    if (opened === undefined) throw new BerkaFormatError(`${where}: the opening date is not YYMMDD`);
    if (!districts.has(districtId)) throw new BerkaFormatError(`${where}: district ${districtId} is not in ${berkaFiles.districts}`);
    accounts.set(accountId, { accountId, districtId, opened, ownerClientId: null, shared: false, hasLoan: false });
  }

  for await (const { fields, line } of rowsOf(folder, berkaFiles.dispositions)) {
    const where = `${berkaFiles.dispositions}:${line}`;
    const clientId = field(fields, 1, where);
    const account = accounts.get(field(fields, 2, where));
    if (account === undefined) throw new BerkaFormatError(`${where}: account ${fields[2]} is not in ${berkaFiles.accounts}`);
    if (!clients.has(clientId)) throw new BerkaFormatError(`${where}: client ${clientId} is not in ${berkaFiles.clients}`);
    const type = field(fields, 3, where);
    if (type === 'OWNER') {
      if (account.ownerClientId !== null) throw new BerkaFormatError(`${where}: account ${account.accountId} has a second OWNER`);
      account.ownerClientId = clientId;
    } else if (type === 'DISPONENT') {
      account.shared = true;
    } else {
      throw new BerkaFormatError(`${where}: disposition type ${type} is neither OWNER nor DISPONENT`);
    }
  }

  if (existsSync(join(folder, berkaFiles.loans))) {
    for await (const { fields, line } of rowsOf(folder, berkaFiles.loans)) {
      const account = accounts.get(field(fields, 1, `${berkaFiles.loans}:${line}`));
      if (account !== undefined) account.hasLoan = true;
    }
  }
  return { accounts, clients, districts };
}
