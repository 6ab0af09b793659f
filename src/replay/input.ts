import { existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileNames } from '../generate/sinks.ts';
import type { OutcomeSource } from './outcomes.ts';
import type { ProductSource, ProfileItem, ProfileUpdateSource, ReplayItem } from './records.ts';
import { openBerka } from './inputs/berka/reader.ts';
import { berkaFiles } from './inputs/berka/tables.ts';
import { csvProfiles, csvTransactions } from './inputs/csv.ts';
import { jsonlOutcomes, jsonlProducts, jsonlProfiles, jsonlTransactions } from './inputs/jsonl.ts';
import { reorderByEventTime } from './inputs/reorder.ts';
import type { ReorderStats } from './inputs/reorder.ts';
import { readRmAssignment, withRmAssignment } from './inputs/rm-assignment.ts';

export const inputFormats = ['jsonl', 'csv', 'berka'] as const;
export type InputFormat = (typeof inputFormats)[number];

export interface InputRequest {
  /** A file (jsonl, csv), a folder written by `tidewatch generate`, or the PKDD'99 folder. */
  input: string;
  /** Guessed from the input when absent: a folder with trans.asc is berka, a .csv file csv, anything else jsonl. */
  format?: InputFormat;
  profiles?: string;
  outcomes?: string;
  /** Product events (JSON Lines), in event-time order; default: a generated folder's products.jsonl, if any. */
  products?: string;
  /** Changes of customer profiles during the period (JSON Lines), in updatedAt order; default: a generated folder's profile-updates.jsonl, if any. */
  profileUpdates?: string;
  rmAssignment?: string;
  /** Days a row may come behind the latest read and still be put in order (berka: 0 by default, sorting within days). */
  reorderDays?: number;
  /** The bank's time zone (berka's dates are stamped at noon there). */
  timeZone: string;
  onBytes?: (bytesRead: number) => void;
}

export interface OpenedInput {
  format: InputFormat;
  /** The transactions file, as dead letters name it. */
  transactionsPath: string;
  transactions: AsyncIterable<ReplayItem[]>;
  profiles: AsyncIterable<readonly ProfileItem[]> | Iterable<readonly ProfileItem[]>;
  outcomes: OutcomeSource | undefined;
  products: ProductSource | undefined;
  profileUpdates: ProfileUpdateSource | undefined;
  totalBytes: number;
  reorder: (ReorderStats & { windowDays: number }) | null;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

export function formatOf(input: string): InputFormat {
  if (isFolder(input)) return existsSync(join(input, berkaFiles.transactions)) ? 'berka' : 'jsonl';
  return extname(input).toLowerCase() === '.csv' ? 'csv' : 'jsonl';
}

const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** The files of the side inputs (JSON Lines), where there are any. */
interface SideInputPaths {
  outcomes?: string;
  products?: string;
  profileUpdates?: string;
}

/** A folder written by `tidewatch generate` brings its own product events and profile updates; named files win. */
function sideInputPaths(request: Pick<InputRequest, 'input' | 'outcomes' | 'products' | 'profileUpdates'>, format: InputFormat): SideInputPaths {
  const generated = (name: string) => (format === 'jsonl' && isFolder(request.input) && existsSync(join(request.input, name)) ? join(request.input, name) : undefined);
  return { outcomes: request.outcomes, products: request.products ?? generated(fileNames.products), profileUpdates: request.profileUpdates ?? generated(fileNames.profileUpdates) };
}

/** Opens the side inputs (nothing is read yet). */
function openSideInputs(paths: SideInputPaths): Pick<OpenedInput, 'outcomes' | 'products' | 'profileUpdates'> {
  return {
    outcomes: paths.outcomes === undefined ? undefined : jsonlOutcomes(paths.outcomes),
    products: paths.products === undefined ? undefined : jsonlProducts(paths.products),
    profileUpdates: paths.profileUpdates === undefined ? undefined : jsonlProfiles(paths.profileUpdates),
  };
}

/** Opens what `--input` and its companions name; nothing is read yet but the berka reference tables. */
export async function openInput(request: InputRequest): Promise<OpenedInput> {
  if (!existsSync(request.input)) throw new InputError(`--input ${request.input}: no such file or folder`);
  const companions = [['--profiles', request.profiles], ['--outcomes', request.outcomes], ['--products', request.products], ['--profile-updates', request.profileUpdates], ['--rm-assignment', request.rmAssignment]] as const;
  for (const [option, path] of companions) {
    if (path !== undefined && !existsSync(path)) throw new InputError(`${option} ${path}: no such file`);
  }
  const format = request.format ?? formatOf(request.input);
  const assignment = request.rmAssignment === undefined ? undefined : await readRmAssignment(request.rmAssignment);
  const assigned = (profiles: OpenedInput['profiles']) => (assignment === undefined ? profiles : withRmAssignment(profiles, assignment));
  const { outcomes, products, profileUpdates } = openSideInputs(sideInputPaths(request, format));

  if (format === 'berka') {
    if (!isFolder(request.input)) throw new InputError(`--format berka: --input must be the folder holding ${berkaFiles.transactions} and the reference tables`);
    if (request.profiles !== undefined) throw new InputError('--format berka: profiles come from the data set\'s own tables; --profiles does not apply');
    const reorderDays = request.reorderDays ?? 0;
    const berka = await openBerka(request.input, { timeZone: request.timeZone, reorderDays, onBytes: request.onBytes });
    return {
      format,
      transactionsPath: join(request.input, berkaFiles.transactions),
      transactions: berka.transactions,
      profiles: assigned([berka.profiles]),
      outcomes,
      products,
      profileUpdates,
      totalBytes: berka.totalBytes,
      reorder: Object.assign(berka.reorder, { windowDays: reorderDays }),
    };
  }

  // a folder written by `tidewatch generate`: its transactions, and its profiles unless others are named
  const folder = isFolder(request.input);
  const transactionsPath = folder ? join(request.input, fileNames.transactions) : request.input;
  if (!existsSync(transactionsPath)) throw new InputError(`--input ${request.input}: no ${fileNames.transactions} in the folder`);
  const generatedProfiles = folder && existsSync(join(request.input, fileNames.profiles)) ? join(request.input, fileNames.profiles) : undefined;
  const profilesPath = request.profiles ?? generatedProfiles;
  const readProfiles = (path: string) => (extname(path).toLowerCase() === '.csv' ? csvProfiles(path) : jsonlProfiles(path));
  const read = format === 'csv' ? csvTransactions : jsonlTransactions;
  let transactions: AsyncIterable<ReplayItem[]> = read(transactionsPath, request.onBytes);
  let reorder: OpenedInput['reorder'] = null;
  if (request.reorderDays !== undefined) {
    const stats = { late: 0, maxBuffered: 0, windowDays: request.reorderDays };
    transactions = reorderByEventTime(transactions, request.reorderDays * 86_400_000, (left, right) => left.line - right.line, stats);
    reorder = stats;
  }
  return {
    format,
    transactionsPath,
    transactions,
    profiles: assigned(profilesPath === undefined ? [] : readProfiles(profilesPath)),
    outcomes,
    products,
    profileUpdates,
    totalBytes: statSync(transactionsPath).size,
    reorder,
  };
}
