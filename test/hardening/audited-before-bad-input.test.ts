import { randomBytes } from 'node:crypto';
import { newId } from '@confide/domain';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, codes, expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff, globalIdOf, localIdOf } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Decision 0075: an operation audited before its change checks its input before that event, so a refused call leaves
 * no ALLOWED event claiming a change that was never made (a breach reported, a subject access request opened, an
 * appointment booked), and a refusal on the record's state (a referral that is not there) only a DENIED one.
 */

const REPORT = 'mutation ($i: ReportBreachInput!) { reportBreach(input: $i) { id version } }';
const ASSESS = `mutation ($id: ID!, $notified: DateTime) {
  assessBreach(breachId: $id, reportable: true, regulatorNotifiedAt: $notified, expectedVersion: 1) { id } }`;
const SAR = `mutation ($c: ID!, $r: String!, $check: SubjectAccessIdentityCheck) {
  requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: $check) { deadline } }`;
const REFERRAL = 'mutation ($input: RecordReferralInput!) { recordReferral(input: $input) { id } }';
const BOOK = `mutation ($c: ID!, $r: ID!, $at: DateTime!) {
  recordReferralAppointment(serviceUserId: $c, referralId: $r, appointmentAt: $at) { id } }`;

const DAY_MS = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);

/** A breach discovered an hour ago, as reported. */
const breachInput = (change: Record<string, unknown> = {}) => ({
  discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
  nature: 'A letter sent to the wrong address',
  categories: ['CONTACT'],
  approximateSubjects: 1,
  ...change,
});

