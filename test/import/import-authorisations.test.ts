import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { type Item, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff, expectTamperedState } from '../support/fixtures';
import { rawItem, rawPut, rawUpdate } from '../support/raw-table';
import { createService } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { importWorld } from './import-support';

/**
 * Decision 0146: an import into a deployed stage runs under the authority of a manager of the service, who gives it
 * through the API (`authoriseImport`), for a few hours, and may withdraw it (`withdrawImportAuthorisation`). What the
 * operator is handed is an opaque id, never a credential to the API. The transfer function's use of it is in
 * test/cli/stage-transfer.test.ts; its pure policy in packages/access (policies/imports.test.ts).
 */

const AUTHORISE = `mutation ($input: AuthoriseImportInput!) {
  authoriseImport(input: $input) { id serviceId grantedBy grantedAt expiresAt withdrawnAt }
}`;
const WITHDRAW = `mutation ($input: WithdrawImportAuthorisationInput!) {
  withdrawImportAuthorisation(input: $input) { id withdrawnAt }
}`;

const LIST = `query ($serviceId: ID!, $first: Int, $after: String) {
  importAuthorisations(serviceId: $serviceId, first: $first, after: $after) {
    edges { node { id serviceId grantedBy grantedAt expiresAt withdrawnAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Listed {
  importAuthorisations: {
    edges: { node: Authorised['authoriseImport'] }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

interface Authorised {
  authoriseImport: {
    id: string;
    serviceId: string;
    grantedBy: string;
    grantedAt: string;
    expiresAt: string;
    withdrawnAt: string | null;
  };
}

/** Every import authorisation item of the organisation, as stored. */
async function storedAuthorisations(api: TestApi, orgId: string): Promise<Item[]> {
  const answer = await api.services.dynamo.send(
    new QueryCommand({
      TableName: api.services.config.tables.data,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `ORG#${orgId}#IMPORT_AUTHORISATIONS` } },
      ConsistentRead: true,
    }),
  );
  return answer.Items ?? [];
}

const authorise = (api: TestApi, person: Pick<Person, 'token'>, input: Record<string, unknown>) =>
  api.graphql<Authorised>(AUTHORISE, { token: person.token, variables: { input } });

const list = (api: TestApi, person: Pick<Person, 'token'>, variables: Record<string, unknown>) =>
  api.graphql<Listed>(LIST, { token: person.token, variables });

const listedIds = (result: { data?: Listed | null | undefined }) =>
  result.data?.importAuthorisations.edges.map((edge) => edge.node.id);

/** Gives an authorisation through the API and answers its id. */
async function given(
  api: TestApi,
  person: Pick<Person, 'token'>,
  input: Record<string, unknown>,
): Promise<Authorised['authoriseImport']> {
  const result = await authorise(api, person, input);
  expectNoErrors(result);
  if (!result.data) throw new Error('No authorisation given');
  return result.data.authoriseImport;
}

/** A colleague made a manager of the world's service, who has acknowledged the current policy. */
async function colleagueOf(api: TestApi, world: Awaited<ReturnType<typeof importWorld>>): Promise<Person> {
  const colleague = await addStaff(api, world.org, ['SERVICE_MANAGER']);
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
      { token: world.senior.token, variables: { s: world.serviceId, m: colleague.globalId } },
    ),
  );
  const version = (await api.services.directory.organisation(world.org.orgId))?.policyVersion;
  expectNoErrors(
    await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
      token: colleague.token,
      variables: { v: version },
    }),
  );
  return colleague;
}

