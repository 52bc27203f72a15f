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

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

const NOT_RUNNING = 'The local stack is not running. Start it in another terminal with: npm start';

/**
 * The running local stack, as `npm start` recorded it; a clear error when it is not running, including when the
 * marker names a process that is gone (a stack killed without cleaning up).
 */
export function runningStack(): LocalStackInfo {
  const file = join(localDataDir(), 'stack.json');
  if (!existsSync(file)) throw new CliError(NOT_RUNNING);
  const info = JSON.parse(readFileSync(file, 'utf8')) as LocalStackInfo;
  if (typeof info.pid === 'number' && !processAlive(info.pid)) {
    throw new CliError(
      `${NOT_RUNNING}\n(The npm start that recorded it, pid ${info.pid}, has ended without removing ${file}.)`,
    );
  }
  return info;
}

/** A failure to report in one line, without a stack trace. */
export class CliError extends Error {}