describe('operations audited before their change: refused input is never recorded as allowed', () => {
  const api = testApi();

  async function world() {
    const { org, manager, worker, client } = await allocatedPerson(api);
    const ig = await addStaff(api, org, ['IG_LEAD']);
    const scope = tenantScope(org.orgId);
    /** The events of `operation` by `actor` with `outcome`. */
    const eventsBy = async (actor: Person, operation: string, outcome: string): Promise<StoredAuditEvent[]> =>
      (await api.services.auditLog.byActor(scope, actor.staffId, { limit: 1000 })).filter(
        (event) => event.operation === operation && event.outcome === outcome,
      );
    return { org, manager, worker, ig, client, eventsBy };
  }

  it('reportBreach: discovered in the future or with no nature → BAD_USER_INPUT, and no ALLOWED event', async () => {
    // Prepare
    const w = await world();
    const report = (change: Record<string, unknown>) =>
      api.graphql<{ reportBreach: { id: string } }>(REPORT, {
        token: w.worker.token,
        variables: { i: breachInput(change) },
      });

    // Act
    const refused = [
      await report({ discoveredAt: new Date(Date.now() + DAY_MS).toISOString() }),
      await report({ nature: '  ' }),
    ];

    // Assess: both refused and unrecorded; the good report is recorded (the check can see it).
    expect(refused.map(codes)).toEqual([['BAD_USER_INPUT'], ['BAD_USER_INPUT']]);
    expect(await w.eventsBy(w.worker, 'reportBreach', 'ALLOWED')).toEqual([]);
    expectNoErrors(await report({}));
    expect(await w.eventsBy(w.worker, 'reportBreach', 'ALLOWED')).toHaveLength(1);
  });

  it('assessBreach: the regulator told in the future → BAD_USER_INPUT, and no ALLOWED event', async () => {
    // Prepare: a reported breach.
    const w = await world();
    const reported = await api.graphql<{ reportBreach: { id: string } }>(REPORT, {
      token: w.worker.token,
      variables: { i: breachInput() },
    });
    expectNoErrors(reported);
    const assess = (notified: Date) =>
      api.graphql(ASSESS, {
        token: w.ig.token,
        variables: { id: reported.data?.reportBreach.id, notified: notified.toISOString() },
      });

    // Act
    const refused = await assess(new Date(Date.now() + DAY_MS));

    // Assess
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await w.eventsBy(w.ig, 'assessBreach', 'ALLOWED')).toEqual([]);
    expectNoErrors(await assess(new Date(Date.now() - 60_000)));
    expect(await w.eventsBy(w.ig, 'assessBreach', 'ALLOWED')).toHaveLength(1);
  });

  it('requestSubjectAccess recorded by staff without an identity check → BAD_USER_INPUT, and no ALLOWED event', async () => {
    // Prepare
    const w = await world();
    const request = (variables: Record<string, unknown>) =>
      api.graphql(SAR, { token: w.ig.token, variables: { c: w.client, r: today(), ...variables } });

    // Act
    const refused = [await request({}), await request({ r: '2999-01-01', check: 'PHOTO_ID' })];

    // Assess
    expect(refused.map(codes)).toEqual([['BAD_USER_INPUT'], ['BAD_USER_INPUT']]);
    expect(await w.eventsBy(w.ig, 'requestSubjectAccess', 'ALLOWED')).toEqual([]);
    expectNoErrors(await request({ check: 'PHOTO_ID' }));
    expect((await w.eventsBy(w.ig, 'requestSubjectAccess', 'ALLOWED')).length).toBeGreaterThan(0);
  });

  it('recordReferralAppointment: a referral that is not there is DENIED, a date out of range records nothing', async () => {
    // Prepare: a referral from a registered partner agency.
    const w = await world();
    const partnerClientId = `pa-${randomBytes(4).toString('hex')}`;
    const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
      'mutation ($c: String!) { registerPartnerAgency(name: "Community mental health team", clientId: $c) { id } }',
      { token: w.org.adminToken, variables: { c: partnerClientId } },
    );
    expectNoErrors(partner);
    const referral = await api.graphql<{ recordReferral: { id: string } }>(REFERRAL, {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          partnerId: partner.data?.registerPartnerAgency.id,
          referrerReference: 'CMHT/2026/1',
          receivedOn: today(),
        },
      },
    });
    expectNoErrors(referral);
    const book = (referralId: string | undefined, at: Date) =>
      api.graphql(BOOK, {
        token: w.manager.token,
        variables: { c: w.client, r: referralId, at: at.toISOString() },
      });
    const missing = globalIdOf('Referral', `${localIdOf(w.client)}.${newId('referral')}`);

    // Act
    const notThere = await book(missing, new Date(Date.now() + DAY_MS));
    const tooFar = await book(referral.data?.recordReferral.id, new Date(Date.now() + 400 * DAY_MS));

    // Assess
    expect(codes(notThere)).toEqual(['NOT_FOUND']);
    expect(codes(tooFar)).toEqual(['BAD_USER_INPUT']);
    expect(await w.eventsBy(w.manager, 'recordReferralAppointment', 'ALLOWED')).toEqual([]);
    expect(await w.eventsBy(w.manager, 'recordReferralAppointment', 'NOT_FOUND')).toHaveLength(1);
    expectNoErrors(await book(referral.data?.recordReferral.id, new Date(Date.now() + DAY_MS)));
    expect(await w.eventsBy(w.manager, 'recordReferralAppointment', 'ALLOWED')).toHaveLength(1);
  });

  it('recordReferral: a malformed reference, an unknown partner or a reference in use records no referral', async () => {
    // Prepare: a registered partner agency with one referral of this person already recorded.
    const w = await world();
    const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
      'mutation ($c: String!) { registerPartnerAgency(name: "Community mental health team", clientId: $c) { id } }',
      { token: w.org.adminToken, variables: { c: `pa-${randomBytes(4).toString('hex')}` } },
    );
    expectNoErrors(partner);
    const partnerId = partner.data?.registerPartnerAgency.id;
    const refer = (input: Record<string, unknown>) =>
      api.graphql(REFERRAL, {
        token: w.manager.token,
        variables: {
          input: {
            serviceUserId: w.client,
            partnerId,
            referrerReference: 'CMHT/2026/7',
            receivedOn: today(),
            ...input,
          },
        },
      });
    expectNoErrors(await refer({}));

    // Act
    const refused = [
      await refer({ referrerReference: 'Ada Lovelace' }),
      await refer({ partnerId: globalIdOf('PartnerAgency', `ptn_${randomBytes(8).toString('hex')}`) }),
      await refer({}),
    ];

    // Assess: each refused; the one referral recorded is the only ALLOWED event.
    expect(refused.map(codes)).toEqual([['BAD_USER_INPUT'], ['NOT_FOUND'], ['CONFLICT']]);
    expect(await w.eventsBy(w.manager, 'recordReferral', 'ALLOWED')).toHaveLength(1);
  });

  it('recordMedia without the written consent it needs → CONSENT_REQUIRED, recorded as DENIED, never as ALLOWED', async () => {
    const w = await world();

    const refused = await api.graphql(
      'mutation ($input: RecordMediaInput!) { recordMedia(input: $input) { id } }',
      {
        token: w.worker.token,
        variables: {
          input: {
            serviceUserId: w.client,
            kind: 'PHOTO',
            purpose: 'PUBLICITY',
            caption: 'At the summer fair',
            objectReference: 's3://confide-media/summer-fair-0002.jpg',
          },
        },
      },
    );

    expect(codes(refused)).toEqual(['CONSENT_REQUIRED']);
    expect(await w.eventsBy(w.worker, 'recordMedia', 'ALLOWED')).toEqual([]);
    expect(await w.eventsBy(w.worker, 'recordMedia', 'CONSENT_REQUIRED')).toHaveLength(1);
  });
});