describe('import authorisations through the API', { timeout: 120_000 }, () => {
  const api = testApi();

  it('a manager of the service authorises an import: an opaque id, for a few hours, MACed, going by itself, audited with the change', async () => {
    // Prepare
    const world = await importWorld(api);

    // Act
    const byDefault = await authorise(api, world.manager, { serviceId: world.serviceId });
    const short = await authorise(api, world.manager, { serviceId: world.serviceId, expiresInMinutes: 30 });
    const asBearer = await api.graphql('{ me { kind } }', {
      token: byDefault.data?.authoriseImport.id ?? 'none',
    });

    // Assess: what the manager is given
    expectNoErrors(byDefault);
    expectNoErrors(short);
    const given = byDefault.data?.authoriseImport;
    expect(given?.id).toMatch(/^ima_[a-z2-7]{26}$/);
    expect(given).toMatchObject({
      serviceId: world.serviceId,
      grantedBy: world.manager.globalId,
      withdrawnAt: null,
    });
    const minutes = (answer: typeof given) =>
      (Date.parse(answer?.expiresAt ?? '') - Date.parse(answer?.grantedAt ?? '')) / 60_000;
    expect(minutes(given)).toBe(240);
    expect(minutes(short.data?.authoriseImport)).toBe(30);
    // It is no credential to the API.
    expect(codes(asBearer)).toEqual(['UNAUTHENTICATED']);

    // What is stored: ids and times, under the organisation's MAC, with its TTL at its end.
    const stored = await storedAuthorisations(api, world.org.orgId);
    expect(stored).toHaveLength(2);
    const item = stored.find((entry) => entry.authorisationId?.S === given?.id);
    expect(item?.authorisationMac?.S).toMatch(/.{20,}/);
    expect(Number(item?.expiresAt?.N)).toBe(Math.ceil(Date.parse(given?.expiresAt ?? '') / 1000));
    expect(Object.keys(item ?? {}).sort()).toEqual(
      [
        'authorisationId',
        'authorisationMac',
        'expiresAt',
        'grantedAt',
        'grantedBy',
        'orgId',
        'pk',
        'serviceId',
        'sk',
        'validUntil',
      ].sort(),
    );
    expect(item?.grantedBy?.S).toBe(world.manager.staffId);

    // Audited, in the change's own transaction, against the service, naming the authorisation.
    const events = (
      await api.services.auditLog.byActor(tenantScope(world.org.orgId), world.manager.staffId, { limit: 50 })
    ).filter((event) => event.operation === 'authoriseImport');
    expect(events).toHaveLength(2);
    expect(events.find((event) => event.items?.includes(given?.id ?? ''))).toMatchObject({
      action: 'ADMIN',
      outcome: 'ALLOWED',
      subjectId: world.serviceLocalId,
      rule: 'import.authorise.service-managers',
      relationship: 'MANAGES_SERVICE',
      fields: ['ImportAuthorisation.granted'],
    });
  });

  it('is refused to a support worker, a manager of another service, a manager who has not acknowledged the policy and an operator, each refusal audited; bad lifetimes change nothing', async () => {
    // Prepare
    const world = await importWorld(api);
    const otherManager = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    await createService(api, world, otherManager);
    const version = (await api.services.directory.organisation(world.org.orgId))?.policyVersion;
    expectNoErrors(
      await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
        token: otherManager.token,
        variables: { v: version },
      }),
    );
    const unacknowledged = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
        { token: world.senior.token, variables: { s: world.serviceId, m: unacknowledged.globalId } },
      ),
    );
    const operator = { token: await api.operatorToken('operator-1') };
    const input = { serviceId: world.serviceId };
    const started = new Date().toISOString();

    // Act
    const worker = await authorise(api, world.worker, input);
    const elsewhere = await authorise(api, otherManager, input);
    const notAcknowledged = await authorise(api, unacknowledged, input);
    const byOperator = await authorise(api, operator, input);
    const tooShort = await authorise(api, world.manager, { ...input, expiresInMinutes: 1 });
    const tooLong = await authorise(api, world.manager, { ...input, expiresInMinutes: 24 * 60 + 1 });

    // Assess: refused with clear codes, nothing stored.
    expect(codes(worker)).toEqual(['FORBIDDEN']);
    expect(codes(elsewhere)).toEqual(['FORBIDDEN']);
    expect(codes(notAcknowledged)).toEqual(['POLICY_NOT_ACKNOWLEDGED']);
    expect(codes(byOperator)).toEqual(['FORBIDDEN']);
    for (const bad of [tooShort, tooLong]) {
      expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
      expect(bad.errors?.[0]?.extensions?.field).toEqual(['input', 'expiresInMinutes']);
    }
    expect(await storedAuthorisations(api, world.org.orgId)).toEqual([]);
    // Each staff refusal is one DENIED event of the caller's; the operator's is in the platform audit.
    const scope = tenantScope(world.org.orgId);
    for (const [person, rule] of [
      [world.worker, 'import.authorise.service-managers'],
      [otherManager, 'import.authorise.service-managers'],
      [unacknowledged, 'policy.acknowledgement'],
    ] as const) {
      const denied = (await api.services.auditLog.byActor(scope, person.staffId, { limit: 50 })).filter(
        (event) => event.operation === 'authoriseImport',
      );
      expect(denied.map((event) => [event.action, event.rule, event.subjectId])).toEqual([
        ['DENIED', rule, world.serviceLocalId],
      ]);
    }
    const platform = (await api.services.platformAudit.list({ limit: 2000 })).filter(
      (event) =>
        event.operation === 'authoriseImport' && event.actor.id === 'operator-1' && event.at >= started,
    );
    expect(platform.map((event) => [event.actor.kind, event.outcome, event.rule])).toContainEqual([
      'OPERATOR',
      'FORBIDDEN',
      'import.authorise.principal',
    ]);
  });

  it('is refused while the organisation has published no confidentiality policy, which an import needs: nothing written', async () => {
    // Prepare: an organisation that has not published its policy yet.
    const world = await importWorld(api, { publishPolicy: false });

    // Act
    const refused = await authorise(api, world.manager, { serviceId: world.serviceId });

    // Assess: refused as the import would be later, with nothing to hand to an operator.
    expect(codes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors?.[0]?.message).toContain('confidentiality policy');
    expect(await storedAuthorisations(api, world.org.orgId)).toEqual([]);
  });

  it('only its grantor withdraws it, once; to anyone else it is not there', async () => {
    // Prepare
    const world = await importWorld(api);
    const colleague = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
        { token: world.senior.token, variables: { s: world.serviceId, m: colleague.globalId } },
      ),
    );
    const given = await authorise(api, world.manager, { serviceId: world.serviceId });
    expectNoErrors(given);
    const authorisationId = given.data?.authoriseImport.id ?? '';
    const withdraw = (person: Pick<Person, 'token'>, id = authorisationId) =>
      api.graphql<{ withdrawImportAuthorisation: { id: string; withdrawnAt: string | null } }>(WITHDRAW, {
        token: person.token,
        variables: { input: { authorisationId: id } },
      });

    // Act
    const byColleague = await withdraw(colleague);
    const byAdmin = await withdraw({ token: world.org.adminToken });
    const byOperator = await withdraw({ token: await api.operatorToken('operator-1') });
    const unknown = await withdraw(world.manager, 'ima_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    const byGrantor = await withdraw(world.manager);
    const again = await withdraw(world.manager);

    // Assess
    expect(codes(byColleague)).toEqual(['NOT_FOUND']);
    expect(codes(byAdmin)).toEqual(['NOT_FOUND']);
    expect(codes(byOperator)).toEqual(['FORBIDDEN']);
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expectNoErrors(byGrantor);
    expect(byGrantor.data?.withdrawImportAuthorisation.id).toBe(authorisationId);
    expect(byGrantor.data?.withdrawImportAuthorisation.withdrawnAt).toBeTruthy();
    expect(codes(again)).toEqual(['CONFLICT']);
    const [stored] = await storedAuthorisations(api, world.org.orgId);
    expect(stored?.withdrawnAt?.S).toBe(byGrantor.data?.withdrawImportAuthorisation.withdrawnAt);
    const scope = tenantScope(world.org.orgId);
    const grantorEvents = (
      await api.services.auditLog.byActor(scope, world.manager.staffId, { limit: 50 })
    ).filter((event) => event.operation === 'withdrawImportAuthorisation');
    // Newest first: the withdrawal, naming the authorisation; the unknown id's refusal. The CONFLICT records nothing.
    expect(grantorEvents.map((event) => [event.action, event.outcome, event.items])).toEqual([
      ['ADMIN', 'ALLOWED', [authorisationId]],
      ['DENIED', 'NOT_FOUND', undefined],
    ]);
    const colleagueEvents = (
      await api.services.auditLog.byActor(scope, colleague.staffId, { limit: 50 })
    ).filter((event) => event.operation === 'withdrawImportAuthorisation');
    expect(colleagueEvents.map((event) => [event.action, event.outcome])).toEqual([['DENIED', 'NOT_FOUND']]);
  });

  it('the service’s managers list the authorisations that stand for it, newest first, a withdrawn one with when until it ends; audited as a read', async () => {
    // Prepare: three given by the manager (two of them withdrawn, one of those ending in five minutes, and one ending
    // in an hour), one by a colleague who also manages the service, and one into the manager's other service.
    const world = await importWorld(api);
    const colleague = await colleagueOf(api, world);
    const otherService = await createService(api, world, world.manager);
    const first = await given(api, world.manager, { serviceId: world.serviceId });
    const short = await given(api, world.manager, { serviceId: world.serviceId, expiresInMinutes: 5 });
    const hour = await given(api, world.manager, { serviceId: world.serviceId, expiresInMinutes: 60 });
    const colleagues = await given(api, colleague, { serviceId: world.serviceId });
    const elsewhere = await given(api, world.manager, { serviceId: otherService });
    const withdrawnAt: Record<string, string> = {};
    for (const { id } of [first, short]) {
      const withdrawn = await api.graphql<{ withdrawImportAuthorisation: { withdrawnAt: string } }>(
        WITHDRAW,
        {
          token: world.manager.token,
          variables: { input: { authorisationId: id } },
        },
      );
      expectNoErrors(withdrawn);
      withdrawnAt[id] = withdrawn.data?.withdrawImportAuthorisation.withdrawnAt ?? '';
    }
    // Later, the shorter ones have ended (their items are still in the table: the TTL deletes them days late).
    const inMinutes = (minutes: number) =>
      testApi({ clock: { now: () => new Date(Date.now() + minutes * 60_000) } });

    // Act
    const byManager = await list(api, world.manager, { serviceId: world.serviceId });
    const byColleague = await list(api, colleague, { serviceId: world.serviceId });
    const otherServiceList = await list(api, world.manager, { serviceId: otherService });
    const tenMinutesOn = await list(inMinutes(10), world.manager, { serviceId: world.serviceId });
    const twoHoursOn = await list(inMinutes(120), world.manager, { serviceId: world.serviceId });
    const firstPage = await list(api, world.manager, { serviceId: world.serviceId, first: 2 });
    const secondPage = await list(api, world.manager, {
      serviceId: world.serviceId,
      first: 2,
      after: firstPage.data?.importAuthorisations.pageInfo.endCursor,
    });

    // Assess: the service's own, newest first, each as it was given; a withdrawn one says when.
    expectNoErrors(byManager);
    expect(listedIds(byManager)).toEqual([colleagues.id, hour.id, short.id, first.id]);
    expect(byManager.data?.importAuthorisations.edges.map((edge) => edge.node)).toEqual([
      colleagues,
      hour,
      { ...short, withdrawnAt: withdrawnAt[short.id] },
      { ...first, withdrawnAt: withdrawnAt[first.id] },
    ]);
    expect(Object.values(withdrawnAt).every((at) => at !== '')).toBe(true);
    // The colleague sees the same, theirs and the manager's alike; the other service lists its own only.
    expectNoErrors(byColleague);
    expect(byColleague.data).toEqual(byManager.data);
    expect(listedIds(otherServiceList)).toEqual([elsewhere.id]);
    // One that has ended is no longer listed, withdrawn or not.
    expect(listedIds(tenMinutesOn)).toEqual([colleagues.id, hour.id, first.id]);
    expect(listedIds(twoHoursOn)).toEqual([colleagues.id, first.id]);
    // Pages of a connection.
    expect(listedIds(firstPage)).toEqual([colleagues.id, hour.id]);
    expect(firstPage.data?.importAuthorisations.pageInfo.hasNextPage).toBe(true);
    expect(listedIds(secondPage)).toEqual([short.id, first.id]);
    expect(secondPage.data?.importAuthorisations.pageInfo.hasNextPage).toBe(false);
    // Ids and times only.
    expect(byManager.text).not.toContain('Staff ');
    // Each list is one READ event of the caller's, against the service, under the listing rule.
    const scope = tenantScope(world.org.orgId);
    const reads = (await api.services.auditLog.byActor(scope, colleague.staffId, { limit: 50 })).filter(
      (event) => event.operation === 'importAuthorisations',
    );
    expect(
      reads.map((event) => [event.action, event.outcome, event.subjectId, event.rule, event.relationship]),
    ).toEqual([['READ', 'ALLOWED', world.serviceLocalId, 'import.list.service-managers', 'MANAGES_SERVICE']]);
  });

  it('is refused to a support worker of the service, a manager of another service, the IG lead and an operator, each refusal audited; another organisation’s never appear', async () => {
    // Prepare: an authorisation in each of two organisations; the support worker on the service's team.
    const world = await importWorld(api);
    const other = await importWorld(api);
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }',
        {
          token: world.manager.token,
          variables: { s: world.serviceId, m: world.worker.globalId },
        },
      ),
    );
    const otherManager = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    await createService(api, world, otherManager);
    const ours = await given(api, world.manager, { serviceId: world.serviceId });
    const theirs = await given(api, other.manager, { serviceId: other.serviceId });
    const operator = { token: await api.operatorToken('operator-1') };
    const started = new Date().toISOString();
    const input = { serviceId: world.serviceId };

    // Act
    const worker = await list(api, world.worker, input);
    const elsewhere = await list(api, otherManager, input);
    const igLead = await list(api, world.igLead, input);
    const byOperator = await list(api, operator, input);
    const otherOrganisation = await list(api, other.manager, input);
    const ownList = await list(api, world.manager, input);
    const theirList = await list(api, other.manager, { serviceId: other.serviceId });

    // Assess: refused; a service of another organisation is not there.
    expect(codes(worker)).toEqual(['FORBIDDEN']);
    expect(codes(elsewhere)).toEqual(['FORBIDDEN']);
    expect(codes(igLead)).toEqual(['FORBIDDEN']);
    expect(codes(byOperator)).toEqual(['FORBIDDEN']);
    expect(codes(otherOrganisation)).toEqual(['NOT_FOUND']);
    for (const refused of [worker, elsewhere, igLead, byOperator, otherOrganisation]) {
      expect(refused.text).not.toContain(ours.id);
    }
    // Each organisation's managers see their own only.
    expect(listedIds(ownList)).toEqual([ours.id]);
    expect(listedIds(theirList)).toEqual([theirs.id]);
    // Each staff refusal is one DENIED event of the caller's; the operator's is in the platform audit.
    const scope = tenantScope(world.org.orgId);
    for (const person of [world.worker, otherManager, world.igLead]) {
      const denied = (await api.services.auditLog.byActor(scope, person.staffId, { limit: 50 })).filter(
        (event) => event.operation === 'importAuthorisations',
      );
      expect(denied.map((event) => [event.action, event.outcome, event.rule, event.subjectId])).toEqual([
        ['DENIED', 'FORBIDDEN', 'import.list.service-managers', world.serviceLocalId],
      ]);
    }
    const platform = (await api.services.platformAudit.list({ limit: 2000 })).filter(
      (event) =>
        event.operation === 'importAuthorisations' && event.actor.id === 'operator-1' && event.at >= started,
    );
    expect(platform.map((event) => [event.actor.kind, event.outcome, event.rule])).toContainEqual([
      'OPERATOR',
      'FORBIDDEN',
      'import.list.principal',
    ]);
  });

  it('fails closed on an authorisation changed in the table or copied from another organisation: nothing listed, an integrity incident', async () => {
    // Prepare: one authorisation extended in the table; in another organisation, a copy of one of this one's.
    const world = await importWorld(api);
    const other = await importWorld(api);
    const extended = await given(api, world.manager, { serviceId: world.serviceId, expiresInMinutes: 30 });
    await given(api, world.manager, { serviceId: world.serviceId });
    const copied = await given(api, world.manager, { serviceId: world.serviceId });
    await given(api, other.manager, { serviceId: other.serviceId });
    const key = (orgId: string, id: string) => ({ pk: `ORG#${orgId}#IMPORT_AUTHORISATIONS`, sk: id });
    await rawUpdate(api, key(world.org.orgId, extended.id), 'SET validUntil = :later', {
      ':later': { S: new Date(Date.now() + 20 * 3_600_000).toISOString() },
    });
    const original = await rawItem(api, key(world.org.orgId, copied.id));
    await rawPut(api, {
      ...original,
      pk: { S: `ORG#${other.org.orgId}#IMPORT_AUTHORISATIONS` },
      orgId: { S: other.org.orgId },
      serviceId: { S: other.serviceLocalId },
    });

    // Act
    const tampered = await list(api, world.manager, { serviceId: world.serviceId });
    const withCopy = await list(api, other.manager, { serviceId: other.serviceId });

    // Assess: neither list is served, and each organisation has the incident.
    for (const failed of [tampered, withCopy]) {
      expect(codes(failed)).toEqual(['INTERNAL']);
      expect(failed.data).toBeNull();
      expect(failed.text).not.toContain('ima_');
    }
    await expectTamperedState(api, world.org.orgId, 'IMPORT_AUTHORISATION', world.manager.staffId);
    await expectTamperedState(api, other.org.orgId, 'IMPORT_AUTHORISATION', world.manager.staffId);
  });
});
