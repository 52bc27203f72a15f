import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import {
  createService,
  errorsOf,
  loaderOf,
  localIdOf,
  type ServiceWorld,
  serviceWorld,
} from '../support/records-fixtures';
import { type GraphqlResult, testApi } from '../support/test-api';

/**
 * Optimistic concurrency and idempotency (DESIGN.md, GraphQL API conventions): updates carry the version
 * read and a stale one gets CONFLICT and loses nothing; registrations retried with the same idempotency key
 * create one record.
 */

const AMEND = `mutation ($input: AmendNoteInput!) { amendNote(input: $input) {
  id version amendedAt ... on CareNote { body }
} }`;
const CLOSE =
  'mutation ($input: CloseCaseInput!) { closeCase(input: $input) { caseStatus closedAt version } }';
const REGISTER =
  'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id name } }';

type Amended = { amendNote: { id: string; version: number; amendedAt: string; body: string } };

describe('concurrent updates', () => {
  const api = testApi();
  let world: ServiceWorld & { worker: Person; client: string };
  beforeAll(async () => {
    const base = await serviceWorld(api);
    const worker = await addStaff(api, base.org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, base.manager, base.serviceId);
    await allocate(api, base.manager, client, worker);
    world = { ...base, worker, client };
  });

  it('let exactly one of two amendNote calls with the same expectedVersion win; the other gets CONFLICT and nothing is lost', async () => {
    // Prepare
    const noteId = await recordNote(api, world.worker, world.client, 'DAILY_SUPPORT', 'Original body');
    const amend = (body: string, expectedVersion: number) =>
      api.graphql<Amended>(AMEND, {
        token: world.worker.token,
        variables: { input: { noteId, body, expectedVersion } },
      });

    // Act
    const results = await Promise.all([amend('Amended by tab A', 1), amend('Amended by tab B', 1)]);

    // Assess: one winner, one CONFLICT
    const winners = results.filter((result) => result.errors === undefined);
    const losers = results.filter((result) => result.errors !== undefined);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]?.data).toBeNull();
    expect(errorsOf(losers[0] as GraphqlResult)).toEqual([{ code: 'CONFLICT', path: ['amendNote'] }]);
    const winner = winners[0]?.data?.amendNote;
    expect(winner?.version).toBe(2);
    const winningBody = winner?.body ?? '';
    expect(['Amended by tab A', 'Amended by tab B']).toContain(winningBody);

    // The note reads as the winner's; its history keeps the original exactly once, and no loser's text
    const read = await api.graphql<{ caseNote: { version: number; body: string } }>(
      'query ($id: ID!) { caseNote(id: $id) { version ... on CareNote { body } } }',
      { token: world.worker.token, variables: { id: noteId } },
    );
    expect(read.data?.caseNote).toEqual({ version: 2, body: winningBody });
    const scope = tenantScope(world.org.orgId);
    const [clientId, localNoteId] = localIdOf(noteId).split('.') as [string, string];
    const key = await api.services.keys.subjectKey(world.org.orgId, clientId);
    if (!key) throw new Error('No subject key');
    const history = async () =>
      (await api.services.caseNotes.history(scope, clientId, localNoteId, loaderOf(api))).map((version) => ({
        version: version.version,
        body: api.services.caseNotes.openBody(key, version),
      }));
    expect(await history()).toEqual([{ version: 1, body: 'Original body' }]);

    // Act: a second amendment with the new version works; the stale version still conflicts
    const next = await amend('Second amendment', 2);
    const stale = await amend('Stale amendment', 1);

    // Assess
    expectNoErrors(next);
    expect(next.data?.amendNote).toMatchObject({ version: 3, body: 'Second amendment' });
    expect(errorsOf(stale)).toEqual([{ code: 'CONFLICT', path: ['amendNote'] }]);
    expect(await history()).toEqual([
      { version: 1, body: 'Original body' },
      { version: 2, body: winningBody },
    ]);
  });

  it('let exactly one of two closeCase calls with the same expectedVersion win; the other gets CONFLICT', async () => {
    // Prepare
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    const current = await api.graphql<{ serviceUser: { version: number } }>(
      'query ($id: ID!) { serviceUser(id: $id) { version } }',
      { token: world.manager.token, variables: { id: client } },
    );
    const version = current.data?.serviceUser.version ?? Number.NaN;
    const close = () =>
      api.graphql<{ closeCase: { caseStatus: string; version: number } }>(CLOSE, {
        token: world.manager.token,
        variables: { input: { serviceUserId: client, expectedVersion: version } },
      });

    // Act
    const results = await Promise.all([close(), close()]);

    // Assess
    const winners = results.filter((result) => result.errors === undefined);
    const losers = results.filter((result) => result.errors !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.data?.closeCase).toMatchObject({ caseStatus: 'CLOSED', version: version + 1 });
    expect(losers).toHaveLength(1);
    expect(errorsOf(losers[0] as GraphqlResult)).toEqual([{ code: 'CONFLICT', path: ['closeCase'] }]);
    const after = await api.graphql<{ serviceUser: { caseStatus: string; version: number } }>(
      'query ($id: ID!) { serviceUser(id: $id) { caseStatus version } }',
      { token: world.manager.token, variables: { id: client } },
    );
    expect(after.data?.serviceUser).toEqual({ caseStatus: 'CLOSED', version: version + 1 });
  });
});

