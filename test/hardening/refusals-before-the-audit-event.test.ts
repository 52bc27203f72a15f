import { newId } from '@confide/domain';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, codes, expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * DESIGN.md: bad input gets a clear error and changes nothing; decision 0075: a refused call of an operation audited
 * before its change leaves no ALLOWED event, and a refusal on the subject's state one DENIED event. Each call below was
 * refused only after its ALLOWED event was written, so the audit trail claimed a change that was never made.
 */

const REPORT = 'mutation ($i: ReportBreachInput!) { reportBreach(input: $i) { id version discoveredAt } }';
const ASSESS = `mutation ($id: ID!, $notified: DateTime, $v: Int!) {
  assessBreach(breachId: $id, reportable: true, regulatorNotifiedAt: $notified, expectedVersion: $v) { id } }`;
const RELEASE = `mutation ($id: ID!) {
  releaseReference(staffId: $id, recipient: "Acme Lettings", summary: "Reliable.") { id } }`;
const WITHDRAW = `mutation ($id: ID!, $p: String!) {
  withdrawReferencePermission(staffId: $id, permissionId: $p) { inForce } }`;
const LIFT = `mutation ($c: ID!) { liftLegalHold(serviceUserId: $c, reason: "Proceedings concluded") { placedAt } }`;
const WITHDRAW_CONSENT = `mutation ($c: ID!, $id: String!) { withdrawConsent(serviceUserId: $c, consentId: $id) { id } }`;
const END_ALLOCATION = 'mutation ($input: EndAllocationInput!) { endAllocation(input: $input) { id } }';
const OPEN = `mutation ($c: [ID!]!, $i: ID!) { openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i) }`;
const CLOSE = `mutation ($id: ID!, $c: [ID!]!) { closeSafeguardingInvestigation(investigationId: $id, serviceUserIds: $c) }`;

describe('refusals decided on the state of what a change acts on, before its audit event', () => {
  const api = testApi();

  async function world() {
    const { org, manager, worker, client } = await allocatedPerson(api);
    const [ig, hr, lead] = await Promise.all([
      addStaff(api, org, ['IG_LEAD']),
      addStaff(api, org, ['HR_OFFICER']),
      addStaff(api, org, ['SAFEGUARDING_LEAD']),
    ]);
    const scope = tenantScope(org.orgId);
    const eventsBy = async (actor: Person, operation: string): Promise<StoredAuditEvent[]> =>
      (await api.services.auditLog.byActor(scope, actor.staffId, { limit: 1000 })).filter(
        (event) => event.operation === operation,
      );
    const outcomes = async (actor: Person, operation: string) =>
      (await eventsBy(actor, operation)).map((event) => event.outcome);
    return { org, manager, worker, ig, hr, lead, client, outcomes };
  }

  it('releaseReference without the staff member’s permission: CONSENT_REQUIRED and no ALLOWED event', async () => {
    // Prepare
    const w = await world();

    // Act
    const refused = await api.graphql(RELEASE, { token: w.hr.token, variables: { id: w.worker.globalId } });

    // Assess
    expect(codes(refused)).toEqual(['CONSENT_REQUIRED']);
    expect(await w.outcomes(w.hr, 'releaseReference')).not.toContain('ALLOWED');
  });

  it('endAllocation of an allocation the person does not have: NOT_FOUND and no ALLOWED event', async () => {
    // Prepare
    const w = await world();

    // Act
    const refused = await api.graphql(END_ALLOCATION, {
      token: w.manager.token,
      variables: { input: { serviceUserId: w.client, allocationId: newId('allocation') } },
    });

    // Assess
    expect(codes(refused)).toEqual(['NOT_FOUND']);
    expect(await w.outcomes(w.manager, 'endAllocation')).not.toContain('ALLOWED');
  });

  it('withdrawReferencePermission of a permission that is not there: NOT_FOUND and no ALLOWED event', async () => {
    // Prepare
    const w = await world();

    // Act
    const refused = await api.graphql(WITHDRAW, {
      token: w.worker.token,
      variables: { id: w.worker.globalId, p: newId('referencePermission') },
    });

    // Assess
    expect(codes(refused)).toEqual(['NOT_FOUND']);
    expect(await w.outcomes(w.worker, 'withdrawReferencePermission')).not.toContain('ALLOWED');
  });

  it('assessBreach: regulator told before discovery → BAD_USER_INPUT and no ALLOWED event', async () => {
    // Prepare: a breach discovered an hour ago.
    const w = await world();
    const reported = await api.graphql<{ reportBreach: { id: string } }>(REPORT, {
      token: w.worker.token,
      variables: {
        i: {
          discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
          nature: 'A letter sent to the wrong address',
          categories: ['CONTACT'],
          approximateSubjects: 1,
        },
      },
    });
    expectNoErrors(reported);

    // Act: told a day before it was discovered.
    const refused = await api.graphql(ASSESS, {
      token: w.ig.token,
      variables: {
        id: reported.data?.reportBreach.id,
        notified: new Date(Date.now() - 86_400_000).toISOString(),
        v: 1,
      },
    });

    // Assess
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await w.outcomes(w.ig, 'assessBreach')).toEqual([]);
  });

  it('assessBreach of a breach that is not there: NOT_FOUND and no ALLOWED event', async () => {
    // Prepare
    const w = await world();

    // Act
    const refused = await api.graphql(ASSESS, {
      token: w.ig.token,
      variables: { id: newId('breach'), v: 1 },
    });

    // Assess
    expect(codes(refused)).toEqual(['NOT_FOUND']);
    expect(await w.outcomes(w.ig, 'assessBreach')).not.toContain('ALLOWED');
  });

  it('liftLegalHold of a person under no hold: refused, and no ALLOWED event', async () => {
    // Prepare: nobody placed a hold.
    const w = await world();

    // Act
    const refused = await api.graphql(LIFT, { token: w.ig.token, variables: { c: w.client } });

    // Assess
    expect(refused.errors).toBeDefined();
    expect(codes(refused)).toEqual(['CONFLICT']);
    expect(await w.outcomes(w.ig, 'liftLegalHold')).not.toContain('ALLOWED');
  });
  it('withdrawConsent of a consent that is not there: NOT_FOUND and no ALLOWED event', async () => {
    // Prepare
    const w = await world();

    // Act
    const refused = await api.graphql(WITHDRAW_CONSENT, {
      token: w.manager.token,
      variables: { c: w.client, id: newId('consent') },
    });

    // Assess
    expect(codes(refused)).toEqual(['NOT_FOUND']);
    expect(await w.outcomes(w.manager, 'withdrawConsent')).not.toContain('ALLOWED');
  });

  it('closeSafeguardingInvestigation already closed: CONFLICT and no second ALLOWED event', async () => {
    // Prepare: an investigation opened and closed once.
    const w = await world();
    const opened = await api.graphql<{ openSafeguardingInvestigation: string }>(OPEN, {
      token: w.manager.token,
      variables: { c: [w.client], i: w.lead.globalId },
    });
    expectNoErrors(opened);
    const close = () =>
      api.graphql(CLOSE, {
        token: w.manager.token,
        variables: { id: opened.data?.openSafeguardingInvestigation, c: [w.client] },
      });
    expectNoErrors(await close());

    // Act
    const again = await close();

    // Assess
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(
      (await w.outcomes(w.manager, 'closeSafeguardingInvestigation')).filter((o) => o === 'ALLOWED'),
    ).toHaveLength(1);
  });
});
