import { ItemLoader, tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { failingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import {
  errorsOf,
  localIdOf,
  type ServiceWorld,
  serviceUserToken,
  serviceWorld,
} from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 15, items 5, 10 and part of 11: a sealed note reaches the staff the person named under GROUP_WIDE; an
 * investigator's audit names the items read; the confidentiality policy status, closing an investigation, the
 * newest readable note, the partner directory for managers, the breach register for the Guardian and the
 * service manager, and the ADMINISTRATOR's contact write.
 */

const READ_NOTE =
  'query ($id: ID!) { caseNote(id: $id) { ... on CareNote { body } ... on SafeguardingNote { body } } }';
const OPEN_INVESTIGATION =
  'mutation ($c: [ID!]!, $i: ID!) { openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i) }';
const PURPOSE = { 'x-access-purpose': 'Safeguarding investigation interview preparation' };

async function addToService(api: TestApi, world: ServiceWorld, person: Person) {
  expectNoErrors(
    await api.graphql('mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }', {
      token: world.senior.token,
      variables: { s: world.serviceId, m: person.globalId },
    }),
  );
}

describe('a sealed note under GROUP_WIDE (issue 15 item 5)', () => {
  const api = testApi();

  it('is readable by the staff member the person named, allocated or not (ACCESS-MODEL: readable by the person and the staff they named)', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api, { preset: 'GROUP_WIDE' });
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const client = await registerServiceUser(api, manager, serviceId);
    const [worker, named, unnamed] = await Promise.all([
      addStaff(api, org, ['SUPPORT_WORKER']),
      addStaff(api, org, ['SUPPORT_WORKER']),
      addStaff(api, org, ['SUPPORT_WORKER']),
    ]);
    await allocate(api, manager, client, worker);
    const sealed = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Told us in confidence.', {
      sealedFor: [named.globalId],
    });

    // Act
    const byNamed = await api.graphql<{ caseNote: { body: string | null } }>(READ_NOTE, {
      token: named.token,
      variables: { id: sealed },
    });
    const byUnnamed = await api.graphql<{ caseNote: { body: string | null } }>(READ_NOTE, {
      token: unnamed.token,
      variables: { id: sealed },
    });

    // Assess
    expectNoErrors(byNamed);
    expect(byNamed.data?.caseNote.body).toBe('Told us in confidence.');
    expect(byUnnamed.data?.caseNote?.body ?? null).toBeNull();
    expect(byUnnamed.text).not.toContain('Told us in confidence.');
  });
});

