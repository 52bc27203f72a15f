import { newOrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/support/run-cli';

/**
 * Decision 0031: existing organisation keys name the api role; only the break-glass role may change a key policy
 * (decision 0029). `confide keys policy` prints the policy to put, with the tenant-access role bound to the
 * organisation's encryption context (and, with --transition, the api role kept until the new api is live).
 */

type Statement = { Sid: string; Principal?: { AWS?: string }; Action: string[]; Condition?: unknown };

describe('confide keys policy (decision 0031)', () => {
  const orgId = newOrgId();
  const args = ['keys', 'policy', '--org-id', orgId, '--stage', 'prod', '--account', '123456789012'];

  it("prints the final policy: the stage's tenant-access role under this organisation's context, the api role not at all", async () => {
    const result = await runCli(args);
    expect(result.code, result.stderr).toBe(0);
    const policy = JSON.parse(result.stdout) as { Statement: Statement[] };
    const tenant = policy.Statement.find((s) => s.Sid === 'TenantAccessUsesKeyOnlyForThisOrganisation');
    expect(tenant?.Principal?.AWS).toBe('arn:aws:iam::123456789012:role/confide-prod-tenant-access');
    expect([...(tenant?.Action ?? [])].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(tenant?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:orgId': orgId } });
    expect(result.stdout).not.toContain('role/confide-prod-api"');
    const putters = policy.Statement.filter((s) => s.Action.includes('kms:PutKeyPolicy'));
    expect(putters.map((s) => s.Principal?.AWS)).toEqual([
      'arn:aws:iam::123456789012:role/confide-prod-break-glass',
    ]);
  });

  it('with --transition also keeps the api role, under the same condition', async () => {
    const result = await runCli([...args, '--transition']);
    expect(result.code, result.stderr).toBe(0);
    const policy = JSON.parse(result.stdout) as { Statement: Statement[] };
    const api = policy.Statement.find((s) => s.Sid === 'ApiUsesKeyOnlyForThisOrganisation');
    expect(api?.Principal?.AWS).toBe('arn:aws:iam::123456789012:role/confide-prod-api');
    expect(api?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:orgId': orgId } });
    expect(policy.Statement.some((s) => s.Sid === 'TenantAccessUsesKeyOnlyForThisOrganisation')).toBe(true);
  });

  it('refuses a malformed organisation id or account, printing no policy', async () => {
    const badOrg = await runCli([
      'keys',
      'policy',
      '--org-id',
      'org_x*',
      '--stage',
      'prod',
      '--account',
      '123456789012',
    ]);
    expect(badOrg.code).not.toBe(0);
    expect(badOrg.stdout).not.toContain('Statement');
    const badAccount = await runCli([
      'keys',
      'policy',
      '--org-id',
      orgId,
      '--stage',
      'prod',
      '--account',
      '12345',
    ]);
    expect(badAccount.code).not.toBe(0);
    expect(badAccount.stdout).not.toContain('Statement');
  });
});
