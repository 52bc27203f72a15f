import { randomUUID } from 'node:crypto';
import {
  disableStaffSignIn,
  enableStaffSignIn,
  inviteStaff,
  runProvisionerEvent,
  type SignInAccounts,
  signAssertion,
} from '@confide/api/provisioning';
import type { OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }) =>
  result.errors?.map((error) => error.extensions?.code);

const INVITE = `mutation ($input: InviteStaffMemberInput!) { inviteStaffMember(input: $input) { id handle } }`;
const EMAIL = 'jo.invited@charity.example';

/** A user pool that records its calls; `subject` chooses the `sub` of the next user it creates. */
function recordingPool(subject: () => string = randomUUID) {
  const created: { orgId: OrgId; staffId: string; email: string }[] = [];
  const disabled: string[] = [];
  const enabled: string[] = [];
  const pool: SignInAccounts = {
    async create(orgId, staffId, email) {
      created.push({ orgId, staffId, email });
      const sub = subject();
      return { subject: sub, username: sub };
    },
    async disable(username) {
      disabled.push(username);
      return true;
    },
    async enable(username) {
      enabled.push(username);
      return true;
    },
  };
  return { pool, created, disabled, enabled };
}

describe('inviting staff to sign in (decision 0021)', () => {
  const api = testApi();

  it('is refused locally, where there is no user pool, as BAD_USER_INPUT naming it; only ORG_ADMIN may ask', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const before = await api.services.directory.staff(tenantScope(org.orgId), worker.staffId);

    // Act
    const local = await api.graphql(INVITE, {
      token: org.adminToken,
      variables: { input: { staffId: worker.globalId, email: EMAIL } },
    });
    const badEmail = await api.graphql(INVITE, {
      token: org.adminToken,
      variables: { input: { staffId: worker.globalId, email: 'not an address' } },
    });
    const notAdmin = await api.graphql(INVITE, {
      token: worker.token,
      variables: { input: { staffId: worker.globalId, email: EMAIL } },
    });

    // Assess
    expect(codes(local)).toEqual(['BAD_USER_INPUT']);
    expect(local.errors?.[0]?.extensions?.unavailable).toBe('userPool');
    expect(JSON.stringify(local)).not.toContain(EMAIL);
    expect(codes(badEmail)).toEqual(['BAD_USER_INPUT']);
    expect(badEmail.errors?.[0]?.extensions?.field).toEqual(['input', 'email']);
    expect(codes(notAdmin)).toEqual(['FORBIDDEN']);
    const after = await api.services.directory.staff(tenantScope(org.orgId), worker.staffId);
    expect(after?.externalSubject).toBe(before?.externalSubject);
  });

  it('moves the identity link to the new user’s sub, once; a second invitation is CONFLICT and creates no user', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const scope = tenantScope(org.orgId);
    const oldSubject = (await api.services.directory.staff(scope, worker.staffId))?.externalSubject ?? '';
    const { pool, created, disabled } = recordingPool();
    const input = { organisationId: org.orgId, staffId: worker.staffId, email: EMAIL };

    // Act
    const invited = await inviteStaff(api.services, input, pool);
    const again = await inviteStaff(api.services, { ...input, email: 'other@charity.example' }, pool).catch(
      (error: { code?: string }) => error.code,
    );

    // Assess
    expect(created).toEqual([{ orgId: org.orgId, staffId: worker.staffId, email: EMAIL }]);
    expect(again).toBe('CONFLICT');
    expect(disabled).toEqual([]);
    expect(invited.externalSubject).not.toBe(oldSubject);
    expect(invited.version).toBe(2);
    const oldLink = await api.services.directory.organisationAndIdentity(org.orgId, oldSubject);
    const newLink = await api.services.directory.organisationAndIdentity(org.orgId, invited.externalSubject);
    expect(oldLink.identity).toBeUndefined();
    expect(newLink.identity).toEqual({ kind: 'STAFF', principalId: worker.staffId });
  });

  it('disables the new user and changes nothing when the link cannot be moved', async () => {
    // Prepare: the pool answers a sub that is already linked (the admin's), so the transaction's put fails.
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const scope = tenantScope(org.orgId);
    const adminSubject = (await api.services.directory.staff(scope, org.adminStaffId))?.externalSubject ?? '';
    const oldSubject = (await api.services.directory.staff(scope, worker.staffId))?.externalSubject ?? '';
    const { pool, disabled } = recordingPool(() => adminSubject);

    // Act
    const refused = await inviteStaff(
      api.services,
      { organisationId: org.orgId, staffId: worker.staffId, email: EMAIL },
      pool,
    ).catch((error: { code?: string }) => error.code);

    // Assess
    expect(refused).toBe('CONFLICT');
    expect(disabled).toEqual([adminSubject]);
    const after = await api.services.directory.staff(scope, worker.staffId);
    expect(after).toMatchObject({ externalSubject: oldSubject, version: 1 });
    const oldLink = await api.services.directory.organisationAndIdentity(org.orgId, oldSubject);
    expect(oldLink.identity).toEqual({ kind: 'STAFF', principalId: worker.staffId });
    const adminLink = await api.services.directory.organisationAndIdentity(org.orgId, adminSubject);
    expect(adminLink.identity).toEqual({ kind: 'STAFF', principalId: org.adminStaffId });
  });
});

