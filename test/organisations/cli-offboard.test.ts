import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../cli/support/run-cli';
import { onboardTestOrganisation } from '../support/fixtures';
import { exportWaived } from '../support/platform-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * `confide org offboard` on two operators' word (issue 14): the CLI goes through the API's offboardOrganisation with
 * an operator's token, so one operator only records the request and a different one, with `--approve`, runs it.
 */

const execFileAsync = promisify(execFile);

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runCli(api: TestApi, args: string[]): Promise<CliResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
  writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(api.stack));
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cliEntry(), ...args], {
      env: { ...process.env, CONFIDE_DATA_DIR: dataDir },
      timeout: 170_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('confide org offboard', () => {
  const api = testApi();
  const statusOf = async (orgId: OrgId) => (await api.services.directory.organisation(orgId))?.status;

  it('records the request as one operator; the same operator cannot approve it; a second operator runs it', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    await exportWaived(api, org.orgId);
    const offboard = (...extra: string[]) =>
      runCli(api, ['org', 'offboard', '--slug', org.slug, '--window', '7', ...extra]);

    // Act
    const requested = await offboard();
    const statusAfterRequest = await statusOf(org.orgId);
    const repeated = await offboard();
    const ownApproval = await offboard('--approve', '--operator-id', 'local-operator');
    const statusAfterOwnApproval = await statusOf(org.orgId);
    const approved = await offboard('--approve', '--operator-id', 'second-operator');

    // Assess: the request changes nothing but the pending request; only a different operator's approval offboards.
    expect(requested.code, requested.stderr).toBe(0);
    expect(requested.stdout).toContain(`Offboarding of ${org.slug} requested by local-operator`);
    expect(requested.stdout).toContain('--approve --operator-id');
    expect(statusAfterRequest).toBe('ACTIVE');
    expect(repeated.code).not.toBe(0);
    expect(repeated.stderr).toContain('already pending, requested by local-operator');
    expect(ownApproval.code).not.toBe(0);
    expect(ownApproval.stderr).toContain('FORBIDDEN');
    expect(statusAfterOwnApproval).toBe('ACTIVE');
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(
      `Offboarded ${org.slug} (requested by local-operator, approved by second-operator)`,
    );
    const organisation = await api.services.directory.organisation(org.orgId);
    expect(organisation?.status).toBe('OFFBOARDED');
    // The window the first operator gave.
    const days = (Date.parse(organisation?.keyDeletionDate ?? '') - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(7);
  }, 180_000);

  it('refuses an approval with nothing pending, and an operator named as `--operator <id>`', async () => {
    const org = await onboardTestOrganisation(api);

    const nothingPending = await runCli(api, [
      'org',
      'offboard',
      '--slug',
      org.slug,
      '--approve',
      '--operator-id',
      'second-operator',
    ]);
    const strayOperator = await runCli(api, ['org', 'offboard', '--slug', org.slug, '--operator', 'someone']);

    expect(nothingPending.code).not.toBe(0);
    expect(nothingPending.stderr).toContain(`No offboarding of ${org.slug} is pending`);
    expect(strayOperator.code).not.toBe(0);
    expect(strayOperator.stderr).toContain('--operator-id');
    expect(await statusOf(org.orgId)).toBe('ACTIVE');
    expect(await api.services.platformAudit.pendingOffboarding(org.orgId)).toBeUndefined();
  });

  it('mints a named operator’s token with `token --operator --operator-id`, which the API takes as that operator', async () => {
    const minted = await runCli(api, ['token', '--operator', '--operator-id', 'second-operator']);

    expect(minted.code, minted.stderr).toBe(0);
    const token = minted.stdout.trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ sub: 'second-operator', 'cognito:groups': ['confide-operators'] });
    const me = await api.graphql<{ me: { kind: string } }>('{ me { kind } }', { token });
    expect(me.data?.me.kind).toBe('OPERATOR');
  });
});
