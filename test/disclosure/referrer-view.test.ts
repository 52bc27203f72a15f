import { randomBytes } from 'node:crypto';
import { localDate } from '@confide/domain';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { localIdOf, organisationItems } from '../support/records-fixtures';
import { ownTablesForFile, type TestApi, testApi } from '../support/test-api';

/** The file's own tables: its checks read every item of their organisation (ownTablesForFile). */
const tables = ownTablesForFile();

/**
 * What a referrer may learn (Lets connect 4.3): "If information is requested by a referrer prior to the initial
 * appointment being carried out, the service can confirm that the referral has been received and an appointment
 * has been booked" — and nothing else: not the person's details, not whether they attended. Another partner,
 * or any other question, gets NOT_FOUND.
 */

const DAY_MS = 86_400_000;
const NOTE_BODY = 'Canary-note: disclosed a history of self-harm at the first call.';

const RECORD_REFERRAL = `mutation ($input: RecordReferralInput!) {
  recordReferral(input: $input) { id partnerId referrerReference receivedOn appointmentAt }
}`;
const BOOK = `mutation ($c: ID!, $r: ID!, $at: DateTime!) {
  recordReferralAppointment(serviceUserId: $c, referralId: $r, appointmentAt: $at) { id appointmentAt }
}`;
const MY_REFERRALS = '{ myReferrals { reference received appointmentBooked } }';
const STATUS = `query ($r: String!) { referralStatus(reference: $r) { reference received appointmentBooked } }`;

interface World {
  api: TestApi;
  clock: MovableClock;
  org: TestOrganisation;
  manager: Person;
  worker: Person;
  ig: Person;
  stranger: Person;
  client: string;
  note: string;
  referrer: { id: string; token: string };
  otherPartner: { id: string; token: string };
  reference: string;
}

async function partner(api: TestApi, org: TestOrganisation, name: string) {
  const clientId = `pa-${randomBytes(4).toString('hex')}`;
  const registered = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($n: String!, $c: String!) { registerPartnerAgency(name: $n, clientId: $c) { id } }',
    { token: org.adminToken, variables: { n: name, c: clientId } },
  );
  expectNoErrors(registered);
  return {
    id: registered.data?.registerPartnerAgency.id ?? '',
    token: await api.token({ sub: clientId, client_id: clientId, org_id: org.orgId }),
  };
}

async function world(): Promise<World> {
  const clock = new MovableClock();
  const api = testApi({ clock, tables });
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [worker, ig, stranger] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['SUPPORT_WORKER']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'ASSESSMENT', NOTE_BODY);
  const referrer = await partner(api, org, 'Community mental health team');
  const otherPartner = await partner(api, org, 'Housing association');
  const reference = `CMHT/2026/${randomBytes(3).toString('hex')}`;
  return { api, clock, org, manager, worker, ig, stranger, client, note, referrer, otherPartner, reference };
}

async function recordReferral(w: World, by: Person = w.manager) {
  const result = await w.api.graphql<{ recordReferral: { id: string } }>(RECORD_REFERRAL, {
    token: by.token,
    variables: {
      input: {
        serviceUserId: w.client,
        partnerId: w.referrer.id,
        referrerReference: w.reference,
        receivedOn: w.clock.now().toISOString().slice(0, 10),
      },
    },
  });
  expectNoErrors(result);
  return result.data?.recordReferral.id ?? '';
}

/** Strings that say something about the person: none may reach a partner. */
function personalStrings(w: World): string[] {
  return [
    ADA.name,
    ADA.dateOfBirth,
    ADA.postcode,
    ADA.nhsNumber,
    ADA.phone,
    w.client,
    localIdOf(w.client),
    'Canary',
  ];
}

