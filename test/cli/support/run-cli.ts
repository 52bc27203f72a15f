import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const execFileAsync = promisify(execFile);

/** The real `confide` executable: it registers tsx and imports packages/cli/src/main.ts. */
export const CLI = resolve('packages/cli/bin/confide.js');
const RECORD_MODULES = resolve('test/cli/support/record-modules.mjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BinResult extends CliResult {
  /** Every module URL the process loaded (file:, node: and data: URLs). */
  readonly modules: readonly string[];
}

/**
 * `node <entry>` runs `confide`: the run's bundle of the CLI's source (test/support/cli-bundle.ts, built by the
 * global setup), which starts in about a sixth of the CPU time the real executable takes to compile the same
 * source through tsx; the real executable where no bundle was built, or with `CONFIDE_TEST_CLI=bin` (to run the
 * CLI tests through it, or to compare).
 */
export function cliEntry(): string {
  if (process.env.CONFIDE_TEST_CLI === 'bin') return CLI;
  return inject('cliBundle') ?? CLI;
}

async function run(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, argv, {
      env: { ...process.env, ...env },
      timeout: 170_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

/** Runs `confide <args>` as a real child process (the run's bundle of the CLI: {@link cliEntry}). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return run([cliEntry(), ...args], env);
}

/**
 * Runs the real `confide` executable (packages/cli/bin/confide.js, through tsx) as a child process, recording the
 * modules it loaded: for tests about how the command itself starts and what it loads.
 */
export async function runCliBin(args: string[], env: Record<string, string> = {}): Promise<BinResult> {
  const folder = mkdtempSync(join(tmpdir(), 'confide-cli-modules-'));
  const log = join(folder, 'modules.txt');
  try {
    const result = await run(['--import', RECORD_MODULES, CLI, ...args], { ...env, CONFIDE_MODULE_LOG: log });
    let modules: string[] = [];
    try {
      modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      // No module was loaded after the hook registered (the process failed first).
    }
    return { ...result, modules };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
