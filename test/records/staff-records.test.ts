import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import type { TestApi } from '../support/test-api';
import { testApi } from '../support/test-api';

const DETAILS = {
  homeAddress: '4 Willow Close, Harrogate HG1 2AB',
  personalPhone: '07700 900456',
  emergencyContact: 'Sam Rivers (partner) 07700 900789',
  personnelNotes: 'Return-to-work interview held; phased return agreed.',
};

const FIELDS = 'homeAddress personalPhone emergencyContact personnelNotes version';

const UPDATE = `mutation ($input: UpdatePersonnelRecordInput!) {
  updatePersonnelRecord(input: $input) { ${FIELDS} }
}`;

const READ = `query ($id: ID!) { personnelRecord(staffId: $id) { ${FIELDS} } }`;

const PERMIT = `mutation ($id: ID!, $r: String!, $e: DateTime!) {
  recordReferencePermission(staffId: $id, recipient: $r, expiresAt: $e) { id recipient expiresAt inForce }
}`;

const RELEASE = `mutation ($id: ID!, $r: String!, $s: String!) {
  releaseReference(staffId: $id, recipient: $r, summary: $s) { id recipient summary releasedBy releasedAt }
}`;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function world(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const [hr, senior, chief, colleague, subject, admin] = await Promise.all([
    addStaff(api, org, ['HR_OFFICER']),
    addStaff(api, org, ['SENIOR_MANAGER']),
    addStaff(api, org, ['CHIEF_EXECUTIVE']),
    addStaff(api, org, ['SERVICE_MANAGER']),
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['ORG_ADMIN']),
  ]);
  return { org, hr, senior, chief, colleague, subject, admin };
}

describe('staff personnel records (STAFF_PERSONAL, Azure 5.1)', () => {
  const api = testApi();

  it('are read by HR, senior management, the chief executive and the staff member only', async () => {
    // Prepare
    const { org, hr, senior, chief, colleague, subject, admin } = await world(api);
    const written = await api.graphql<{ updatePersonnelRecord: Record<string, unknown> }>(UPDATE, {
      token: hr.token,
      variables: { input: { staffId: subject.globalId, ...DETAILS } },
    });
    const read = (token: string) =>
      api.graphql<{ personnelRecord: Record<string, unknown> | null }>(READ, {
        token,
        variables: { id: subject.globalId },
      });

    // Act
    const [asHr, asSenior, asChief, asColleague] = await Promise.all([
      read(hr.token),
      read(senior.token),
      read(chief.token),
      read(colleague.token),
    ]);
    const asSelf = await api.graphql<{ me: { staffMember: { personnelRecord: Record<string, unknown> } } }>(
      `{ me { staffMember { personnelRecord { ${FIELDS} } } } }`,
      { token: subject.token },
    );
    const asAdmin = await api.graphql<{ node: { handle: string; personnelRecord: unknown } }>(
      'query ($id: ID!) { node(id: $id) { ... on StaffMember { handle personnelRecord { homeAddress } } } }',
      { token: admin.token, variables: { id: subject.globalId } },
    );

    // Assess
    expectNoErrors(written);
    expect(written.data?.updatePersonnelRecord).toEqual({ ...DETAILS, version: 1 });
    for (const result of [asHr, asSenior, asChief]) {
      expectNoErrors(result);
      expect(result.data?.personnelRecord).toEqual({ ...DETAILS, version: 1 });
    }
    expectNoErrors(asSelf);
    expect(asSelf.data?.me.staffMember.personnelRecord).toEqual({ ...DETAILS, version: 1 });
    expect(asColleague.data?.personnelRecord).toBeNull();
    expect(codes(asColleague)).toEqual(['FORBIDDEN']);
    expect(asColleague.text).not.toContain('Willow');
    expect(asAdmin.data?.node.handle).toBeTruthy();
    expect(asAdmin.data?.node.personnelRecord).toBeNull();
    expect(codes(asAdmin)).toEqual(['FORBIDDEN']);
    expect(asAdmin.errors?.[0]?.path).toEqual(['node', 'personnelRecord']);
    expect(asAdmin.text).not.toContain('Willow');

    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), subject.staffId);
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'READ',
        classifications: ['STAFF_PERSONAL'],
        actor: expect.objectContaining({ id: senior.staffId }),
        rule: 'staff-personal.personnel',
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'READ',
        relationship: 'SELF',
        actor: expect.objectContaining({ id: subject.staffId }),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'DENIED',
        outcome: 'FORBIDDEN',
        actor: expect.objectContaining({ id: colleague.staffId }),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'WRITE',
        operation: 'updatePersonnelRecord',
        fields: [
          'PersonnelRecord.emergencyContact',
          'PersonnelRecord.homeAddress',
          'PersonnelRecord.personalPhone',
          'PersonnelRecord.personnelNotes',
        ],
      }),
    );
    expect(JSON.stringify(events)).not.toContain('Willow');
  });

  it('are sealed under the staff member’s own key', async () => {
    // Prepare
    const { org, hr, subject } = await world(api);
    expectNoErrors(
      await api.graphql(UPDATE, {
        token: hr.token,
        variables: { input: { staffId: subject.globalId, ...DETAILS } },
      }),
    );

    // Act
    const stored = await api.services.dynamo.send(
      new GetItemCommand({
        TableName: api.services.config.tables.data,
        Key: { pk: { S: tenantScope(org.orgId).key('STAFF', subject.staffId) }, sk: { S: 'PERSONNEL' } },
      }),
    );

    // Assess
    const raw = JSON.stringify(stored.Item);
    for (const value of Object.values(DETAILS)) expect(raw).not.toContain(value.slice(0, 10));
    expect(stored.Item?.enc_homeAddress?.B).toBeDefined();
    expect(stored.Item?.enc_personnelNotes?.B).toBeDefined();
  });

  it('are changed by HR, and by the staff member for their own contact details only', async () => {
    // Prepare
    const { hr, colleague, subject } = await world(api);
    const update = (token: string, input: Record<string, unknown>) =>
      api.graphql<{ updatePersonnelRecord: Record<string, unknown> | null }>(UPDATE, {
        token,
        variables: { input: { staffId: subject.globalId, ...input } },
      });

    // Act
    const ownPhone = await update(subject.token, { personalPhone: '07700 900111', expectedVersion: 0 });
    const ownNotes = await update(subject.token, { personnelNotes: 'All good, says me.' });
    const byColleague = await update(colleague.token, { homeAddress: '1 Elsewhere' });
    const stale = await update(hr.token, { personnelNotes: 'Probation passed.', expectedVersion: 0 });
    const byHr = await update(hr.token, { personnelNotes: 'Probation passed.', expectedVersion: 1 });
    const badPhone = await update(hr.token, { personalPhone: 'call me maybe' });
    const nothing = await update(hr.token, {});

    // Assess
    expectNoErrors(ownPhone);
    expect(ownPhone.data?.updatePersonnelRecord).toMatchObject({ personalPhone: '07700 900111', version: 1 });
    expect(codes(ownNotes)).toEqual(['FORBIDDEN']);
    expect(codes(byColleague)).toEqual(['FORBIDDEN']);
    expect(codes(stale)).toEqual(['CONFLICT']);
    expectNoErrors(byHr);
    expect(byHr.data?.updatePersonnelRecord).toMatchObject({
      personalPhone: '07700 900111',
      personnelNotes: 'Probation passed.',
      version: 2,
    });
    expect(codes(badPhone)).toEqual(['BAD_USER_INPUT']);
    expect(badPhone.errors?.[0]?.extensions?.field).toEqual(['input', 'personalPhone']);
    expect(codes(nothing)).toEqual(['BAD_USER_INPUT']);
    expect(nothing.errors?.[0]?.extensions?.field).toEqual(['input']);
  });
});

