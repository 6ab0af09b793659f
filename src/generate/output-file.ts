import { constants } from 'node:fs';
import { access, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Output files of the CLI (alerts, summaries, reports, generated banks): written under a `.partial` name and
 * renamed when complete, and every failure is an OutputError that names the path the user gave, so the CLI says it
 * in one line and exits non-zero instead of losing the output silently.
 */
export class OutputError extends Error {
  override readonly name = 'OutputError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such folder',
  ENOTDIR: 'a parent is not a folder',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

/** The reason of a failed file operation in a few words (the errno name when it is not one of the usual). */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code];
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** Wraps a failure of writing `path` as an OutputError (an OutputError passes through). */
export function outputError(path: string, error: unknown): OutputError {
  return error instanceof OutputError ? error : new OutputError(path, fileErrorReason(error));
}

/** Writes a whole file under `.partial` and renames it: a reader never sees half of it, and a failure names the path. */
export async function writeOutputFile(path: string, content: string | Uint8Array): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await writeFile(partial, content);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => {});
    throw outputError(path, error);
  }
}

/**
 * Checks before a long run that each output could be written: its folder exists and is writable, and the path is
 * not a folder. Cheap, and it saves a ten-minute replay whose summary then has nowhere to go.
 */
export async function assertWritable(paths: ReadonlyArray<string | null | undefined>): Promise<void> {
  for (const path of paths) {
    if (path === null || path === undefined || path === '-') continue;
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw new OutputError(path, 'is a folder');
    try {
      const folder = await stat(dirname(path));
      if (!folder.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      await access(dirname(path), constants.W_OK);
    } catch (error) {
      throw outputError(path, error);
    }
  }
}
