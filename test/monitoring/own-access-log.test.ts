import { beforeAll, describe, expect, it } from 'vitest';
import { ADA, allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf, type ServiceWorld, serviceUserToken, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * The person's own view (issue 8): a service user, signed in as themself, lists who accessed their record and
 * why — by role and stated purpose, in plain words; staff names only if the organisation chooses; nothing about
 * anyone else; and nothing done under a safeguarding investigation of them that is still open.
 */

const OWN_LOG = `{ myAccessLog(first: 100) { edges { node {
  id at who staffName did what why emergency summary
} } } }`;

interface Entry {
  id: string;
  who: string;
  staffName: string | null;
  did: string;
  what: string;
  why: string;
  emergency: boolean;
  summary: string;
}

interface OwnWorld extends ServiceWorld {
  readonly worker: Person;
  readonly lead: Person;
  readonly client: string;
  readonly other: string;
}

async function ownWorld(api: TestApi): Promise<OwnWorld> {
  const world = await serviceWorld(api);
  const [worker, lead] = await Promise.all([
    addStaff(api, world.org, ['SUPPORT_WORKER'], 'sam.support'),
    addStaff(api, world.org, ['SAFEGUARDING_LEAD'], 'lee.lead'),
  ]);
  const client = await registerServiceUser(api, world.manager, world.serviceId);
  const other = await registerServiceUser(api, world.manager, world.serviceId, { name: 'Otto Other' });
  await allocate(api, world.manager, client, worker);
  await allocate(api, world.manager, other, worker);
  // A purpose in words of its author's (a typographic apostrophe) goes in the directive: a header carries ASCII.
  const read = async (person: Person, id: string, fields: string, purpose?: string) =>
    expectNoErrors(
      await api.graphql(
        purpose
          ? `query ($id: ID!, $why: String!) @purpose(reason: $why) { serviceUser(id: $id) { ${fields} } }`
          : `query ($id: ID!) { serviceUser(id: $id) { ${fields} } }`,
        { token: person.token, variables: { id, ...(purpose ? { why: purpose } : {}) } },
      ),
    );
  // The scenario: the worker reads contact details with a purpose; the manager reads the name; the worker reads
  // the other client; the safeguarding lead, investigating the client, reads with a reason.
  await read(worker, client, 'phone email', 'Arranging Tuesday’s visit');
  await read(world.manager, client, 'name');
  await read(worker, other, 'name phone', 'Other client’s visit');
  expectNoErrors(
    await api.graphql(
      'mutation ($c: [ID!]!, $i: ID!) { openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i) }',
      { token: world.senior.token, variables: { c: [client], i: lead.globalId } },
    ),
  );
  await read(lead, client, 'name address', 'Investigation interview preparation');
  return { ...world, worker, lead, client, other };
}

async function ownLog(api: TestApi, token: string) {
  const result = await api.graphql<{ myAccessLog: { edges: { node: Entry }[] } }>(OWN_LOG, { token });
  expectNoErrors(result);
  return { entries: result.data?.myAccessLog.edges.map((edge) => edge.node) ?? [], text: result.text };
}

describe('myAccessLog', () => {
  const api = testApi();
  let world: OwnWorld;
  beforeAll(async () => {
    world = await ownWorld(api);
  });

  it('lists who accessed the person’s record and why, by role, in plain words — and nothing else', async () => {
    // Act
    const { entries, text } = await ownLog(api, await serviceUserToken(api, world.org.orgId, world.client));

    // Assess
    const reads = entries.filter((entry) => entry.did === 'looked at');
    expect(reads.map(({ who, what, why, staffName }) => ({ who, what, why, staffName }))).toEqual([
      {
        who: 'The manager of your service',
        what: 'your name and personal details',
        why: 'To manage the support you receive',
        staffName: null,
      },
      {
        who: 'A support worker who supports you',
        what: 'your contact details',
        why: 'Reason given: “Arranging Tuesday’s visit”',
        staffName: null,
      },
    ]);
    expect(reads[1]?.summary).toBe(
      'A support worker who supports you looked at your contact details. Reason given: “Arranging Tuesday’s visit”',
    );
    // Nothing about the other client, nothing from the open investigation, no staff ids or handles.
    for (const hidden of [
      'Other client’s visit',
      'Otto Other',
      'Investigation interview',
      'safeguarding lead',
    ]) {
      expect(text).not.toContain(hidden);
    }
    for (const hidden of [world.worker.staffId, world.lead.staffId, 'sam.support', ADA.phone]) {
      expect(text).not.toContain(hidden);
    }
    expect(entries.every((entry) => !entry.who.includes('safeguarding'))).toBe(true);
  });

  it('shows the other person only their own accesses', async () => {
    const { entries, text } = await ownLog(api, await serviceUserToken(api, world.org.orgId, world.other));

    expect(entries.filter((entry) => entry.did === 'looked at').map((entry) => entry.why)).toEqual([
      'Reason given: “Other client’s visit”',
    ]);
    expect(text).not.toContain('Arranging Tuesday');
  });

  it('names the staff once the organisation’s admin chooses to show names', async () => {
    // Prepare
    const organisation = await api.graphql<{ organisation: { version: number } }>(
      '{ organisation { version } }',
      {
        token: world.org.adminToken,
      },
    );
    expectNoErrors(organisation);

    // Act
    const changed = await api.graphql<{
      setShowStaffNamesToServiceUsers: { showStaffNamesToServiceUsers: boolean };
    }>(
      'mutation ($v: Int!) { setShowStaffNamesToServiceUsers(show: true, expectedVersion: $v) { showStaffNamesToServiceUsers } }',
      { token: world.org.adminToken, variables: { v: organisation.data?.organisation.version } },
    );
    const { entries } = await ownLog(api, await serviceUserToken(api, world.org.orgId, world.client));

    // Assess
    expectNoErrors(changed);
    expect(changed.data?.setShowStaffNamesToServiceUsers.showStaffNamesToServiceUsers).toBe(true);
    const worker = entries.find((entry) => entry.why.includes('Arranging'));
    expect(worker?.staffName).toBe('Staff sam.support');
    expect(worker?.summary).toMatch(/^A support worker who supports you \(Staff sam\.support\) looked at/);
  });

  it('is refused to staff, and the setting to anyone but an ORG_ADMIN', async () => {
    const [asStaff, setByManager] = await Promise.all([
      api.graphql(OWN_LOG, { token: world.worker.token }),
      api.graphql('mutation { setShowStaffNamesToServiceUsers(show: false, expectedVersion: 1) { id } }', {
        token: world.manager.token,
      }),
    ]);

    expect(errorsOf(asStaff)).toEqual([{ code: 'FORBIDDEN', path: ['myAccessLog'] }]);
    expect(errorsOf(setByManager)).toEqual([
      { code: 'FORBIDDEN', path: ['setShowStaffNamesToServiceUsers'] },
    ]);
  });
});