describe('registerServiceUser with an idempotency key', () => {
  const api = testApi();

  it('creates exactly one record however often, and however concurrently, it is retried', async () => {
    // Prepare: a service of its own, so its list shows exactly what these registrations created
    const world = await serviceWorld(api);
    const serviceId = await createService(api, world, world.manager);
    const register = (idempotencyKey: string, name: string) =>
      api.graphql<{ registerServiceUser: { id: string; name: string } }>(REGISTER, {
        token: world.manager.token,
        variables: { input: { ...ADA, serviceId, name, idempotencyKey } },
      });

    // Act
    const sequential: GraphqlResult<{ registerServiceUser: { id: string; name: string } }>[] = [];
    for (let attempt = 0; attempt < 3; attempt++)
      sequential.push(await register('intake-form-0001', 'Retry Sequential'));
    const concurrent = await Promise.all([
      register('intake-form-0002', 'Retry Concurrent'),
      register('intake-form-0002', 'Retry Concurrent'),
      register('intake-form-0002', 'Retry Concurrent'),
    ]);

    // Assess
    for (const result of [...sequential, ...concurrent]) expectNoErrors(result);
    const sequentialIds = new Set(sequential.map((result) => result.data?.registerServiceUser.id));
    const concurrentIds = new Set(concurrent.map((result) => result.data?.registerServiceUser.id));
    expect(sequentialIds.size).toBe(1);
    expect(concurrentIds.size).toBe(1);
    const listed = await api.graphql<{ serviceUsers: { edges: { node: { id: string; name: string } }[] } }>(
      'query ($s: ID!) { serviceUsers(serviceId: $s, first: 100) { edges { node { id name } } } }',
      { token: world.manager.token, variables: { s: serviceId } },
    );
    expectNoErrors(listed);
    expect(
      listed.data?.serviceUsers.edges.map((edge) => edge.node).sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual([
      { id: [...concurrentIds][0], name: 'Retry Concurrent' },
      { id: [...sequentialIds][0], name: 'Retry Sequential' },
    ]);
    // Nor did a cancelled duplicate leave a search entry behind
    const found = await api.graphql<{ searchServiceUsers: { id: string }[] }>(
      '{ searchServiceUsers(name: "Retry Concurrent") { id } }',
      { token: world.manager.token },
    );
    expect(found.data?.searchServiceUsers.map((client) => client.id)).toEqual([...concurrentIds]);
  });
});