describe('references about staff (Azure 5.1)', () => {
  const api = testApi();

  it('need the staff member’s own unexpired permission for that recipient', async () => {
    // Prepare
    const { org, hr, colleague, subject } = await world(api);
    const release = (token: string, recipient: string) =>
      api.graphql<{ releaseReference: Record<string, unknown> }>(RELEASE, {
        token,
        variables: { id: subject.globalId, r: recipient, s: 'Employed since 2021; reliable and punctual.' },
      });
    const permit = (token: string, recipient: string, expiresAt: string) =>
      api.graphql<{ recordReferencePermission: { id: string; inForce: boolean } }>(PERMIT, {
        token,
        variables: { id: subject.globalId, r: recipient, e: expiresAt },
      });

    // Act
    const beforePermission = await release(hr.token, 'Acme Lettings');
    const byHrOnTheirBehalf = await permit(hr.token, 'Acme Lettings', inDays(30));
    const pastExpiry = await permit(subject.token, 'Acme Lettings', inDays(-1));
    const tooLong = await permit(subject.token, 'Acme Lettings', inDays(400));
    const permission = await permit(subject.token, 'Acme Lettings', inDays(30));
    const otherRecipient = await release(hr.token, 'Northern Bank');
    const byColleague = await release(colleague.token, 'Acme Lettings');
    const released = await release(hr.token, '  acme   LETTINGS ');
    const history = await api.graphql<{
      personnelRecord: {
        referencePermissions: { recipient: string }[];
        releasedReferences: { summary: string }[];
      };
    }>(
      'query ($id: ID!) { personnelRecord(staffId: $id) { referencePermissions { recipient } releasedReferences { summary } } }',
      { token: subject.token, variables: { id: subject.globalId } },
    );

    // Assess
    expect(codes(beforePermission)).toEqual(['CONSENT_REQUIRED']);
    expect(codes(byHrOnTheirBehalf)).toEqual(['FORBIDDEN']);
    expect(codes(pastExpiry)).toEqual(['BAD_USER_INPUT']);
    expect(pastExpiry.errors?.[0]?.extensions?.field).toEqual(['expiresAt']);
    expect(codes(tooLong)).toEqual(['BAD_USER_INPUT']);
    expectNoErrors(permission);
    expect(permission.data?.recordReferencePermission).toMatchObject({
      recipient: 'Acme Lettings',
      inForce: true,
    });
    expect(codes(otherRecipient)).toEqual(['CONSENT_REQUIRED']);
    expect(codes(byColleague)).toEqual(['FORBIDDEN']);
    expectNoErrors(released);
    expect(released.data?.releaseReference).toMatchObject({
      recipient: 'Acme Lettings',
      summary: 'Employed since 2021; reliable and punctual.',
      releasedBy: hr.globalId,
    });
    expectNoErrors(history);
    expect(history.data?.personnelRecord.referencePermissions).toEqual([{ recipient: 'Acme Lettings' }]);
    expect(history.data?.personnelRecord.releasedReferences).toEqual([
      { summary: 'Employed since 2021; reliable and punctual.' },
    ]);

    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), subject.staffId);
    expect(events).toContainEqual(
      expect.objectContaining({
        operation: 'releaseReference',
        action: 'DENIED',
        outcome: 'CONSENT_REQUIRED',
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        operation: 'releaseReference',
        action: 'WRITE',
        actor: expect.objectContaining({ id: hr.staffId }),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        operation: 'recordReferencePermission',
        action: 'WRITE',
        relationship: 'SELF',
      }),
    );
    expect(JSON.stringify(events)).not.toContain('Acme');
  });

  it('are refused once the permission is withdrawn or has expired', async () => {
    // Prepare
    const { hr, subject } = await world(api);
    const permitted = await api.graphql<{ recordReferencePermission: { id: string } }>(PERMIT, {
      token: subject.token,
      variables: { id: subject.globalId, r: 'Acme Lettings', e: inDays(2) },
    });
    expectNoErrors(permitted);
    const release = (target: TestApi) =>
      target.graphql(RELEASE, {
        token: hr.token,
        variables: { id: subject.globalId, r: 'Acme Lettings', s: 'Dates of employment only.' },
      });
    // The same deployment three days on: the permission has lapsed.
    const later = testApi({ clock: { now: () => new Date(Date.now() + 3 * 86_400_000) } });

    // Act
    const afterExpiry = await release(later);
    const whileInForce = await release(api);
    const withdrawn = await api.graphql(
      'mutation ($id: ID!, $p: String!) { withdrawReferencePermission(staffId: $id, permissionId: $p) { withdrawnAt inForce } }',
      {
        token: subject.token,
        variables: { id: subject.globalId, p: permitted.data?.recordReferencePermission.id },
      },
    );
    const afterWithdrawal = await release(api);

    // Assess
    expect(codes(afterExpiry)).toEqual(['CONSENT_REQUIRED']);
    expectNoErrors(whileInForce);
    expectNoErrors(withdrawn);
    expect(withdrawn.data).toMatchObject({ withdrawReferencePermission: { inForce: false } });
    expect(codes(afterWithdrawal)).toEqual(['CONSENT_REQUIRED']);
  });

  it('can be withdrawn by HR on the word of a leaver, who can no longer sign in; by no one else but the staff member', async () => {
    // Prepare: the staff member permits a reference, then leaves (their sign-in is disabled with their employment).
    const { org, hr, colleague, subject } = await world(api);
    const permitted = await api.graphql<{ recordReferencePermission: { id: string } }>(PERMIT, {
      token: subject.token,
      variables: { id: subject.globalId, r: 'Acme Lettings', e: inDays(30) },
    });
    expectNoErrors(permitted);
    const permissionId = permitted.data?.recordReferencePermission.id ?? '';
    expectNoErrors(
      await api.graphql(
        'mutation ($input: RecordEmploymentEndedInput!) { recordEmploymentEnded(input: $input) { staffMemberId } }',
        {
          token: org.adminToken,
          variables: { input: { staffId: subject.globalId, endedOn: inDays(-1).slice(0, 10) } },
        },
      ),
    );
    const withdraw = (token: string) =>
      api.graphql<{ withdrawReferencePermission: { inForce: boolean } }>(
        'mutation ($id: ID!, $p: String!) { withdrawReferencePermission(staffId: $id, permissionId: $p) { inForce } }',
        { token, variables: { id: subject.globalId, p: permissionId } },
      );

    // Act: a colleague tries, then HR withdraws it as the leaver asked in writing; then HR tries to release.
    const byColleague = await withdraw(colleague.token);
    const byHr = await withdraw(hr.token);
    const released = await api.graphql(RELEASE, {
      token: hr.token,
      variables: { id: subject.globalId, r: 'Acme Lettings', s: 'Dates of employment only.' },
    });

    // Assess: refused to the colleague; withdrawn by HR, audited as HR's act for the staff member; nothing released.
    expect(codes(byColleague)).toEqual(['FORBIDDEN']);
    expectNoErrors(byHr);
    expect(byHr.data?.withdrawReferencePermission.inForce).toBe(false);
    expect(codes(released)).toEqual(['CONSENT_REQUIRED']);
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), subject.staffId);
    expect(events).toContainEqual(
      expect.objectContaining({
        operation: 'withdrawReferencePermission',
        action: 'WRITE',
        outcome: 'ALLOWED',
        rule: 'staff-personal.reference-permission-withdrawn-by-hr',
        actor: expect.objectContaining({ id: hr.staffId }),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        operation: 'withdrawReferencePermission',
        action: 'DENIED',
        rule: 'staff-personal.reference-permission-withdraw-own-or-hr',
      }),
    );
  });

  it('is refused when a withdrawal is undone by a raw write to the table (decision 0092)', async () => {
    // Prepare: the staff member gives a permission, then withdraws it.
    const { org, hr, subject } = await world(api);
    const permitted = await api.graphql<{ recordReferencePermission: { id: string } }>(PERMIT, {
      token: subject.token,
      variables: { id: subject.globalId, r: 'Acme Lettings', e: inDays(30) },
    });
    expectNoErrors(permitted);
    const permissionId = permitted.data?.recordReferencePermission.id ?? '';
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!, $p: String!) { withdrawReferencePermission(staffId: $id, permissionId: $p) { inForce } }',
        { token: subject.token, variables: { id: subject.globalId, p: permissionId } },
      ),
    );

    // Act: someone who can write the table, not the staff member, takes the withdrawal away.
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: {
          pk: { S: tenantScope(org.orgId).key('STAFF', subject.staffId) },
          sk: { S: `REFPERM#${permissionId}` },
        },
        UpdateExpression: 'REMOVE withdrawnAt',
        ConditionExpression: 'attribute_exists(withdrawnAt)',
      }),
    );
    const released = await api.graphql(RELEASE, {
      token: hr.token,
      variables: { id: subject.globalId, r: 'Acme Lettings', s: 'Dates of employment only.' },
    });

    // Assess
    expect(codes(released)).toEqual(['INTERNAL']);
    expect(await api.services.referencePermissions.releases(tenantScope(org.orgId), subject.staffId)).toEqual(
      [],
    );
    expect(await api.services.integrityIncidents.list(tenantScope(org.orgId))).toEqual([
      expect.objectContaining({ kind: 'TAMPERED_STATE', itemKind: 'REFERENCE_PERMISSION' }),
    ]);
  });

  it('is refused when the permission is withdrawn between the check and the release, leaving no release', async () => {
    // Prepare: a permission in force, and HR's release held just before it is written while the staff member
    // withdraws the permission (and is told it is withdrawn).
    const { hr, subject } = await world(api);
    const permitted = await api.graphql<{ recordReferencePermission: { id: string } }>(PERMIT, {
      token: subject.token,
      variables: { id: subject.globalId, r: 'Acme Lettings', e: inDays(2) },
    });
    expectNoErrors(permitted);
    const slow = interleavingDynamoClient(
      api,
      (call) => JSON.stringify(call.input).includes('"releasedBy"'),
      async () => {
        expectNoErrors(
          await api.graphql(
            'mutation ($id: ID!, $p: String!) { withdrawReferencePermission(staffId: $id, permissionId: $p) { inForce } }',
            {
              token: subject.token,
              variables: { id: subject.globalId, p: permitted.data?.recordReferencePermission.id },
            },
          ),
        );
      },
    );

    // Act
    const released = await testApi({ dynamo: slow.client }).graphql(RELEASE, {
      token: hr.token,
      variables: { id: subject.globalId, r: 'Acme Lettings', s: 'Dates of employment only.' },
    });

    // Assess: the withdrawal came first, so nothing is released under it.
    expect(slow.interleaved()).toBe(true);
    expect(codes(released)).toEqual(['CONSENT_REQUIRED']);
    const history = await api.graphql<{ personnelRecord: { releasedReferences: unknown[] } }>(
      'query ($id: ID!) { personnelRecord(staffId: $id) { releasedReferences { summary } } }',
      { token: hr.token, variables: { id: subject.globalId } },
    );
    expect(history.data?.personnelRecord.releasedReferences).toEqual([]);
  });
});