describe('the referrer’s view', () => {
  it('confirms to the referrer that its referral was received and an appointment booked — nothing else', async () => {
    // Prepare
    const w = await world();
    const before = await w.api.graphql<{ myReferrals: unknown[] }>(MY_REFERRALS, { token: w.referrer.token });
    const referralId = await recordReferral(w);

    // Act
    const received = await w.api.graphql(STATUS, { token: w.referrer.token, variables: { r: w.reference } });
    const appointmentAt = new Date(w.clock.now().getTime() + 3 * DAY_MS).toISOString();
    const booked = await w.api.graphql(BOOK, {
      token: w.worker.token,
      variables: { c: w.client, r: referralId, at: appointmentAt },
    });
    const afterBooking = await w.api.graphql(MY_REFERRALS, { token: w.referrer.token });
    const status = await w.api.graphql(STATUS, { token: w.referrer.token, variables: { r: w.reference } });
    const forStaff = await w.api.graphql<{ serviceUser: { referrals: unknown[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { referrals { id partnerId referrerReference receivedOn appointmentAt } } }',
      { token: w.manager.token, variables: { id: w.client } },
    );

    // Assess
    expectNoErrors(before);
    expect(before.data?.myReferrals).toEqual([]);
    expectNoErrors(received);
    expect(received.data).toEqual({
      referralStatus: { reference: w.reference, received: true, appointmentBooked: false },
    });
    expectNoErrors(booked);
    expectNoErrors(afterBooking);
    expect(afterBooking.data).toEqual({
      myReferrals: [{ reference: w.reference, received: true, appointmentBooked: true }],
    });
    expect(status.data).toEqual({
      referralStatus: { reference: w.reference, received: true, appointmentBooked: true },
    });
    // Not when the appointment is, nor anything about the person.
    for (const text of [received.text, afterBooking.text, status.text]) {
      expect(text).not.toContain(appointmentAt.slice(0, 10));
      for (const secret of personalStrings(w)) expect(text).not.toContain(secret);
    }
    expectNoErrors(forStaff);
    expect(forStaff.data?.serviceUser.referrals).toEqual([
      {
        id: referralId,
        partnerId: w.referrer.id,
        referrerReference: w.reference,
        receivedOn: w.clock.now().toISOString().slice(0, 10),
        appointmentAt,
      },
    ]);
  });

  it('answers NOT_FOUND to another partner, to a reference never given, and once the appointment has taken place', async () => {
    // Prepare
    const w = await world();
    const referralId = await recordReferral(w);
    expectNoErrors(
      await w.api.graphql(BOOK, {
        token: w.manager.token,
        variables: {
          c: w.client,
          r: referralId,
          at: new Date(w.clock.now().getTime() + DAY_MS).toISOString(),
        },
      }),
    );

    // Act
    const otherStatus = await w.api.graphql(STATUS, {
      token: w.otherPartner.token,
      variables: { r: w.reference },
    });
    const otherList = await w.api.graphql<{ myReferrals: unknown[] }>(MY_REFERRALS, {
      token: w.otherPartner.token,
    });
    const unknown = await w.api.graphql(STATUS, {
      token: w.referrer.token,
      variables: { r: `${w.reference}-X` },
    });
    const asStaff = await w.api.graphql(MY_REFERRALS, { token: w.manager.token });
    const beforeAppointment = await w.api.graphql(STATUS, {
      token: w.referrer.token,
      variables: { r: w.reference },
    });
    w.clock.advanceMs(2 * DAY_MS);
    const afterAppointment = await w.api.graphql(STATUS, {
      token: w.referrer.token,
      variables: { r: w.reference },
    });
    const listAfter = await w.api.graphql<{ myReferrals: unknown[] }>(MY_REFERRALS, {
      token: w.referrer.token,
    });

    // Assess
    expect(codes(otherStatus)).toEqual(['NOT_FOUND']);
    expect(otherStatus.data).toBeNull();
    expectNoErrors(otherList);
    expect(otherList.data?.myReferrals).toEqual([]);
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect(codes(asStaff)).toEqual(['FORBIDDEN']);
    expectNoErrors(beforeAppointment);
    expect(codes(afterAppointment)).toEqual(['NOT_FOUND']);
    expect(listAfter.data?.myReferrals).toEqual([]);
  });

  it('stops answering once the case is closed', async () => {
    // Prepare
    const w = await world();
    await recordReferral(w);
    const version = await w.api.graphql<{ serviceUser: { version: number } }>(
      'query ($id: ID!) { serviceUser(id: $id) { version } }',
      { token: w.manager.token, variables: { id: w.client } },
    );

    // Act
    const open = await w.api.graphql(STATUS, { token: w.referrer.token, variables: { r: w.reference } });
    expectNoErrors(
      await w.api.graphql('mutation ($input: CloseCaseInput!) { closeCase(input: $input) { id } }', {
        token: w.manager.token,
        variables: { input: { serviceUserId: w.client, expectedVersion: version.data?.serviceUser.version } },
      }),
    );
    const closed = await w.api.graphql(STATUS, { token: w.referrer.token, variables: { r: w.reference } });

    // Assess
    expectNoErrors(open);
    expect(codes(closed)).toEqual(['NOT_FOUND']);
  });

  it('gives the referrer no other way to the person', async () => {
    // Prepare: a referral, booked, so the partner is the person's referrer
    const w = await world();
    const referralId = await recordReferral(w);
    expectNoErrors(
      await w.api.graphql(BOOK, {
        token: w.manager.token,
        variables: {
          c: w.client,
          r: referralId,
          at: new Date(w.clock.now().getTime() + DAY_MS).toISOString(),
        },
      }),
    );
    const serviceId = (
      await w.api.graphql<{ serviceUser: { service: { id: string } } }>(
        'query ($id: ID!) { serviceUser(id: $id) { service { id } } }',
        { token: w.manager.token, variables: { id: w.client } },
      )
    ).data?.serviceUser.service.id;

    // Act
    const attempts: [string, string, Record<string, unknown>][] = [
      [
        'serviceUser',
        'query ($id: ID!) { serviceUser(id: $id) { reference name referrals { id } } }',
        { id: w.client },
      ],
      ['node', 'query ($id: ID!) { node(id: $id) { id ... on ServiceUser { name } } }', { id: w.client }],
      ['nodes', 'query ($id: ID!) { nodes(ids: [$id]) { id } }', { id: w.client }],
      ['caseNote', 'query ($id: ID!) { caseNote(id: $id) { id } }', { id: w.note }],
      [
        'serviceUsers',
        'query ($s: ID!) { serviceUsers(serviceId: $s) { edges { node { id } } } }',
        { s: serviceId },
      ],
      ['searchServiceUsers', 'query ($n: String!) { searchServiceUsers(name: $n) { id } }', { n: ADA.name }],
      ['caseload', '{ caseload { edges { node { id } } } }', {}],
      [
        'subjectAccessExport',
        'query ($id: ID!) { subjectAccessExport(serviceUserId: $id) { document } }',
        { id: w.client },
      ],
      [
        'accessExplanation',
        'query ($id: ID!) { accessExplanation(serviceUserId: $id) { effect } }',
        { id: w.client },
      ],
      [
        'supervisionCase',
        'query ($id: ID!) { supervisionCase(serviceUserId: $id) { pseudonym } }',
        { id: w.client },
      ],
      ['disclosureReviews', '{ disclosureReviews { id } }', {}],
      ['releasedToMe', '{ releasedToMe { id } }', {}],
    ];
    const results = await Promise.all(
      attempts.map(async ([name, query, variables]) => ({
        name,
        result: await w.api.graphql(query, { token: w.referrer.token, variables }),
      })),
    );

    // Assess: refused (NOT_FOUND or FORBIDDEN) or empty, and never a word about the person
    for (const { name, result } of results) {
      const data = JSON.stringify(result.data ?? null);
      const empty = [
        'null',
        '{"node":null}',
        '{"nodes":[null]}',
        '{"releasedToMe":[]}',
        '{"disclosureReviews":[]}',
      ];
      expect(empty, `${name}: ${result.text.slice(0, 300)}`).toContain(data);
      for (const code of codes(result) ?? []) expect(['NOT_FOUND', 'FORBIDDEN'], name).toContain(code);
      for (const secret of personalStrings(w)) expect(result.text, name).not.toContain(secret);
    }
  });
});

describe('recording a referral', () => {
  it('refuses bad input with a code and writes nothing; only staff who may write contact details record it', async () => {
    // Prepare
    const w = await world();
    const referralId = await recordReferral(w);
    const before = await organisationItems(w.api, w.org.orgId, {
      tables: [w.api.services.config.tables.data, w.api.services.config.tables.keys],
    });
    const today = w.clock.now().toISOString().slice(0, 10);
    const referral = (change: Record<string, unknown>) => ({
      input: {
        serviceUserId: w.client,
        partnerId: w.referrer.id,
        referrerReference: `${w.reference}-2`,
        receivedOn: today,
        ...change,
      },
    });
    // The organisation's tomorrow (Europe/London): UTC's is London's today from 23:00 UTC in summer.
    const tomorrow = localDate(new Date(w.clock.now().getTime() + DAY_MS), 'Europe/London');

    // Act
    const cases = [
      {
        name: 'a name as the reference',
        token: w.manager.token,
        query: RECORD_REFERRAL,
        variables: referral({ referrerReference: 'Ada Lovelace' }),
        code: 'BAD_USER_INPUT',
        field: ['input', 'referrerReference'],
      },
      {
        name: 'received tomorrow',
        token: w.manager.token,
        query: RECORD_REFERRAL,
        variables: referral({ receivedOn: tomorrow }),
        code: 'BAD_USER_INPUT',
        field: ['input', 'receivedOn'],
      },
      {
        name: 'an unknown partner',
        token: w.manager.token,
        query: RECORD_REFERRAL,
        variables: referral({ partnerId: 'ptn_aaaaaaaaaaaaaaaaaaaaaaaaaa' }),
        code: 'NOT_FOUND',
      },
      {
        name: 'the partner’s reference used twice',
        token: w.manager.token,
        query: RECORD_REFERRAL,
        variables: referral({ referrerReference: w.reference }),
        code: 'CONFLICT',
      },
      {
        name: 'recorded by the IG lead (no contact write)',
        token: w.ig.token,
        query: RECORD_REFERRAL,
        variables: referral({}),
        code: 'FORBIDDEN',
      },
      {
        name: 'recorded by a worker without a relationship',
        token: w.stranger.token,
        query: RECORD_REFERRAL,
        variables: referral({}),
        code: 'NOT_FOUND',
      },
      {
        name: 'recorded by the partner itself',
        token: w.referrer.token,
        query: RECORD_REFERRAL,
        variables: referral({}),
        code: 'FORBIDDEN',
      },
      {
        name: 'an appointment before the referral was received',
        token: w.manager.token,
        query: BOOK,
        variables: {
          c: w.client,
          r: referralId,
          at: new Date(w.clock.now().getTime() - 2 * DAY_MS).toISOString(),
        },
        code: 'BAD_USER_INPUT',
        field: ['appointmentAt'],
      },
      {
        name: 'an appointment two years ahead',
        token: w.manager.token,
        query: BOOK,
        variables: {
          c: w.client,
          r: referralId,
          at: new Date(w.clock.now().getTime() + 730 * DAY_MS).toISOString(),
        },
        code: 'BAD_USER_INPUT',
        field: ['appointmentAt'],
      },
      {
        name: 'an unknown referral',
        token: w.manager.token,
        query: BOOK,
        variables: {
          c: w.client,
          r: 'rfl_aaaaaaaaaaaaaaaaaaaaaaaaaa',
          at: new Date(w.clock.now().getTime() + DAY_MS).toISOString(),
        },
        code: 'NOT_FOUND',
      },
      {
        name: 'a malformed reference asked about',
        token: w.referrer.token,
        query: STATUS,
        variables: { r: 'Ada Lovelace' },
        code: 'BAD_USER_INPUT',
        field: ['reference'],
      },
    ];
    const results = [];
    for (const testCase of cases) {
      results.push({
        testCase,
        result: await w.api.graphql(testCase.query, { token: testCase.token, variables: testCase.variables }),
      });
    }

    // Assess
    for (const { testCase, result } of results) {
      expect(codes(result), testCase.name).toEqual([testCase.code]);
      if (testCase.field)
        expect(result.errors?.[0]?.extensions?.field, testCase.name).toEqual(testCase.field);
      expect(result.data ?? null, testCase.name).toBeNull();
    }
    const after = await organisationItems(w.api, w.org.orgId, {
      tables: [w.api.services.config.tables.data, w.api.services.config.tables.keys],
    });
    expect(after).toEqual(before);
  });

  it('audits recording, booking and every answer to the referrer, without the person’s data', async () => {
    // Prepare
    const w = await world();
    const referralId = await recordReferral(w);
    expectNoErrors(
      await w.api.graphql(BOOK, {
        token: w.worker.token,
        variables: {
          c: w.client,
          r: referralId,
          at: new Date(w.clock.now().getTime() + DAY_MS).toISOString(),
        },
      }),
    );

    // Act
    expectNoErrors(await w.api.graphql(MY_REFERRALS, { token: w.referrer.token }));
    expectNoErrors(await w.api.graphql(STATUS, { token: w.referrer.token, variables: { r: w.reference } }));
    await w.api.graphql(STATUS, { token: w.otherPartner.token, variables: { r: w.reference } });
    const scope = tenantScope(w.org.orgId);
    const subject: StoredAuditEvent[] = await w.api.services.auditLog.bySubject(scope, localIdOf(w.client), {
      limit: 500,
    });
    const byOther = await w.api.services.auditLog.byActor(scope, w.otherPartner.id, { limit: 50 });

    // Assess
    const steps = subject.map((e) => [e.actor.kind, e.action, e.operation, e.outcome]);
    expect(steps).toContainEqual(['STAFF', 'WRITE', 'recordReferral', 'ALLOWED']);
    expect(steps).toContainEqual(['STAFF', 'WRITE', 'recordReferralAppointment', 'ALLOWED']);
    const partnerReads = subject.filter((e) => e.actor.kind === 'PARTNER');
    expect(
      partnerReads.map((e) => [e.actor.id, e.action, e.operation, e.rule, e.classifications]).sort(),
    ).toEqual(
      [
        [w.referrer.id, 'READ', 'myReferrals', 'referrer.status', ['CONTACT']],
        [w.referrer.id, 'READ', 'referralStatus', 'referrer.status', ['CONTACT']],
      ].sort(),
    );
    expect(byOther.map((e) => [e.action, e.operation, e.outcome, e.subjectId])).toEqual([
      ['DENIED', 'referralStatus', 'NOT_FOUND', undefined],
    ]);
    const text = JSON.stringify([...subject, ...byOther]);
    for (const secret of [ADA.name, ADA.nhsNumber, ADA.postcode, 'Canary', w.reference]) {
      expect(text).not.toContain(secret);
    }
  });
});
