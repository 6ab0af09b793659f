import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { ConfigError } from '../config/env.ts';
import { fileErrorReason } from '../generate/output-file.ts';

/** Checks up front that a file the command reads (e.g. --rules) is a readable file, naming the option and path if not. */
export async function assertReadableFile(path: string, option: string): Promise<void> {
  try {
    const found = await stat(path);
    if (found.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    await access(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${option} ${path}: ${code === 'ENOENT' ? 'no such file' : fileErrorReason(error)}`);
  }
}
