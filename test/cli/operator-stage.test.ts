import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onboardOrganisation } from '@confide/api/onboarding';
import { newId, type OrgId } from '@confide/domain';
import { handleHttpApiEvent } from '@confide/service-api';
import { handler as provisionerHandler } from '@confide/service-provisioner/handler';
import { tenantScope } from '@confide/store';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LambdaEndpoint, startLambdaEndpoint } from '../support/aws-stand-ins';
import { uniqueSlug } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { runCli, runCliBin } from './support/run-cli';

/**
 * Issue 20: the operator's `confide` against a deployed stage, through the real command and a signed stand-in of
 * Lambda's Invoke API. `org create`, `org list` and `users` invoke the stage's provisioner function (its real handler
 * against the local stack); `org offboard` and `org export --waive` invoke the stage's api function with the
 * operator's own token, whose offboarding invokes the provisioner again with the api's signed assertion, so the
 * two-operator rule and the export gate (decision 0034) hold exactly as they do for the API.
 */

const ADMIN_NAME = 'Canary Adminname';
const ADMIN_EMAIL = 'canary.admin@charity.example';

describe('confide against a deployed stage (--stage)', () => {
  let lambda: LambdaEndpoint;
  let api: TestApi;
  const payloads: { functionName: string; event: Record<string, unknown> }[] = [];
  const folder = mkdtempSync(join(tmpdir(), 'confide-stage-cli-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    lambda = await startLambdaEndpoint({
      invoke: async (functionName, payload) => {
        const event = JSON.parse(payload) as Record<string, unknown>;
        payloads.push({ functionName, event });
        if (functionName === 'confide-qa-provisioner') {
          return { payload: JSON.stringify(await provisionerHandler(event)) };
        }
        if (functionName === 'confide-qa-api') {
          const answer = await handleHttpApiEvent(
            api.yoga,
            event as unknown as APIGatewayProxyEventV2,
            {} as Context,
          );
          return { payload: JSON.stringify(answer) };
        }
        return {
          payload: '{"errorType":"ResourceNotFoundException","errorMessage":"Function not found"}',
          functionError: 'Unhandled',
        };
      },
    });
    // The stage's api, as in prod: it runs registered documents only, and invokes the stage's provisioner (signed,
    // with its assertions) for offboarding.
    api = testApi({
      env: {
        CONFIDE_PROVISIONER_FUNCTION: 'confide-qa-provisioner',
        CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint,
        CONFIDE_TRUSTED_DOCUMENTS_ONLY: 'true',
      },
    });
    env = {
      CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'eu-west-2',
      // No running local stack is needed (nor read): the stage is the stand-in.
      CONFIDE_DATA_DIR: join(folder, 'no-local-stack'),
    };
  });

  afterAll(async () => {
    await lambda.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const stage = (args: string[], extra: Record<string, string> = {}) =>
    runCli([...args, '--stage', 'qa'], { ...env, ...extra });
  const invoked = (since: number) =>
    lambda.invocations.slice(since).map((call) => [call.functionName, call.signatureValid]);

  it('org create and org list invoke the provisioner, signed; the answer names no person', async () => {
    // Prepare
    const slug = uniqueSlug('stage');
    const before = lambda.invocations.length;

    // Act
    const created = await stage([
      'org',
      'create',
      '--name',
      'Stage charity',
      '--slug',
      slug,
      '--admin-handle',
      'canary.admin',
      '--admin-name',
      ADMIN_NAME,
      '--admin-email',
      ADMIN_EMAIL,
      '--second-admin-handle',
      'canary.second',
      '--second-admin-name',
      'Second Canary',
      '--second-admin-email',
      'second.canary@charity.example',
      '--dpa',
      'DPA-2026-7',
    ]);
    // The real executable (through tsx) once, as an operator runs it; the rest of this file runs the run's bundle.
    const listed = await runCliBin(['org', 'list', '--stage', 'qa'], env);

    // Assess: done in the stage (the directory has it), through two signed invocations of its provisioner.
    expect(created.code, created.stderr).toBe(0);
    const orgId = await api.services.directory.organisationIdBySlug(slug);
    expect(orgId).toMatch(/^org_/);
    expect(created.stdout).toContain(`Onboarded ${slug} (${orgId}) in qa`);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${slug}\\s+ACTIVE\\s+STRICT\\s+${orgId}`));
    expect(listed.stdout.split('\n')[0]).toMatch(/^SLUG +STATUS +PRESET +ID +CREATED$/);
    const second = await api.services.directory.staffByHandle(tenantScope(orgId as OrgId), 'canary.second');
    expect(second?.roles).toEqual(['ORG_ADMIN']);
    expect(created.stdout).toContain(`second admin ${second?.staffId}, invited by email`);
    for (const output of [created.stdout, listed.stdout]) {
      expect(output).not.toContain(ADMIN_NAME);
      expect(output).not.toContain(ADMIN_EMAIL);
      expect(output).not.toContain('canary.admin');
      expect(output).not.toContain('Second Canary');
      expect(output).not.toContain('second.canary@');
      expect(output).not.toContain('canary.second');
    }
    expect(invoked(before)).toEqual([
      ['confide-qa-provisioner', true],
      ['confide-qa-provisioner', true],
    ]);
    expect(payloads.at(-2)?.event).toMatchObject({
      action: 'onboard',
      input: { slug, firstAdmin: { email: ADMIN_EMAIL } },
    });
  }, 180_000);

  it('the provisioner’s refusals come back with their code and the flag; bad input is refused before invoking', async () => {
    // Prepare
    const slug = uniqueSlug('stage');
    const create = (slugValue: string, ...more: string[]) =>
      stage([
        'org',
        'create',
        '--name',
        'Stage charity',
        '--slug',
        slugValue,
        '--admin-handle',
        'first.admin',
        '--admin-name',
        'First Admin',
        '--admin-email',
        'first.admin@charity.example',
        ...more,
      ]);
    expect((await create(slug)).code).toBe(0);
    const before = lambda.invocations.length;

    // Act
    const withAssertion = await provisionerHandler({ action: 'listStaff', input: { slug }, assertion: 'x' });
    const taken = await create(slug);
    const badSlug = await create('Not A Slug');
    const badPreset = await create(uniqueSlug('stage'), '--preset', 'LAX');
    const missing = await stage(['org', 'create', '--name', 'No slug']);
    const badStage = await runCli(['org', 'list', '--stage', 'Prod!'], env);
    const unknownStage = await runCli(['org', 'list', '--stage', 'nowhere'], env);
    const secondLikeFirst = await create(
      uniqueSlug('stage'),
      '--second-admin-handle',
      'first.admin',
      '--second-admin-name',
      'Second Admin',
      '--second-admin-email',
      'second.admin@charity.example',
    );
    const secondWithoutName = await create(uniqueSlug('stage'), '--second-admin-handle', 'second.admin');

    // Assess
    expect(withAssertion).toMatchObject({
      ok: false,
      error: { code: 'BAD_USER_INPUT', field: ['assertion'] },
    });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('--slug: That slug is already in use. (CONFLICT)');
    expect(badSlug.code).toBe(1);
    expect(badSlug.stderr).toContain('--slug: A slug has 1–40 lower-case letters');
    expect(badSlug.stderr).toContain('(BAD_USER_INPUT)');
    expect(badPreset.code).toBe(1);
    expect(badPreset.stderr).toContain('--preset is one of STRICT, GROUP_WIDE');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Give --name, --slug, --admin-handle and --admin-name');
    expect(badStage.stderr).toContain('--stage takes a stage name');
    expect(unknownStage.code).toBe(1);
    expect(unknownStage.stderr).toContain('The nowhere provisioner could not be run');
    expect(unknownStage.stderr).toContain('ResourceNotFoundException');
    expect(secondLikeFirst.code).toBe(1);
    expect(secondLikeFirst.stderr).toContain(
      '--second-admin-handle: The two admins need different handles. (BAD_USER_INPUT)',
    );
    expect(secondWithoutName.code).toBe(1);
    expect(secondWithoutName.stderr).toContain(
      'Give --second-admin-handle and --second-admin-name together.',
    );
    // The taken slug and the bad slug reached the provisioner (which refused them); the rest never left the CLI.
    expect(invoked(before)).toEqual([
      ['confide-qa-provisioner', true],
      ['confide-qa-provisioner', true],
      ['confide-nowhere-provisioner', true],
      ['confide-qa-provisioner', true],
    ]);
  }, 180_000);

  it('users lists staff ids, roles, status and creation in the stage and locally: no name, handle or email', async () => {
    // Prepare: an organisation with a second staff member.
    const slug = uniqueSlug('stage');
    const created = await stage([
      'org',
      'create',
      '--name',
      'Staffed charity',
      '--slug',
      slug,
      '--admin-handle',
      'canary.admin',
      '--admin-name',
      ADMIN_NAME,
      '--admin-email',
      ADMIN_EMAIL,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const orgId = await api.services.directory.organisationIdBySlug(slug);
    if (!orgId) throw new Error('not onboarded');
    const { staffId: worker } = await api.services.directory.addStaff(tenantScope(orgId), {
      staffId: newId('staff'),
      handle: 'canary.worker',
      displayName: 'Canary Workername',
      roles: ['SUPPORT_WORKER'],
    });
    const staff = await api.services.directory.listStaff(tenantScope(orgId));
    const admin = staff.find((member) => member.roles.includes('ORG_ADMIN'));
    writeFileSync(join(folder, 'stack.json'), JSON.stringify(api.stack));
    const local = { CONFIDE_DATA_DIR: folder };

    // Act
    const inStage = await stage(['users', '--org', slug]);
    const locally = await runCli(['users', '--org', slug], local);
    const unknown = await stage(['users', '--org', uniqueSlug('none')]);
    const help = await runCli(['users', '--help']);

    // Assess: the same roster both ways, and nothing that names a person.
    for (const result of [inStage, locally]) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`${admin?.staffId}\\s+ACTIVE\\s+ORG_ADMIN\\s+\\d{4}-\\d{2}-\\d{2}T`),
      );
      expect(result.stdout).toMatch(new RegExp(`${worker}\\s+ACTIVE\\s+SUPPORT_WORKER\\s+\\d{4}-`));
      for (const personal of ['Canary', 'canary.', ADMIN_EMAIL])
        expect(result.stdout).not.toContain(personal);
    }
    expect(inStage.stdout.trim().split('\n')).toHaveLength(3);
    // An operator's look at a tenant's staff is on the platform's record.
    const platform = await api.services.platformAudit.list({ organisationId: orgId });
    expect(platform.map((event) => [event.operation, event.actor.id])).toContainEqual([
      'provisioner.listStaff',
      'direct-invocation',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--org: No organisation with that slug. (NOT_FOUND)');
    expect(help.stdout).toContain('no names, emails or handles');
  }, 180_000);

  it.each([
    { command: 'add', action: 'registerOperator', noPool: 'Registering an operator needs a user pool' },
    {
      command: 'reactivate',
      action: 'reactivateOperator',
      noPool: 'Reactivating an operator needs a user pool',
    },
  ])(
    'operator $command asks the stage’s provisioner ($action) about a user of its pool; it needs --stage and --username',
    async ({ command, action, noPool }) => {
      // Prepare: this stage's provisioner has no user pool (the registration and the reactivation themselves are tested
      // against the provisioner as built, with a user pool stand-in: test/deploy/built-artifacts.test.ts).
      const sent = payloads.length;

      // Act
      const withoutPool = await stage(['operator', command, '--username', 'ops.one@platform.example']);
      const noStage = await runCli(['operator', command, '--username', 'ops.one@platform.example'], env);
      const noUsername = await stage(['operator', command]);
      const help = await runCli(['operator', command, '--help']);

      // Assess: one request, as the provisioner reads it; its refusal with the code; the rest never left the CLI.
      expect(payloads.slice(sent)).toEqual([
        {
          functionName: 'confide-qa-provisioner',
          event: { action, input: { username: 'ops.one@platform.example' } },
        },
      ]);
      expect(withoutPool.code).toBe(1);
      expect(withoutPool.stderr).toContain(`BAD_USER_INPUT: ${noPool}`);
      expect(noStage.code).toBe(1);
      expect(noStage.stderr).toContain('give --stage <stage>');
      expect(noUsername.code).toBe(1);
      expect(noUsername.stderr).toContain('Give --username');
      expect(help.stdout).toContain('--username <email>');
      expect(help.stdout).toContain('confide-operators group');
    },
  );

  it('confirm-admin in a stage goes through its api with the operator’s token, as a registered document', async () => {
    // Prepare: an organisation with one admin, who has proposed another (the pending change, as the api stores it)
    const slug = uniqueSlug('stage');
    const { organisation, firstAdmin } = await onboardOrganisation(api.services, {
      name: 'One admin',
      slug,
      preset: 'STRICT',
      firstAdmin: { handle: 'only.admin', displayName: 'Only Admin' },
    });
    const scope = tenantScope(organisation.orgId);
    const volunteer = await api.services.directory.addStaff(scope, {
      handle: 'next.admin',
      displayName: 'Next Admin',
      roles: ['VOLUNTEER'],
    });
    const proposed = await api.services.approvals.propose(scope, {
      operation: 'assignRoles',
      args: { input: { staffId: { typename: 'StaffMember', id: volunteer.staffId }, roles: ['ORG_ADMIN'] } },
      subjectId: volunteer.staffId,
      proposedBy: firstAdmin.staffId,
      rule: 'identity.roles.approver',
    });
    const operator = { CONFIDE_OPERATOR_TOKEN: await api.operatorToken('operator-1') };

    // Act
    const unknown = await stage(['org', 'confirm-admin', '--slug', slug, '--approval', 'apr_none'], operator);
    const confirmed = await stage(
      ['org', 'confirm-admin', '--slug', slug, '--approval', proposed.approvalId],
      operator,
    );

    // Assess
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('NOT_FOUND: Pending change not found.');
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toContain(`Confirmed the new admin of ${slug}`);
    expect(await api.services.approvals.get(scope, proposed.approvalId)).toMatchObject({
      status: 'PENDING',
      confirmedByOperator: 'operator-1',
    });
  }, 180_000);

  it('restore-admin in a stage goes through its api with each operator’s token, as a registered document', async () => {
    // Prepare: an organisation whose only admin has left, and the staff member the charity names.
    const slug = uniqueSlug('stage');
    const { organisation, firstAdmin } = await onboardOrganisation(api.services, {
      name: 'Admin left',
      slug,
      preset: 'STRICT',
      firstAdmin: { handle: 'gone.admin', displayName: 'Gone Admin' },
    });
    const scope = tenantScope(organisation.orgId);
    const named = await api.services.directory.addStaff(scope, {
      handle: 'next.admin',
      displayName: 'Next Admin',
      roles: ['SUPPORT_WORKER'],
    });
    const restore = (operatorId: string, staff: string) =>
      api.operatorToken(operatorId).then((token) =>
        stage(['org', 'restore-admin', '--slug', slug, '--staff', staff], {
          CONFIDE_OPERATOR_TOKEN: token,
        }),
      );

    // Act
    const unknown = await restore('operator-1', 'stf_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    const asked = await restore('operator-1', named.staffId);
    const ran = await restore('operator-2', named.staffId);

    // Assess
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('NOT_FOUND: Staff member not found.');
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toContain('a second operator runs the same command');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`Restored the administration of ${slug}`);
    expect((await api.services.directory.staff(scope, named.staffId))?.roles).toContain('ORG_ADMIN');
    expect((await api.services.directory.staff(scope, firstAdmin.staffId))?.status).toBe('DEACTIVATED');
  }, 180_000);

  it('operator suspend goes through the stage’s api with the operator’s token, and locally as an operator', async () => {
    // Prepare: two operators who are leaving (the stage and the local stack share one table here).
    const inStage = `op-stage-${Math.random().toString(36).slice(2, 8)}`;
    const locally = `op-local-${Math.random().toString(36).slice(2, 8)}`;
    await api.services.operators.register(inStage, 'deployment');
    await api.services.operators.register(locally, 'deployment');
    const operator = { CONFIDE_OPERATOR_TOKEN: await api.operatorToken('operator-1') };
    writeFileSync(join(folder, 'stack.json'), JSON.stringify(api.stack));
    const local = { CONFIDE_DATA_DIR: folder };

    // Act
    const suspended = await stage(['operator', 'suspend', '--operator', inStage], operator);
    const again = await stage(['operator', 'suspend', '--operator', inStage], operator);
    const noToken = await stage(['operator', 'suspend', '--operator', inStage]);
    const withOperatorId = await stage(
      ['operator', 'suspend', '--operator', inStage, '--operator-id', 'operator-2'],
      operator,
    );
    const localSuspended = await runCli(['operator', 'suspend', '--operator', locally], local);
    const missing = await runCli(['operator', 'suspend'], local);

    // Assess
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(suspended.stdout).toContain(`Suspended operator ${inStage}`);
    // In a stage, asking again finishes the pool's part (decision 0128): answered, the status not written again.
    expect(again.code, again.stderr).toBe(0);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('CONFIDE_OPERATOR_TOKEN');
    expect(withOperatorId.code).toBe(1);
    expect(withOperatorId.stderr).toContain('--operator-id');
    expect(localSuspended.code, localSuspended.stderr).toBe(0);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Give --operator');
    expect(await api.services.operators.status(inStage)).toMatchObject({
      status: 'SUSPENDED',
      version: 2,
      changedBy: 'operator-1',
    });
    expect(await api.services.operators.status(locally)).toMatchObject({
      status: 'SUSPENDED',
      changedBy: 'local-operator',
    });
  }, 180_000);

  it('offboarding in a stage goes through its api with the operator’s token: export gate, waiver, two operators', async () => {
    // Prepare
    const slug = uniqueSlug('stage');
    const created = await stage([
      'org',
      'create',
      '--name',
      'Leaving charity',
      '--slug',
      slug,
      '--admin-handle',
      'leaving.admin',
      '--admin-name',
      'Leaving Admin',
      '--admin-email',
      'leaving.admin@charity.example',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const orgId = (await api.services.directory.organisationIdBySlug(slug)) ?? '';
    const first = { CONFIDE_OPERATOR_TOKEN: await api.operatorToken('operator-1') };
    const second = { CONFIDE_OPERATOR_TOKEN: await api.secondOperatorToken() };
    const before = lambda.invocations.length;

    // Act
    const noToken = await stage(['org', 'offboard', '--slug', slug]);
    const badToken = await stage(['org', 'offboard', '--slug', slug], {
      CONFIDE_OPERATOR_TOKEN: 'not-a-token',
    });
    const withOperatorId = await stage(['org', 'offboard', '--slug', slug, '--operator-id', 'x'], first);
    const refused = await stage(['org', 'offboard', '--slug', slug, '--window', '7'], first);
    const exportInStage = await stage(['org', 'export', '--slug', slug, '--to', folder], first);
    const badWaiver = await stage(
      ['org', 'export', '--slug', slug, '--waive', 'CONTROLLER_HOLDS_COPY', '--reference', 'no spaces'],
      first,
    );
    const waived = await stage(
      ['org', 'export', '--slug', slug, '--waive', 'CONTROLLER_HOLDS_COPY', '--reference', 'LTR-2026/07'],
      first,
    );
    const requested = await stage(['org', 'offboard', '--slug', slug, '--window', '7'], first);
    const sameOperator = await stage(['org', 'offboard', '--slug', slug, '--approve'], first);
    const approved = await stage(['org', 'offboard', '--slug', slug, '--approve'], second);

    // Assess: refused until the waiver, then two different operators; nothing reached AWS without a token.
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('CONFIDE_OPERATOR_TOKEN');
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain('UNAUTHENTICATED');
    expect(withOperatorId.code).toBe(1);
    expect(withOperatorId.stderr).toContain('--operator-id');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('EXPORT_REQUIRED');
    expect(exportInStage.code).toBe(1);
    expect(exportInStage.stderr).toContain('--to');
    expect(badWaiver.code).toBe(1);
    expect(badWaiver.stderr).toContain('--reference takes');
    expect(waived.code, waived.stderr).toBe(0);
    expect(waived.stdout).toContain(`Export of ${slug} waived in qa (CONTROLLER_HOLDS_COPY)`);
    expect(requested.code, requested.stderr).toBe(0);
    expect(requested.stdout).toContain(`Offboarding of ${slug} requested in qa`);
    expect(sameOperator.code).toBe(1);
    expect(sameOperator.stderr).toMatch(/FORBIDDEN|APPROVAL_REQUIRED|different operator/);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`Offboarded ${slug} in qa`);
    expect((await api.services.directory.organisation(orgId as never))?.status).toBe('OFFBOARDED');
    const calls = invoked(before);
    expect(calls.every(([, signed]) => signed)).toBe(true);
    expect(calls.map(([name]) => name)).toContain('confide-qa-api');
    // The api's own offboarding invocation carried its assertion; the CLI never invoked the provisioner's offboard.
    const offboards = payloads.filter((call) => call.event.action === 'offboard');
    expect(offboards.length).toBeGreaterThan(0);
    expect(offboards.every((call) => typeof call.event.assertion === 'string')).toBe(true);
  }, 240_000);
});
