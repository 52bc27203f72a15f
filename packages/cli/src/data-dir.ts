import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalStackInfo } from '@confide/local';

const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The local data folder: `CONFIDE_DATA_DIR`, or `.confide/local` at the repository root. */
export function localDataDir(): string {
  return process.env.CONFIDE_DATA_DIR
    ? resolve(process.env.CONFIDE_DATA_DIR)
    : join(REPO_ROOT, '.confide', 'local');
}

/** The running local stack, as `npm start` recorded it; a clear error when it is not running. */
export function runningStack(): LocalStackInfo {
  const file = join(localDataDir(), 'stack.json');
  if (!existsSync(file)) {
    throw new CliError('The local stack is not running. Start it in another terminal with: npm start');
  }
  return JSON.parse(readFileSync(file, 'utf8')) as LocalStackInfo;
}

/** A failure to report in one line, without a stack trace. */
export class CliError extends Error {}
