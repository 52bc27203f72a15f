import { createHmac } from 'node:crypto';
import { signAssertion } from '@confide/api/provisioning';
import { newId, type OrgId } from '@confide/domain';
import { handler } from '@confide/service-provisioner/handler';
import { tenantScope } from '@confide/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LambdaEndpoint, startLambdaEndpoint } from '../support/aws-stand-ins';
import { globalIdOf, onboardTestOrganisation, type TestOrganisation, uniqueSlug } from '../support/fixtures';
import { exportWaived, OFFBOARD_MUTATION, offboardWithTwoOperators } from '../support/platform-fixtures';
import { type GraphqlResult, testApi } from '../support/test-api';

/**
 * Issue 14, side door 4: the provisioner trusted whoever invoked it. It now acts on a tenant only with an
 * assertion the api signed for an ORG_ADMIN's request of that organisation, and operators' actions land in the
 * platform audit log, offboarding on two operators' word.
 */

const codes = (result: GraphqlResult) => result.errors?.map((error) => error.extensions?.code);
const EMAIL = 'someone.chosen@attacker.example';

describe('the provisioner refuses tenant actions without the api’s assertion', () => {
  const api = testApi();
  let org: TestOrganisation;
  let staffId: string;

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
    const added = await api.services.directory.addStaff(tenantScope(org.orgId), {
      staffId: newId('staff'),
      handle: 'not.yet.invited',
      displayName: 'Not Yet Invited',
      roles: ['SUPPORT_WORKER'],
    });
    staffId = added.staffId;
  });

  const input = () => ({ organisationId: org.orgId, staffId, email: EMAIL });
  const sign = (
    overrides: {
      organisationId?: string;
      action?: 'inviteStaff' | 'registerPartnerClient';
      target?: string;
      actor?: string;
      signedInput?: unknown;
      now?: Date;
      key?: string;
    } = {},
  ) =>
    signAssertion(
      api.services,
      {
        organisationId: overrides.organisationId ?? org.orgId,
        action: overrides.action ?? 'inviteStaff',
        target: overrides.target ?? staffId,
        input: overrides.signedInput ?? input(),
        actor: { kind: 'STAFF', id: overrides.actor ?? org.adminStaffId },
      },
      {
        ...(overrides.now ? { now: overrides.now } : {}),
        ...(overrides.key
          ? {
              mac: {
                mac: async (message: Uint8Array) =>
                  createHmac('sha256', overrides.key ?? '')
                    .update(message)
                    .digest(),
                verify: async () => false,
              },
            }
          : {}),
      },
    );

  it('refuses a direct inviteStaff with no, an expired, a forged or a misdirected assertion, and records each', async () => {
    // Prepare: an assertion that names another organisation, one for another action, one signed for another
    // address (the invitation's address swapped afterwards), one for another staff member, one by a staff member
    // who is no ORG_ADMIN, one expired, one signed with a key the api does not hold.
    const other = await onboardTestOrganisation(api);
    const worker = staffId;
    const events: Record<string, unknown> = {
      missing: { action: 'inviteStaff', input: input() },
      expired: {
        action: 'inviteStaff',
        input: input(),
        assertion: await sign({ now: new Date(Date.now() - 10 * 60 * 1000) }),
      },
      signature: { action: 'inviteStaff', input: input(), assertion: await sign({ key: 'not-the-key' }) },
      organisation: {
        action: 'inviteStaff',
        input: input(),
        assertion: await sign({ organisationId: other.orgId }),
      },
      action: {
        action: 'inviteStaff',
        input: input(),
        assertion: await sign({ action: 'registerPartnerClient' }),
      },
      input: {
        action: 'inviteStaff',
        input: input(),
        assertion: await sign({ signedInput: { ...input(), email: 'the.person@charity.example' } }),
      },
      target: { action: 'inviteStaff', input: input(), assertion: await sign({ target: org.adminStaffId }) },
      actor: { action: 'inviteStaff', input: input(), assertion: await sign({ actor: worker }) },
      malformed: { action: 'inviteStaff', input: input(), assertion: 'not.an-assertion' },
    };

    // Act
    const answers = Object.fromEntries(
      await Promise.all(
        Object.entries(events).map(async ([name, event]) => [name, await handler(event)] as const),
      ),
    );

    // Assess: each refused FORBIDDEN for its own reason, before anything happened.
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer, name).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', reason: name === 'malformed' ? 'signature' : name },
      });
    }
    const staff = await api.services.directory.staff(tenantScope(org.orgId), staffId);
    expect(staff?.externalSubject).toMatch(/^sub_/);
    // Recorded in the platform audit log and the organisation's own, by ids and reasons: never the address.
    const platform = await api.services.platformAudit.list({ organisationId: org.orgId, limit: 50 });
    const refusals = platform.filter((event) => event.operation === 'provisioner.inviteStaff');
    expect(refusals.map((event) => event.rule).sort()).toEqual(
      Object.keys(events)
        .map((name) => `provisioner.assertion.${name === 'malformed' ? 'signature' : name}`)
        .sort(),
    );
    expect(refusals.every((event) => event.outcome === 'FORBIDDEN')).toBe(true);
    const tenant = await api.services.auditLog.bySubject(tenantScope(org.orgId), staffId);
    expect(
      tenant.filter((event) => event.operation === 'provisioner.inviteStaff' && event.action === 'DENIED'),
    ).toHaveLength(refusals.length);
    expect(JSON.stringify([platform, tenant])).not.toContain(EMAIL);
  });

  it('accepts the api’s valid assertion once: a replay of it is refused', async () => {
    // Prepare: a valid assertion, as the api signs it for the organisation's admin.
    const event = { action: 'inviteStaff', input: input(), assertion: await sign() };

    // Act
    const first = await handler(event);
    const replayed = await handler(event);

    // Assess: the first gets past the assertion (this provisioner has no user pool, so that is where it stops:
    // it would invite in a deployed stage, see test/deploy); the replay is refused.
    expect(first).toMatchObject({ ok: false, error: { code: 'BAD_USER_INPUT' } });
    expect(first.ok ? undefined : first.error.reason).toBeUndefined();
    expect(replayed).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'replayed' } });
  });

  it('refuses a direct registerPartnerClient, disableStaffSignIn and offboard without an assertion of their own', async () => {
    const partnerId = newId('partner');
    const disableInput = { organisationId: org.orgId, staffId };

    const [partner, disable, disableAsInvite, offboard] = await Promise.all([
      handler({ action: 'registerPartnerClient', input: { organisationId: org.orgId, partnerId } }),
      handler({ action: 'disableStaffSignIn', input: disableInput }),
      handler({
        action: 'disableStaffSignIn',
        input: disableInput,
        assertion: await sign({ signedInput: disableInput }),
      }),
      handler({ action: 'offboard', input: { organisationId: org.orgId, pendingWindowInDays: 7 } }),
    ]);

    expect(partner).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'missing' } });
    expect(disable).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'missing' } });
    expect(disableAsInvite).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'action' } });
    expect(offboard).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'missing' } });
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('ACTIVE');
  });

  it('takes an operator’s assertion to end a deactivated account’s sign-in, and for nothing else (decision 0109)', async () => {
    // Prepare: assertions the api signed for an operator (an administrator restoration), for the active member and
    // for a deactivated one, and one for an invitation.
    const deactivated = await api.services.directory.addStaff(tenantScope(org.orgId), {
      staffId: newId('staff'),
      handle: 'left.the.charity',
      displayName: 'Left The Charity',
      roles: ['ORG_ADMIN'],
    });
    await api.services.directory.updateStaff(tenantScope(org.orgId), deactivated.staffId, {
      status: 'DEACTIVATED',
    });
    const asOperator = (action: 'disableStaffSignIn' | 'inviteStaff', target: string, signed: unknown) =>
      signAssertion(api.services, {
        organisationId: org.orgId,
        action,
        target,
        input: signed,
        actor: { kind: 'OPERATOR', id: 'operator-2' },
      });
    const activeInput = { organisationId: org.orgId, staffId };
    const leaverInput = { organisationId: org.orgId, staffId: deactivated.staffId };

    // Act
    const active = await handler({
      action: 'disableStaffSignIn',
      input: activeInput,
      assertion: await asOperator('disableStaffSignIn', staffId, activeInput),
    });
    const leaver = await handler({
      action: 'disableStaffSignIn',
      input: leaverInput,
      assertion: await asOperator('disableStaffSignIn', deactivated.staffId, leaverInput),
    });
    const invitation = await handler({
      action: 'inviteStaff',
      input: input(),
      assertion: await asOperator('inviteStaff', staffId, input()),
    });

    // Assess: the assertion is taken for the deactivated account (this provisioner has no user pool to call), the
    // active one keeps its sign-in, and an operator invites nobody.
    expect(active).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(leaver).toMatchObject({ ok: false, error: { code: 'BAD_USER_INPUT' } });
    expect(JSON.stringify(leaver)).toContain('need a user pool');
    expect(invitation).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'actor' } });
  });

  it('refuses an offboarding assertion that names one operator twice', async () => {
    const offboardInput = { organisationId: org.orgId, pendingWindowInDays: 7 };
    const assertion = await signAssertion(api.services, {
      organisationId: org.orgId,
      action: 'offboard',
      target: 'operator-1',
      input: offboardInput,
      actor: { kind: 'OPERATOR', id: 'operator-1' },
    });

    const answer = await handler({ action: 'offboard', input: offboardInput, assertion });

    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'actor' } });
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('ACTIVE');
  });
});