describe('an investigator’s reads (issue 15 items 10 and 11: closing an investigation)', () => {
  const api = testApi();
  let world: ServiceWorld;
  let client: string;
  let lead: Person;
  let investigationId: string;
  let first: string;
  let second: string;
  beforeAll(async () => {
    world = await serviceWorld(api);
    client = await registerServiceUser(api, world.manager, world.serviceId);
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    lead = await addStaff(api, world.org, ['SAFEGUARDING_LEAD']);
    await allocate(api, world.manager, client, worker);
    first = await recordNote(api, worker, client, 'SAFEGUARDING_CONCERN', 'First concern text.');
    second = await recordNote(api, worker, client, 'SAFEGUARDING_CONCERN', 'Second concern text.');
    const opened = await api.graphql<{ openSafeguardingInvestigation: string }>(OPEN_INVESTIGATION, {
      token: world.senior.token,
      variables: { c: [client], i: lead.globalId },
    });
    expectNoErrors(opened);
    investigationId = opened.data?.openSafeguardingInvestigation ?? '';
  });

  it('names which item was read, by opaque id, never its content (Azure 4.1 “make a note of which files were examined”)', async () => {
    // Act
    for (const note of [first, second]) {
      const read = await api.graphql<{ caseNote: { body: string } }>(READ_NOTE, {
        token: lead.token,
        variables: { id: note },
        headers: PURPOSE,
      });
      expectNoErrors(read);
    }

    // Assess
    const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), lead.staffId, {
      limit: 100,
    });
    const reads = events.filter((event) => event.operation === 'caseNote' && event.action === 'READ');
    expect(reads).toHaveLength(2);
    const items = reads.map((event) => event.items ?? []);
    const noteIds = [first, second].map((note) => localIdOf(note).split('.')[1]);
    expect(items.flat().sort()).toEqual([...noteIds].sort());
    for (const event of reads) {
      expect(event.relationship).toBe('INVESTIGATION');
      expect(JSON.stringify(event)).not.toContain('concern text');
    }
    // The Caldicott Guardian sees the same through the access log.
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const log = await api.graphql<{
      accessLog: { edges: { node: { operation: string; actorId: string; items: string[] } }[] };
    }>(
      'query ($c: ID!) { accessLog(serviceUserId: $c, first: 100) { edges { node { operation actorId items } } } }',
      { token: guardian.token, variables: { c: client } },
    );
    expectNoErrors(log);
    const logged = (log.data?.accessLog.edges ?? [])
      .map((edge) => edge.node)
      .filter((node) => node.operation === 'caseNote' && node.actorId === lead.staffId);
    expect(logged.flatMap((node) => node.items).sort()).toEqual([...noteIds].sort());
  });

  it('can be closed by the service’s manager, and the investigator’s access ends, audited before it happens', async () => {
    // Prepare: the person's own access log, which hides the reads of an investigation while it is open
    const self = await serviceUserToken(api, world.org.orgId, client);
    const OWN_LOG = '{ myAccessLog(first: 100) { edges { node { why } } } }';
    const reasons = async () => {
      const log = await api.graphql<{ myAccessLog: { edges: { node: { why: string } }[] } }>(OWN_LOG, {
        token: self,
      });
      expectNoErrors(log);
      return log.data?.myAccessLog.edges.map((edge) => edge.node.why) ?? [];
    };
    const investigationReads = (why: readonly string[]) =>
      why.filter((reason) => reason.includes(PURPOSE['x-access-purpose'])).length;
    const hiddenWhileOpen = investigationReads(await reasons());

    // Act
    const byLeadBefore = await api.graphql(READ_NOTE, {
      token: lead.token,
      variables: { id: first },
      headers: PURPOSE,
    });
    const closed = await api.graphql<{ closeSafeguardingInvestigation: string }>(
      'mutation ($id: ID!, $c: [ID!]!) { closeSafeguardingInvestigation(investigationId: $id, serviceUserIds: $c) }',
      { token: world.manager.token, variables: { id: investigationId, c: [client] } },
    );
    const again = await api.graphql(
      'mutation ($id: ID!, $c: [ID!]!) { closeSafeguardingInvestigation(investigationId: $id, serviceUserIds: $c) }',
      { token: world.manager.token, variables: { id: investigationId, c: [client] } },
    );
    const byLeadAfter = await api.graphql(READ_NOTE, {
      token: lead.token,
      variables: { id: first },
      headers: PURPOSE,
    });

    // Assess
    expectNoErrors(byLeadBefore);
    expectNoErrors(closed);
    expect(closed.data?.closeSafeguardingInvestigation).toBe(investigationId);
    expect(errorsOf(again).map((error) => error.code)).toEqual(['CONFLICT']);
    expect(errorsOf(byLeadAfter).map((error) => error.code)).toEqual(['NOT_FOUND']);
    expect(hiddenWhileOpen).toBe(0);
    expect(investigationReads(await reasons())).toBeGreaterThan(0);
    const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), world.manager.staffId, {
      limit: 100,
    });
    // The close; the attempt to close it again changed nothing and records nothing (CONFLICT, decision 0075).
    const closes = events.filter(
      (event) => event.operation === 'closeSafeguardingInvestigation' && event.action === 'ADMIN',
    );
    expect(closes.map((event) => [event.outcome, event.rule])).toEqual([['ALLOWED', 'investigation.closed']]);
  });

  it('is not closed by someone who neither manages the service nor investigates (DENIED, nothing changed)', async () => {
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const refused = await api.graphql(
      'mutation ($id: ID!, $c: [ID!]!) { closeSafeguardingInvestigation(investigationId: $id, serviceUserIds: $c) }',
      { token: worker.token, variables: { id: investigationId, c: [client] } },
    );
    expect(errorsOf(refused).map((error) => error.code)).toEqual(['NOT_FOUND']);
    const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), worker.staffId, {
      limit: 100,
    });
    expect(
      events
        .filter((event) => event.operation === 'closeSafeguardingInvestigation')
        .map((event) => [event.action, event.outcome]),
    ).toEqual([['DENIED', 'NOT_FOUND']]);
  });
});

