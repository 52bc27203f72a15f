import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { type Item, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
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
});
