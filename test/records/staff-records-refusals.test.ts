import { newId } from '@confide/domain';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf, serviceUserToken, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/*
 * Issue 14 in staff records (Azure 5.1): who may read or change a personnel record, give a reference permission
 * or release a reference is one policy each (staff-personal.* in policies/governance.ts), applied by the
 * operation plugin — so every refusal, whoever makes it, is recorded exactly once against the staff member, and
 * bad input is refused before anything is decided or recorded.
 */

const READ = 'query ($id: ID!) { personnelRecord(staffId: $id) { homeAddress } }';
const UPDATE = `mutation ($input: UpdatePersonnelRecordInput!) {
  updatePersonnelRecord(input: $input) { version }
}`;
const RELEASE = `mutation ($id: ID!) {
  releaseReference(staffId: $id, recipient: "Acme Lettings", summary: "Reliable.") { id }
}`;
const PERMIT = `mutation ($id: ID!, $e: DateTime!) {
  recordReferencePermission(staffId: $id, recipient: "Acme Lettings", expiresAt: $e) { id }
}`;

async function staffWorld(api: TestApi) {
  const world = await serviceWorld(api);
  const [hr, subject, colleague] = await Promise.all([
    addStaff(api, world.org, ['HR_OFFICER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SERVICE_MANAGER']),
  ]);
  const client = await registerServiceUser(api, world.manager, world.serviceId);
  return { ...world, hr, subject, colleague, client };
}

const summary = (events: readonly StoredAuditEvent[], operation: string) =>
  events
    .filter((event) => event.operation === operation)
    .map((event) => [event.action, event.outcome, event.rule, event.subjectId ?? null]);

