import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';
import { cliEntry } from '../cli/support/run-cli';
import type { TestApi } from '../support/test-api';

const execFileAsync = promisify(execFile);

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `confide audit verify --org <slug>` in a child process, as an operator runs it, against the shared local stack.
 * One data folder per test, kept between runs of that test (the local checkpoint store lives in it) and removed
 * when the test finishes.
 */
export function auditCli(api: TestApi): (slug: string) => Promise<CliRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
  writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(api.stack));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  return async (slug) => {
    try {
      const { stdout, stderr } = await execFileAsync(
        process.execPath,
        [cliEntry(), 'audit', 'verify', '--org', slug],
        { env: { ...process.env, CONFIDE_DATA_DIR: dataDir }, timeout: 170_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  };
}
