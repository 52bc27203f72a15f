import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const CLI = resolve('packages/cli/bin/confide.js');
const RECORD_MODULES = resolve('test/cli/support/record-modules.mjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every module URL the process loaded (file:, node: and data: URLs). */
  readonly modules: readonly string[];
}

/** Runs `confide <args>` as a real child process, recording the modules it loaded. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const folder = mkdtempSync(join(tmpdir(), 'confide-cli-modules-'));
  const log = join(folder, 'modules.txt');
  const read = () => {
    try {
      return readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['--import', RECORD_MODULES, CLI, ...args],
      { env: { ...process.env, ...env, CONFIDE_MODULE_LOG: log }, timeout: 120_000 },
    );
    return { code: 0, stdout, stderr, modules: read() };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
      modules: read(),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