describe('the api signs the provisioner’s tenant actions only for an ORG_ADMIN of that organisation', () => {
  let lambda: LambdaEndpoint;
  const payloads: Record<string, unknown>[] = [];

  beforeAll(async () => {
    lambda = await startLambdaEndpoint({
      invoke: async (_name, payload) => {
        const event = JSON.parse(payload) as Record<string, unknown>;
        payloads.push(event);
        return { payload: JSON.stringify(await handler(event)) };
      },
    });
  });
  afterAll(async () => {
    await lambda?.stop();
  });

  it('invokes the provisioner with an assertion naming the admin, the organisation and the staff member', async () => {
    // Prepare: the api configured with the provisioner function (whose handler has no user pool here).
    const api = testApi({
      env: {
        CONFIDE_PROVISIONER_FUNCTION: 'confide-test-provisioner',
        CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint,
      },
    });
    const org = await onboardTestOrganisation(api);
    const added = await api.services.directory.addStaff(tenantScope(org.orgId), {
      staffId: newId('staff'),
      handle: 'to.invite',
      displayName: 'To Invite',
      roles: ['SUPPORT_WORKER'],
    });
    const before = payloads.length;

    // Act
    const invited = await api.graphql(
      'mutation ($input: InviteStaffMemberInput!) { inviteStaffMember(input: $input) { id } }',
      {
        token: org.adminToken,
        variables: {
          input: { staffId: globalIdOf('StaffMember', added.staffId), email: 'to.invite@charity.example' },
        },
      },
    );

    // Assess: signed and accepted (it stops at the missing user pool, after the assertion was checked).
    expect(codes(invited)).toEqual(['BAD_USER_INPUT']);
    const [sent] = payloads.slice(before);
    expect(typeof sent?.assertion).toBe('string');
    const claims = JSON.parse(
      Buffer.from(String(sent?.assertion).split('.')[0] ?? '', 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({
      org: org.orgId,
      action: 'inviteStaff',
      actor: { kind: 'STAFF', id: org.adminStaffId },
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(300);
    expect(JSON.stringify(claims)).not.toContain('to.invite@charity.example');
    // Replayed as it was sent: refused.
    expect(await handler(sent)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', reason: 'replayed' },
    });
  });
});

describe('operators’ actions in the platform audit log, and offboarding on two operators’ word', () => {
  const api = testApi();
  const onboard = `mutation ($input: OnboardOrganisationInput!) {
    onboardOrganisation(input: $input) { organisation { id } }
  }`;

  it('records an onboarding: who, what, which organisation, when, the outcome; no personal data', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    const result = await api.graphql<{ onboardOrganisation: { organisation: { id: string } } }>(onboard, {
      token: await api.operatorToken(),
      variables: {
        input: {
          name: 'Audited charity',
          slug: uniqueSlug('audited'),
          preset: 'STRICT',
          firstAdminHandle: 'admin',
          firstAdminDisplayName: 'Priya Platformtest',
        },
      },
    });
    const orgId = result.data?.onboardOrganisation.organisation.id ?? '';

    const events = await api.services.platformAudit.list({ organisationId: orgId });
    expect(events.map((event) => [event.operation, event.outcome, event.actor])).toEqual([
      ['onboardOrganisation', 'COMPLETED', { kind: 'OPERATOR', id: 'operator-1' }],
    ]);
    expect(events[0]?.at && events[0].at >= started).toBe(true);
    const all = await api.services.platformAudit.list({ limit: 200 });
    const requested = all.find(
      (event) =>
        event.outcome === 'ALLOWED' &&
        event.requestId !== undefined &&
        (events[0]?.requestId ?? '').startsWith(event.requestId),
    );
    expect(requested).toMatchObject({
      operation: 'onboardOrganisation',
      rule: 'platform.organisation.onboard',
    });
    expect(JSON.stringify(all)).not.toContain('Priya Platformtest');
  });

  it('lets no operator offboard alone, nor approve their own request; a second operator completes it', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    await exportWaived(api, org.orgId);
    const first = await api.operatorToken();
    const variables = { input: { organisationId: org.orgId, pendingWindowInDays: 7 } };

    // Act: the first operator asks, then asks again (approving their own request).
    const asked = await api.graphql(OFFBOARD_MUTATION, { token: first, variables });
    const own = await api.graphql(OFFBOARD_MUTATION, { token: first, variables });

    // Assess: nothing happened yet.
    expect(codes(asked)).toEqual(['APPROVAL_REQUIRED']);
    expect(asked.errors?.[0]?.extensions?.organisationId).toBe(org.orgId);
    expect(codes(own)).toEqual(['FORBIDDEN']);
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('ACTIVE');
    expect(codes(await api.graphql('{ me { kind } }', { token: org.adminToken }))).toBeUndefined();

    // Act: a second operator.
    const done = await api.graphql<{ offboardOrganisation: { status: string } }>(OFFBOARD_MUTATION, {
      token: await api.secondOperatorToken(),
      variables: { input: { organisationId: org.orgId } },
    });

    // Assess: offboarded with the window the first asked for; every step in the platform audit log.
    expect(done.errors).toBeUndefined();
    expect(done.data?.offboardOrganisation.status).toBe('OFFBOARDED');
    const days =
      (Date.parse((await api.services.directory.organisation(org.orgId))?.keyDeletionDate ?? '') -
        Date.now()) /
      86_400_000;
    expect(Math.round(days)).toBe(7);
    const events = await api.services.platformAudit.list({ organisationId: org.orgId });
    expect(
      events
        .filter((event) => event.operation === 'offboardOrganisation')
        .map((event) => [event.actor.id, event.outcome, event.rule])
        .reverse(),
    ).toEqual([
      ['operator-1', 'APPROVAL_REQUESTED', 'platform.offboarding.requested'],
      ['operator-1', 'FORBIDDEN', 'platform.offboarding.own-request'],
      ['operator-2', 'ALLOWED', 'platform.offboarding.second-operator'],
      ['operator-2', 'COMPLETED', 'platform.offboarding.second-operator'],
    ]);
    // A new request is needed for anything further: the pending one is gone.
    expect(await api.services.platformAudit.pendingOffboarding(org.orgId)).toBeUndefined();
  });

  it('records an operator’s refused call in the platform audit log', async () => {
    const operator = await api.operatorToken('operator-refused');

    const refused = await api.graphql('{ organisation { id name } }', { token: operator });

    expect(codes(refused)).toEqual(['FORBIDDEN']);
    const events = await api.services.platformAudit.list({ limit: 200 });
    expect(
      events.find((event) => event.actor.id === 'operator-refused' && event.operation === 'organisation'),
    ).toMatchObject({ outcome: 'FORBIDDEN', rule: 'platform.organisation.own.principal' });
  });

  it('offboards through the helper both steps take', async () => {
    const org = await onboardTestOrganisation(api);
    const result = await offboardWithTwoOperators(api, org.orgId as OrgId);
    expect(result.data?.offboardOrganisation.status).toBe('OFFBOARDED');
  });
});