describe('workflow gaps an IG lead hits (issue 15 item 11)', () => {
  const api = testApi();
  let world: ServiceWorld;
  beforeAll(async () => {
    world = await serviceWorld(api);
  });

  it('returns the current confidentiality policy version and whether the caller acknowledged it (Carers Trust 6.1)', async () => {
    // Prepare: an organisation of its own, as a new version re-arms the gate for everyone
    const own = await serviceWorld(api);
    const published = await api.graphql<{ publishConfidentialityPolicy: { id: string } }>(
      'mutation { publishConfidentialityPolicy(title: "Confidentiality policy 2027") { id } }',
      { token: own.org.adminToken },
    );
    expectNoErrors(published);
    const worker = await addStaff(api, own.org, ['SUPPORT_WORKER']);
    const QUERY = '{ confidentialityPolicy { version title acknowledged } }';

    // Act
    const before = await api.graphql<{
      confidentialityPolicy: { version: number; title: string; acknowledged: boolean };
    }>(QUERY, { token: worker.token });
    const version = before.data?.confidentialityPolicy.version ?? -1;
    expectNoErrors(
      await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
        token: worker.token,
        variables: { v: version },
      }),
    );
    const after = await api.graphql<{ confidentialityPolicy: { acknowledged: boolean } }>(QUERY, {
      token: worker.token,
    });

    // Assess
    expectNoErrors(before);
    expect(before.data?.confidentialityPolicy).toMatchObject({
      title: 'Confidentiality policy 2027',
      acknowledged: false,
    });
    expect(version).toBeGreaterThan(0);
    expect(after.data?.confidentialityPolicy.acknowledged).toBe(true);
  });

  it('gives the newest note the caller may read as latestNote, though a newer one is restricted', async () => {
    // Prepare
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const volunteer = await addStaff(api, world.org, ['VOLUNTEER']);
    await allocate(api, world.manager, client, worker);
    await allocate(api, world.manager, client, volunteer);
    const care = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Ordinary day.');
    await recordNote(api, worker, client, 'SAFEGUARDING_CONCERN', 'Restricted concern.');

    // Act
    const result = await api.graphql<{ serviceUser: { latestNote: { id: string } | null } }>(
      'query ($id: ID!) { serviceUser(id: $id) { latestNote { id } } }',
      { token: volunteer.token, variables: { id: client } },
    );

    // Assess
    expectNoErrors(result);
    expect(result.data?.serviceUser.latestNote?.id).toBe(care);
    expect(result.text).not.toContain('Restricted concern');
  });

  it('lets a service manager look up partner agencies’ ids and names to record a request, and nothing else', async () => {
    // Prepare
    const registered = await api.graphql<{ registerPartnerAgency: { id: string } }>(
      'mutation ($c: String!) { registerPartnerAgency(name: "Leeds GP surgery", clientId: $c) { id } }',
      { token: world.org.adminToken, variables: { c: `gp-${Date.now()}` } },
    );
    expectNoErrors(registered);
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);

    // Act
    const byManager = await api.graphql<{ partnerAgencyDirectory: { id: string; name: string }[] }>(
      '{ partnerAgencyDirectory { id name } }',
      { token: world.manager.token },
    );
    const byWorker = await api.graphql('{ partnerAgencyDirectory { id name } }', { token: worker.token });

    // Assess
    expectNoErrors(byManager);
    expect(byManager.data?.partnerAgencyDirectory).toContainEqual({
      id: registered.data?.registerPartnerAgency.id,
      name: 'Leeds GP surgery',
    });
    expect(errorsOf(byWorker).map((error) => error.code)).toEqual(['FORBIDDEN']);
  });

  it('lets the Caldicott Guardian and a service manager read the breach register (Community 7), not a support worker', async () => {
    // Prepare
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    expectNoErrors(
      await api.graphql('mutation ($input: ReportBreachInput!) { reportBreach(input: $input) { id } }', {
        token: worker.token,
        variables: {
          input: {
            discoveredAt: new Date(Date.now() - 60_000).toISOString(),
            nature: 'Letter sent to the wrong address',
            categories: ['CONTACT'],
            approximateSubjects: 1,
          },
        },
      }),
    );

    // Act
    const answers = await Promise.all(
      [guardian, world.manager, worker].map((person) =>
        api.graphql<{ breaches: { nature: string }[] }>('{ breaches { nature } }', { token: person.token }),
      ),
    );

    // Assess
    const [byGuardian, byManager, byWorker] = answers;
    for (const answer of [byGuardian, byManager]) {
      expectNoErrors(answer as never);
      expect(answer?.data?.breaches.map((breach) => breach.nature)).toContain(
        'Letter sent to the wrong address',
      );
    }
    expect(errorsOf(byWorker as never).map((error) => error.code)).toEqual(['FORBIDDEN']);
  });

  it('lets the service’s ADMINISTRATOR correct a client’s contact details (CONTACT W cell), audited, not their name', async () => {
    // Prepare
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    const administrator = await addStaff(api, world.org, ['ADMINISTRATOR']);
    const volunteer = await addStaff(api, world.org, ['VOLUNTEER']);
    await addToService(api, world, administrator);
    await allocate(api, world.manager, client, volunteer);
    const MUTATION = `mutation ($input: CorrectContactDetailsInput!) {
      correctContactDetails(input: $input) { id phone email preferredContact version }
    }`;
    const read = await api.graphql<{ serviceUser: { version: number } }>(
      'query ($id: ID!) { serviceUser(id: $id) { version } }',
      { token: administrator.token, variables: { id: client } },
    );
    const version = read.data?.serviceUser.version ?? 0;

    // Act
    const bad = await api.graphql(MUTATION, {
      token: administrator.token,
      variables: { input: { serviceUserId: client, phone: 'not a phone', expectedVersion: version } },
    });
    const refused = await api.graphql(MUTATION, {
      token: volunteer.token,
      variables: { input: { serviceUserId: client, phone: '07700 900999', expectedVersion: version } },
    });
    const corrected = await api.graphql<{
      correctContactDetails: { phone: string; email: string; preferredContact: string; version: number };
    }>(MUTATION, {
      token: administrator.token,
      variables: {
        input: {
          serviceUserId: client,
          phone: '07700 900999',
          email: 'ada.new@example.org',
          expectedVersion: version,
        },
      },
    });
    const byManager = await api.graphql<{ serviceUser: { phone: string; email: string; name: string } }>(
      'query ($id: ID!) { serviceUser(id: $id) { phone email name } }',
      { token: world.manager.token, variables: { id: client } },
    );

    // Assess
    expect(errorsOf(bad)).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'phone'] }),
    ]);
    expect(errorsOf(refused).map((error) => error.code)).toEqual(['FORBIDDEN']);
    expectNoErrors(corrected);
    expect(corrected.data?.correctContactDetails).toMatchObject({
      phone: '07700 900999',
      email: 'ada.new@example.org',
      preferredContact: ADA.preferredContact,
      version: version + 1,
    });
    expect(byManager.data?.serviceUser).toEqual({
      phone: '07700 900999',
      email: 'ada.new@example.org',
      name: ADA.name,
    });
    const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), administrator.staffId, {
      limit: 100,
    });
    const writes = events.filter(
      (event) => event.operation === 'correctContactDetails' && event.action === 'WRITE',
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]?.classifications).toEqual(['CONTACT']);
    expect(JSON.stringify(writes)).not.toContain('900999');
  });
});