describe('ending a deactivated staff member’s sign-in', () => {
  const api = testApi();
  const DEACTIVATE = 'mutation ($input: DeactivateStaffInput!) { deactivateStaff(input: $input) { status } }';

  it('disables the user of a deactivated member by their subject; an active member’s never', async () => {
    // Prepare: a member invited to sign in, still active.
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const { pool, disabled } = recordingPool();
    const input = { organisationId: org.orgId, staffId: worker.staffId };
    const invited = await inviteStaff(api.services, { ...input, email: EMAIL }, pool);

    // Act: asked while active; then deactivated through the api (locally: no user pool to call) and asked again.
    const whileActive = await disableStaffSignIn(api.services, input, pool).catch(
      (error: { code?: string }) => error.code,
    );
    const deactivated = await api.graphql(DEACTIVATE, {
      token: org.adminToken,
      variables: { input: { staffId: worker.globalId } },
    });
    const afterwards = await disableStaffSignIn(api.services, input, pool);

    // Assess
    expect(whileActive).toBe('CONFLICT');
    expect(codes(deactivated)).toBeUndefined();
    expect(afterwards.disabled).toBe(true);
    expect(disabled).toEqual([invited.externalSubject]);
  });

  it('calls the pool for no one never invited, and needs a pool', async () => {
    // Prepare: a member added and deactivated, never invited.
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['VOLUNTEER']);
    await api.graphql(DEACTIVATE, {
      token: org.adminToken,
      variables: { input: { staffId: worker.globalId } },
    });
    const { pool, disabled } = recordingPool();
    const input = { organisationId: org.orgId, staffId: worker.staffId };

    // Act
    const neverInvited = await disableStaffSignIn(api.services, input, pool);
    const noPool = await disableStaffSignIn(api.services, input).catch(
      (error: { code?: string }) => error.code,
    );

    // Assess
    expect(neverInvited.disabled).toBe(false);
    expect(disabled).toEqual([]);
    expect(noPool).toBe('BAD_USER_INPUT');
  });

  it('enables a re-employed member’s user again (decision 0129); a deactivated member’s never, nor on an operator’s word', async () => {
    // Prepare: a member invited to sign in, whose employment ends through the api (locally: no user pool to call).
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['VOLUNTEER']);
    const { pool, enabled } = recordingPool();
    const input = { organisationId: org.orgId, staffId: worker.staffId };
    const invited = await inviteStaff(api.services, { ...input, email: EMAIL }, pool);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const ended = await api.graphql(
      'mutation ($input: RecordEmploymentEndedInput!) { recordEmploymentEnded(input: $input) { endedOn } }',
      { token: org.adminToken, variables: { input: { staffId: worker.globalId, endedOn: yesterday } } },
    );
    const byOperator = {
      action: 'enableStaffSignIn',
      input,
      assertion: await signAssertion(api.services, {
        organisationId: org.orgId,
        action: 'enableStaffSignIn',
        target: worker.staffId,
        input,
        actor: { kind: 'OPERATOR', id: 'local-operator' },
      }),
    };

    // Act: asked while the account is deactivated; asked on an operator's signed word; re-employed, then asked.
    const whileDeactivated = await enableStaffSignIn(api.services, input, pool).catch(
      (error: { code?: string }) => error.code,
    );
    const operatorAnswer = await runProvisionerEvent(api.services, byOperator, pool);
    const reemployed = await api.graphql(
      'mutation ($input: RecordReemploymentInput!) { recordReemployment(input: $input) { status } }',
      { token: org.adminToken, variables: { input: { staffId: worker.globalId } } },
    );
    const afterwards = await enableStaffSignIn(api.services, input, pool);

    // Assess
    expect(codes(ended)).toBeUndefined();
    expect(whileDeactivated).toBe('CONFLICT');
    expect(operatorAnswer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'actor' } });
    expect(codes(reemployed)).toBeUndefined();
    expect(afterwards.enabled).toBe(true);
    expect(enabled).toEqual([invited.externalSubject]);
  });
});