describe('staff record operations', () => {
  const api = testApi();

  it('record a refusal by someone who is not staff at all, once per operation', async () => {
    // Prepare
    const world = await staffWorld(api);
    const token = await serviceUserToken(api, world.org.orgId, world.client);

    // Act
    const read = await api.graphql(READ, { token, variables: { id: world.subject.globalId } });
    const update = await api.graphql(UPDATE, {
      token,
      variables: { input: { staffId: world.subject.globalId, homeAddress: '1 Nowhere Lane' } },
    });
    const release = await api.graphql(RELEASE, { token, variables: { id: world.subject.globalId } });

    // Assess
    expect([codes(read), codes(update), codes(release)]).toEqual([
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['FORBIDDEN'],
    ]);
    const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), localIdOf(world.client));
    expect(summary(events, 'personnelRecord')).toEqual([
      ['DENIED', 'FORBIDDEN', 'staff-personal.read.principal', null],
    ]);
    expect(summary(events, 'updatePersonnelRecord')).toEqual([
      ['DENIED', 'FORBIDDEN', 'staff-personal.write.principal', null],
    ]);
    expect(summary(events, 'releaseReference')).toEqual([
      ['DENIED', 'FORBIDDEN', 'staff-personal.reference-release.principal', null],
    ]);
  });

  it('record each refusal by staff once, against the staff member, with the rule that refused it', async () => {
    // Prepare
    const world = await staffWorld(api);
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString();

    // Act
    const ownNotes = await api.graphql(UPDATE, {
      token: world.subject.token,
      variables: { input: { staffId: world.subject.globalId, personnelNotes: 'All good, says me.' } },
    });
    const byColleague = await api.graphql(READ, {
      token: world.colleague.token,
      variables: { id: world.subject.globalId },
    });
    const permitByHr = await api.graphql(PERMIT, {
      token: world.hr.token,
      variables: { id: world.subject.globalId, e: inAMonth },
    });
    const withoutPermission = await api.graphql(RELEASE, {
      token: world.hr.token,
      variables: { id: world.subject.globalId },
    });

    // Assess
    expect([codes(ownNotes), codes(byColleague), codes(permitByHr), codes(withoutPermission)]).toEqual([
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['CONSENT_REQUIRED'],
    ]);
    const events = await api.services.auditLog.bySubject(tenantScope(world.org.orgId), world.subject.staffId);
    const denied = events.filter((event) => event.action === 'DENIED');
    expect(
      denied.map((event) => [event.operation, event.outcome, event.rule, event.classifications]).sort(),
    ).toEqual(
      [
        ['personnelRecord', 'FORBIDDEN', 'staff-personal.none', ['STAFF_PERSONAL']],
        [
          'recordReferencePermission',
          'FORBIDDEN',
          'staff-personal.reference-permission-own-only',
          ['STAFF_PERSONAL'],
        ],
        ['releaseReference', 'CONSENT_REQUIRED', 'staff-personal.reference-release', ['STAFF_PERSONAL']],
        ['updatePersonnelRecord', 'FORBIDDEN', 'staff-personal.own-personnel-notes', ['STAFF_PERSONAL']],
      ].sort(),
    );
  });

  it('refuse an HR officer a reference about themself, even under their own permission', async () => {
    // Prepare: the HR officer permits a reference about themself to a recipient.
    const world = await staffWorld(api);
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expectNoErrors(
      await api.graphql(PERMIT, { token: world.hr.token, variables: { id: world.hr.globalId, e: inAMonth } }),
    );

    // Act
    const ownReference = await api.graphql(RELEASE, {
      token: world.hr.token,
      variables: { id: world.hr.globalId },
    });

    // Assess: an organisation's reference is given by someone else; the refusal is recorded against them.
    expect(codes(ownReference)).toEqual(['FORBIDDEN']);
    const events = await api.services.auditLog.bySubject(tenantScope(world.org.orgId), world.hr.staffId);
    expect(summary(events, 'releaseReference')).toEqual([
      ['DENIED', 'FORBIDDEN', 'staff-personal.reference-release-own', world.hr.staffId],
    ]);
  });

  it('refuse bad input before anything is decided or recorded, and an unknown staff member as NOT_FOUND', async () => {
    // Prepare
    const world = await staffWorld(api);
    const unknown = Buffer.from(`StaffMember:${newId('staff')}`, 'utf8').toString('base64');

    // Act
    const badPhone = await api.graphql(UPDATE, {
      token: world.hr.token,
      variables: { input: { staffId: world.subject.globalId, personalPhone: 'call me maybe' } },
    });
    const nothing = await api.graphql(UPDATE, {
      token: world.colleague.token,
      variables: { input: { staffId: world.subject.globalId } },
    });
    const missing = await api.graphql(UPDATE, {
      token: world.hr.token,
      variables: { input: { staffId: unknown, homeAddress: '1 Nowhere Lane' } },
    });
    const written = await api.graphql(UPDATE, {
      token: world.subject.token,
      variables: { input: { staffId: world.subject.globalId, personalPhone: '07700 900111' } },
    });

    // Assess
    expect([codes(badPhone), codes(nothing), codes(missing)]).toEqual([
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
      ['NOT_FOUND'],
    ]);
    expectNoErrors(written);
    const scope = tenantScope(world.org.orgId);
    expect(
      summary(await api.services.auditLog.byActor(scope, world.colleague.staffId), 'updatePersonnelRecord'),
    ).toEqual([]);
    expect(
      summary(await api.services.auditLog.byActor(scope, world.hr.staffId), 'updatePersonnelRecord'),
    ).toEqual([['DENIED', 'NOT_FOUND', 'staff-personal.write.subject', null]]);
    const own = await api.services.auditLog.byActor(scope, world.subject.staffId);
    expect(
      own
        .filter((event) => event.operation === 'updatePersonnelRecord' && event.action === 'WRITE')
        .map((event) => [event.rule, event.relationship, event.fields, event.classifications]),
    ).toEqual([
      ['staff-personal.own-contact-details', 'SELF', ['PersonnelRecord.personalPhone'], ['STAFF_PERSONAL']],
    ]);
  });
});