describe('opening an investigation naming several clients', () => {
  const api = testApi();

  it('links every client in one write: a fault links none, and a retry opens one investigation', async () => {
    // Prepare: two clients, a safeguarding lead, and an API whose DynamoDB client fails any write linking the second.
    const world = await serviceWorld(api);
    const [one, two] = [
      await registerServiceUser(api, world.manager, world.serviceId),
      await registerServiceUser(api, world.manager, world.serviceId),
    ];
    const lead = await addStaff(api, world.org, ['SAFEGUARDING_LEAD']);
    const secondProfile = `"ORG#${world.org.orgId}#CLIENT#${localIdOf(two)}"`;
    const failing = failingDynamoClient(
      api,
      (call) =>
        JSON.stringify(call.input).includes(secondProfile) &&
        JSON.stringify(call.input).includes('investigations.#id'),
    );
    const faulty = testApi({ dynamo: failing.client });
    const open = (through: TestApi) =>
      through.graphql<{ openSafeguardingInvestigation: string }>(OPEN_INVESTIGATION, {
        token: world.senior.token,
        variables: { c: [one, two], i: lead.globalId },
      });
    const investigationsOf = async (id: string) => {
      const loader = new ItemLoader(api.services.dynamo, api.services.keys);
      const client = await api.services.serviceUsers.get(tenantScope(world.org.orgId), localIdOf(id), loader);
      return client?.investigations.map((link) => link.investigationId) ?? [];
    };

    // Act
    const failed = await open(faulty);

    // Assess: a fault, and neither client linked.
    expect(failing.failures()).toBe(1);
    expect(failed.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL']);
    expect(await investigationsOf(one)).toEqual([]);
    expect(await investigationsOf(two)).toEqual([]);

    // Act: opened again, with nothing failing.
    const opened = await open(api);

    // Assess: one investigation, naming both.
    expectNoErrors(opened);
    const investigationId = opened.data?.openSafeguardingInvestigation;
    expect(await investigationsOf(one)).toEqual([investigationId]);
    expect(await investigationsOf(two)).toEqual([investigationId]);
  });
});
