import {
  type AttributeValue,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { toEpochSeconds } from '@confide/domain';
import { DEFAULT_RETENTION, erasureRecordKey, keyQuarantineKey, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { recordSubjectAccessRequest } from '../disclosure/subject-access-fixtures';
import {
  ADA,
  codes,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, approvalIdOf, expectTamperedState } from '../support/fixtures';
import { rawUpdate } from '../support/raw-table';
import { localIdOf, organisationItems } from '../support/records-fixtures';
import type { TestApi } from '../support/test-api';
import { exceptionalDisclosure } from './person-work-fixtures';
import {
  breakGlass,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  keyQuarantine,
  outlive,
  partitionItems,
  proposeErasure,
  type RetentionWorld,
  readClient,
  retentionApi,
  retentionWorld,
  runRetention,
  subjectKeyItem,
  sweepPastQuarantine,
  sweepUntilGone,
} from './retention-support';

/**
 * Issue 16, capability 2: deletion only by the rules. Someone who can write the table (not the API) sets an
 * item's `expiresAt` in the past, or forges an erasure record. TTL (the local sweeper) then removes the item; the
 * retention handler must not take that as an expiry: it re-checks the removal against the authenticated retention
 * state, records an integrity incident, keeps the subject key and the rest of the record, and puts the item back.
 */

async function setExpiry(api: TestApi, pk: string, sk: string, expiresAt: number): Promise<void> {
  await rawUpdate(api, { pk, sk }, 'SET expiresAt = :at', { ':at': { N: String(expiresAt) } });
}

const profileKey = (orgId: string, clientId: string) => ({
  pk: tenantScope(orgId).key('CLIENT', clientId),
  sk: 'PROFILE',
});

/**
 * A closed case's hold marker (`marker`, an attribute path) taken off its profile by a raw write: the IG lead's erasure
 * proposal, refused with CONFLICT while the marker was there, now fails closed; the key stays and the profile is an
 * incident.
 */
async function expectErasureRefusedOnceMarkerRemoved(
  api: TestApi,
  world: RetentionWorld,
  client: { id: string; clientId: string },
  marker: 'legalHold' | 'reviewHolds' | `investigations.${string}`,
): Promise<void> {
  expect(codes(await proposeErasure(api, world.ig.token, client.id))).toEqual(['CONFLICT']);

  await rawUpdate(api, profileKey(world.org.orgId, client.clientId), `REMOVE ${marker}`);
  const proposed = await proposeErasure(api, world.ig.token, client.id);

  expect(codes(proposed)).toEqual(['INTERNAL']);
  expect(await subjectKeyItem(api, world.org.orgId, client.clientId)).toBeDefined();
  await expectTamperedState(api, world.org.orgId, 'PROFILE', client.clientId);
}

const READ_NAME = 'query ($id: ID!) { serviceUser(id: $id) { name } }';

/** The codes a staff member's read of a client's name is answered with (undefined: served). */
async function readNameCodes(
  api: TestApi,
  token: string,
  id: string,
  headers?: Record<string, string>,
): Promise<unknown[] | undefined> {
  return codes(await api.graphql(READ_NAME, { token, variables: { id }, ...(headers ? { headers } : {}) }));
}

/** The justification a read under an emergency access gives. */
const PURPOSE = { 'x-access-purpose': 'Paramedics on site need medication history' };

/** The organisation's incidents are exactly one rollback of a subject's item, put right. */
async function expectOneRollback(
  api: TestApi,
  scope: ReturnType<typeof tenantScope>,
  subjectId: string,
  itemKind: string,
): Promise<void> {
  expect(await api.services.integrityIncidents.list(scope)).toEqual([
    expect.objectContaining({ kind: 'ROLLED_BACK', subjectId, itemKind, restored: true }),
  ]);
}

/**
 * One raw UpdateItem that gives an item back the attributes of an earlier copy whose names match `taken` (its facts
 * and their MAC), and removes those the copy did not have (a count of changes it predates): the rest stays current.
 */
async function putBackAttributes(
  api: TestApi,
  key: { pk: { S: string }; sk: { S: string } },
  copy: Record<string, AttributeValue>,
  taken: RegExp,
): Promise<void> {
  const current =
    (
      await api.services.dynamo.send(
        new GetItemCommand({ TableName: api.stack.tables.data, Key: key, ConsistentRead: true }),
      )
    ).Item ?? {};
  const names = Object.keys(copy).filter((name) => taken.test(name));
  const dropped = Object.keys(current).filter((name) => taken.test(name) && copy[name] === undefined);
  await api.services.dynamo.send(
    new UpdateItemCommand({
      TableName: api.stack.tables.data,
      Key: key,
      UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}${
        dropped.length > 0 ? ` REMOVE ${dropped.map((name) => `#${name}`).join(', ')}` : ''
      }`,
      ExpressionAttributeNames: Object.fromEntries([...names, ...dropped].map((name) => [`#${name}`, name])),
      ExpressionAttributeValues: Object.fromEntries(
        names.map((name) => [`:${name}`, copy[name] as AttributeValue]),
      ),
    }),
  );
}

const PLACE_HOLD = `mutation ($id: ID!) { placeLegalHold(serviceUserId: $id, reason: "Claim 24-0117") { placedAt } }`;

/** Access taken away from a staff member through the API: who, reading whom (with what headers), and the taking away. */
interface TakenAway {
  readonly person: Person;
  readonly id: string;
  readonly headers?: Record<string, string>;
  readonly takeAway: () => Promise<void>;
}

/**
 * What the API takes away from a staff member that their account holds, each under its own MAC and count of changes,
 * with the attributes that hold it (`facts`): an earlier copy of the account put back must not give it back.
 */
const STAFF_ROLLBACKS: readonly {
  readonly what: string;
  readonly decision: string;
  readonly facts: RegExp;
  readonly takenAway: (api: TestApi, world: RetentionWorld) => Promise<TakenAway>;
}[] = [
  {
    what: 'a staff member’s deactivation',
    decision: '0121',
    facts: /^(status|roles|access)/,
    takenAway: async (api, world) => ({
      person: world.worker,
      id: (await clientWithRecords(api, world)).id,
      takeAway: async () =>
        expectNoErrors(
          await api.graphql('mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }', {
            token: world.org.adminToken,
            variables: { id: world.worker.globalId },
          }),
        ),
    }),
  },
  {
    what: 'a manager’s removal from their service',
    decision: '0125',
    facts: /^(manages|memberOf|qaReviews|serviceLink)/,
    takenAway: async (api, world) => ({
      person: world.manager,
      id: await registerServiceUser(api, world.manager, world.serviceId),
      takeAway: async () =>
        expectNoErrors(
          await api.graphql(
            'mutation ($s: ID!, $m: ID!) { removeServiceManager(serviceId: $s, staffId: $m) { id } }',
            { token: world.senior.token, variables: { s: world.serviceId, m: world.manager.globalId } },
          ),
        ),
    }),
  },
  {
    what: 'an emergency access ended by its review',
    decision: '0126',
    facts: /^(emergencyGrants|grants)/,
    takenAway: async (api, world) => {
      const [stranger, guardian] = await Promise.all([
        addStaff(api, world.org, ['SUPPORT_WORKER']),
        addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
      ]);
      const id = await registerServiceUser(api, world.manager, world.serviceId);
      const opened = await breakGlass(api, stranger, id);
      expectNoErrors(opened);
      return {
        person: stranger,
        id,
        headers: PURPOSE,
        takeAway: async () =>
          expectNoErrors(
            await api.graphql(
              'mutation ($id: ID!) { completeEmergencyAccessReview(reviewId: $id, outcome: JUSTIFIED) { status } }',
              { token: guardian.token, variables: { id: opened.data?.openEmergencyAccess.id } },
            ),
          ),
      };
    },
  },
];

describe('retention: a removal the rules do not explain', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('one raw write on a held client’s profile destroys nothing: key kept, items kept, profile restored, incident recorded', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await api.graphql(PLACE_HOLD, { token: world.manager.token, variables: { id } }));
    const before = await partitionItems(api, world.org.orgId, clientId);
    expect(before.length).toBeGreaterThan(3);

    const scope = tenantScope(world.org.orgId);
    await setExpiry(api, scope.key('CLIENT', clientId), 'PROFILE', toEpochSeconds(clock.now()) - 60);
    await runRetention(api, world.org.orgId);

    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeDefined();
    const after = await partitionItems(api, world.org.orgId, clientId);
    expect(after.map((item) => item.sk?.S).sort()).toEqual(before.map((item) => item.sk?.S).sort());
    const view = await readClient(api, world.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.name).toBe(ADA.name);
    expect(view.data?.serviceUser.retention?.legalHold).toBe(true);

    const incidents = await api.services.integrityIncidents.list(scope);
    expect(incidents).toEqual([
      expect.objectContaining({ kind: 'UNEXPLAINED_REMOVAL', subjectId: clientId, itemKind: 'PROFILE' }),
    ]);
    expect(await api.services.tombstones.list(scope, clientId)).toEqual([]);
  });

  it('an open client’s note whose expiry was moved into the past comes back; nothing else goes', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const note = (await partitionItems(api, world.org.orgId, clientId)).find((item) =>
      item.sk?.S?.startsWith('NOTE#'),
    );
    if (!note?.sk?.S) throw new Error('no note');
    await setExpiry(api, scope.key('CLIENT', clientId), note.sk.S, toEpochSeconds(clock.now()) - 60);
    await runRetention(api, world.org.orgId);

    const view = await readClient(api, world.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.notes?.edges.length).toBe(2);
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeDefined();
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({ kind: 'UNEXPLAINED_REMOVAL', subjectId: clientId, itemKind: 'NOTE' }),
    ]);
  });

  it('a note, a consent, a register entry, a review and a subject access request deleted straight from the table come back, each an incident', async () => {
    // Prepare: an open case with notes, a consent, a disclosure made without consent (its register entry and its
    // review) and a subject access request (those two kept outside the person's partition).
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    await exceptionalDisclosure(api, world, id);
    await recordSubjectAccessRequest(api, world.ig, id);
    const scope = tenantScope(world.org.orgId);
    const items = await partitionItems(api, world.org.orgId, clientId);
    const inPartition = ['NOTE#', 'CONSENT#', 'DISCLOSURE#'].map((prefix) =>
      items.find((candidate) => candidate.sk?.S?.startsWith(prefix)),
    );
    const outside = (await organisationItems(api, scope.orgId))
      .map(({ item }) => item)
      .filter(
        (item) =>
          [scope.key('DISCLOSURE_REVIEWS'), scope.key('SUBJECT_ACCESS')].includes(item.pk?.S ?? '') &&
          item.clientId?.S === clientId,
      );
    const deleted = [...inPartition, ...outside].filter((item) => item !== undefined);
    expect(deleted).toHaveLength(5);

    // Act: someone who can write the table, not the API, deletes them; the stream reaches the retention handler.
    for (const item of deleted) {
      await api.services.dynamo.send(
        new DeleteItemCommand({
          TableName: api.stack.tables.data,
          Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
        }),
      );
    }
    await runRetention(api, world.org.orgId);

    // Assess: each is back as it was, the record reads whole, and each removal is an integrity incident.
    const after = (await organisationItems(api, scope.orgId)).map(({ item }) => item);
    for (const item of deleted) expect(after).toContainEqual(item);
    const view = await readClient(api, world.manager.token, id);
    expectNoErrors(view);
    const incidents = await api.services.integrityIncidents.list(scope);
    expect(incidents.map((incident) => [incident.kind, incident.itemKind]).sort()).toEqual([
      ['UNEXPLAINED_REMOVAL', 'CONSENT'],
      ['UNEXPLAINED_REMOVAL', 'DISCLOSURE'],
      ['UNEXPLAINED_REMOVAL', 'DISCLOSURE_REVIEW'],
      ['UNEXPLAINED_REMOVAL', 'NOTE'],
      ['UNEXPLAINED_REMOVAL', 'SUBJECT_ACCESS'],
    ]);
    expect(incidents.every((incident) => incident.subjectId === clientId && incident.restored)).toBe(true);
  });

  it('a consent’s withdrawal undone by putting back the copy from before it is withdrawn again, an incident (decision 0118)', async () => {
    // Prepare: a consent, copied as it stood; then withdrawn through the API.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const given = (await partitionItems(api, world.org.orgId, clientId)).find((item) =>
      item.sk?.S?.startsWith('CONSENT#'),
    );
    if (!given?.sk?.S) throw new Error('no consent');
    const consentId = given.sk.S.slice('CONSENT#'.length);
    const withdraw = await api.graphql(
      'mutation ($c: ID!, $k: String!) { withdrawConsent(serviceUserId: $c, consentId: $k) { withdrawnAt } }',
      { token: world.manager.token, variables: { c: id, k: consentId } },
    );
    expectNoErrors(withdraw);
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

    // Act: someone who can write the table puts the copy from before the withdrawal back (its MAC is genuine).
    await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: given }));
    await runRetention(api, world.org.orgId);

    // Assess: the consent reads withdrawn again, and the rollback is an integrity incident.
    const consents = await api.graphql<{
      serviceUser: { consents: { id: string; withdrawnAt: string | null }[] };
    }>('query ($id: ID!) { serviceUser(id: $id) { consents { id withdrawnAt } } }', {
      token: world.manager.token,
      variables: { id },
    });
    expectNoErrors(consents);
    const consent = consents.data?.serviceUser.consents.find((candidate) => candidate.id.endsWith(consentId));
    expect(consent?.withdrawnAt).toBeTruthy();
    await expectOneRollback(api, scope, clientId, 'CONSENT');
  });

  it('a note’s amendment undone by putting back the copy from before it is amended again, an incident (decision 0118)', async () => {
    // Prepare: a note, copied as it stood; then amended through the API.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const noteId = await recordNote(api, world.worker, id, 'DAILY_SUPPORT', 'Visited on Monday.');
    const stored = (await partitionItems(api, world.org.orgId, clientId)).find(
      (item) => item.sk?.S === `NOTE#${localIdOf(noteId).split('.')[1]}`,
    );
    if (!stored) throw new Error('no note item');
    const amended = await api.graphql(
      'mutation ($input: AmendNoteInput!) { amendNote(input: $input) { version } }',
      {
        token: world.worker.token,
        variables: { input: { noteId, body: 'Visited on Tuesday.', expectedVersion: 1 } },
      },
    );
    expectNoErrors(amended);
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

    // Act: someone who can write the table puts the copy from before the amendment back (its body opens).
    await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: stored }));
    await runRetention(api, world.org.orgId);

    // Assess: the note reads amended again, and the rollback is an integrity incident.
    const note = await api.graphql<{ caseNote: { version: number; body: string } }>(
      'query ($id: ID!) { caseNote(id: $id) { version ... on CareNote { body } } }',
      { token: world.worker.token, variables: { id: noteId } },
    );
    expectNoErrors(note);
    expect(note.data?.caseNote).toEqual({ version: 2, body: 'Visited on Tuesday.' });
    await expectOneRollback(api, scope, clientId, 'NOTE');
  });

  it('a consent deleted, and its copy from before the withdrawal written in its place, is withdrawn again, an incident', async () => {
    // Prepare: a consent, copied as it stood; then withdrawn through the API.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const given = (await partitionItems(api, world.org.orgId, clientId)).find((item) =>
      item.sk?.S?.startsWith('CONSENT#'),
    );
    if (!given?.pk?.S || !given.sk?.S) throw new Error('no consent');
    const consentId = given.sk.S.slice('CONSENT#'.length);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $k: String!) { withdrawConsent(serviceUserId: $c, consentId: $k) { withdrawnAt } }',
        { token: world.manager.token, variables: { c: id, k: consentId } },
      ),
    );
    await runRetention(api, world.org.orgId);

    // Act: the withdrawn consent deleted, and the copy from before written in its place (an insert, which the
    // retention handler is not given), before the handler runs.
    const key = { pk: given.pk, sk: given.sk };
    await api.services.dynamo.send(new DeleteItemCommand({ TableName: api.stack.tables.data, Key: key }));
    await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: given }));
    await runRetention(api, world.org.orgId);

    // Assess: the consent reads withdrawn again, and the removal is an incident, put right.
    const consents = await api.graphql<{
      serviceUser: { consents: { id: string; withdrawnAt: string | null }[] };
    }>('query ($id: ID!) { serviceUser(id: $id) { consents { id withdrawnAt } } }', {
      token: world.manager.token,
      variables: { id },
    });
    expectNoErrors(consents);
    const consent = consents.data?.serviceUser.consents.find((candidate) => candidate.id.endsWith(consentId));
    expect(consent?.withdrawnAt).toBeTruthy();
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({
        kind: 'UNEXPLAINED_REMOVAL',
        subjectId: clientId,
        itemKind: 'CONSENT',
        restored: true,
      }),
    ]);
  });

  it('a note deleted, and its copy from before the amendment written in its place, is amended again, an incident', async () => {
    // Prepare: a note, copied as it stood; then amended through the API.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const noteId = await recordNote(api, world.worker, id, 'DAILY_SUPPORT', 'Visited on Monday.');
    const stored = (await partitionItems(api, world.org.orgId, clientId)).find(
      (item) => item.sk?.S === `NOTE#${localIdOf(noteId).split('.')[1]}`,
    );
    if (!stored?.pk?.S || !stored.sk?.S) throw new Error('no note item');
    expectNoErrors(
      await api.graphql('mutation ($input: AmendNoteInput!) { amendNote(input: $input) { version } }', {
        token: world.worker.token,
        variables: { input: { noteId, body: 'Visited on Tuesday.', expectedVersion: 1 } },
      }),
    );
    await runRetention(api, world.org.orgId);

    // Act: the amended note deleted, and the copy from before written in its place, before the handler runs.
    const key = { pk: stored.pk, sk: stored.sk };
    await api.services.dynamo.send(new DeleteItemCommand({ TableName: api.stack.tables.data, Key: key }));
    await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: stored }));
    await runRetention(api, world.org.orgId);

    // Assess: the note reads amended again, and the removal is an incident, put right.
    const note = await api.graphql<{ caseNote: { version: number; body: string } }>(
      'query ($id: ID!) { caseNote(id: $id) { version ... on CareNote { body } } }',
      { token: world.worker.token, variables: { id: noteId } },
    );
    expectNoErrors(note);
    expect(note.data?.caseNote).toEqual({ version: 2, body: 'Visited on Tuesday.' });
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({
        kind: 'UNEXPLAINED_REMOVAL',
        subjectId: clientId,
        itemKind: 'NOTE',
        restored: true,
      }),
    ]);
  });

  describe('an ended allocation put back below the API (decision 0119)', () => {
    /** A client whose worker's allocation was ended through the API, with the profile's entry as it stood before. */
    async function endedAllocation() {
      const world = await retentionWorld(api);
      const { id, clientId } = await clientWithRecords(api, world);
      const scope = tenantScope(world.org.orgId);
      const profile = (await partitionItems(api, world.org.orgId, clientId)).find(
        (item) => item.sk?.S === 'PROFILE',
      );
      const [allocationId, entry] =
        Object.entries(profile?.allocations?.M ?? {}).find(
          ([, value]) => value.M?.staffId?.S === world.worker.staffId,
        ) ?? [];
      if (!profile || !allocationId || !entry) throw new Error('no allocation entry');
      expectNoErrors(
        await api.graphql('mutation ($input: EndAllocationInput!) { endAllocation(input: $input) { id } }', {
          token: world.manager.token,
          variables: { input: { allocationId, serviceUserId: id } },
        }),
      );
      const refused = await readNameCodes(api, world.worker.token, id);
      expect(refused).not.toEqual([]);
      await runRetention(api, world.org.orgId);
      expect(await api.services.integrityIncidents.list(scope)).toEqual([]);
      return { world, id, clientId, scope, profile, allocationId, entry, refused };
    }

    it('its entry written back into the profile is taken out again, an incident', async () => {
      const { world, id, clientId, scope, allocationId, entry, refused } = await endedAllocation();

      // Act: someone who can write the table puts the entry back (its MAC is genuine); the stream reaches the handler.
      await api.services.dynamo.send(
        new UpdateItemCommand({
          TableName: api.stack.tables.data,
          Key: { pk: { S: scope.key('CLIENT', clientId) }, sk: { S: 'PROFILE' } },
          UpdateExpression: 'SET allocations.#id = :entry',
          ExpressionAttributeNames: { '#id': allocationId },
          ExpressionAttributeValues: { ':entry': entry },
        }),
      );
      await runRetention(api, world.org.orgId);

      // Assess: the worker is refused as before, and the put-back is an integrity incident.
      expect(await readNameCodes(api, world.worker.token, id)).toEqual(refused);
      await expectOneRollback(api, scope, clientId, 'PROFILE');
    });

    it('the whole profile from before the end put back loses the entry again, an incident', async () => {
      const { world, id, clientId, scope, profile, refused } = await endedAllocation();

      await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: profile }));
      await runRetention(api, world.org.orgId);

      expect(await readNameCodes(api, world.worker.token, id)).toEqual(refused);
      await expectOneRollback(api, scope, clientId, 'PROFILE');
    });

    it('the allocation record’s end taken off and the entry put back: both are undone, incidents', async () => {
      const { world, id, clientId, scope, allocationId, entry, refused } = await endedAllocation();
      const key = { pk: { S: scope.key('CLIENT', clientId) } };

      // Act: the end is taken off the allocation's own record first, then the entry goes back into the profile.
      await api.services.dynamo.send(
        new UpdateItemCommand({
          TableName: api.stack.tables.data,
          Key: { ...key, sk: { S: `ALLOC#${allocationId}` } },
          UpdateExpression: 'REMOVE endedAt',
        }),
      );
      await api.services.dynamo.send(
        new UpdateItemCommand({
          TableName: api.stack.tables.data,
          Key: { ...key, sk: { S: 'PROFILE' } },
          UpdateExpression: 'SET allocations.#id = :entry',
          ExpressionAttributeNames: { '#id': allocationId },
          ExpressionAttributeValues: { ':entry': entry },
        }),
      );
      await runRetention(api, world.org.orgId);

      // Assess: refused as before; the allocation reads ended again.
      expect(await readNameCodes(api, world.worker.token, id)).toEqual(refused);
      const allocation = (await partitionItems(api, world.org.orgId, clientId)).find(
        (item) => item.sk?.S === `ALLOC#${allocationId}`,
      );
      expect(allocation?.endedAt?.S).toBeTruthy();
      const incidents = await api.services.integrityIncidents.list(scope);
      expect(incidents.map((incident) => incident.kind)).toContain('ROLLED_BACK');
      expect(incidents.map((incident) => incident.itemKind)).toContain('ALLOCATION');
      expect(incidents.every((incident) => incident.subjectId === clientId)).toBe(true);
    });
  });

  describe('a declared conflict taken back below the API (decision 0120)', () => {
    /** A client whose allocated worker was then declared connected to them, with the profile from before. */
    async function declaredConflict() {
      const world = await retentionWorld(api);
      const { id, clientId } = await clientWithRecords(api, world);
      const scope = tenantScope(world.org.orgId);
      const profile = (await partitionItems(api, world.org.orgId, clientId)).find(
        (item) => item.sk?.S === 'PROFILE',
      );
      if (!profile) throw new Error('no profile');
      expectNoErrors(
        await api.graphql(
          'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: RELATIVE) }',
          { token: world.manager.token, variables: { c: id, s: world.worker.globalId } },
        ),
      );
      const refused = await readNameCodes(api, world.worker.token, id);
      expect(refused).toEqual(['NOT_FOUND']);
      await runRetention(api, world.org.orgId);
      expect(await api.services.integrityIncidents.list(scope)).toEqual([]);
      return { world, id, clientId, scope, profile, refused };
    }

    it('the whole profile from before the declaration put back gets the conflict again, an incident', async () => {
      const { world, id, clientId, scope, profile, refused } = await declaredConflict();

      // Act: someone who can write the table puts the copy from before back (its relations MAC is genuine).
      await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: profile }));
      await runRetention(api, world.org.orgId);

      // Assess: the worker is refused as before, and the rollback is an integrity incident.
      expect(await readNameCodes(api, world.worker.token, id)).toEqual(refused);
      await expectOneRollback(api, scope, clientId, 'PROFILE');
    });

    it('the relations alone taken back to the copy from before are put right again, an incident', async () => {
      const { world, id, clientId, scope, profile, refused } = await declaredConflict();

      // Act: only the conflicts, their MAC and what else the copy had of them are written back.
      await putBackAttributes(
        api,
        { pk: { S: scope.key('CLIENT', clientId) }, sk: { S: 'PROFILE' } },
        profile,
        /^(conflicts|investigations|relations)/,
      );
      await runRetention(api, world.org.orgId);

      expect(await readNameCodes(api, world.worker.token, id)).toEqual(refused);
      await expectOneRollback(api, scope, clientId, 'PROFILE');
    });
  });

  describe.each(STAFF_ROLLBACKS)(
    '$what taken back below the API (decision $decision)',
    ({ facts, takenAway }) => {
      /** The access taken away through the API, with the account as it stood before; nothing an incident yet. */
      async function arranged() {
        const world = await retentionWorld(api);
        const scope = tenantScope(world.org.orgId);
        const { person, id, headers, takeAway } = await takenAway(api, world);
        expect(await readNameCodes(api, person.token, id, headers)).toBeUndefined();
        const accountKey = { pk: { S: scope.key('STAFF', person.staffId) }, sk: { S: 'PROFILE' } };
        const account = (
          await api.services.dynamo.send(
            new GetItemCommand({ TableName: api.stack.tables.data, Key: accountKey, ConsistentRead: true }),
          )
        ).Item;
        if (!account) throw new Error('no account');
        await takeAway();
        const refused = await readNameCodes(api, person.token, id, headers);
        expect(refused).not.toEqual(undefined);
        await runRetention(api, world.org.orgId);
        expect(await api.services.integrityIncidents.list(scope)).toEqual([]);
        const readAgain = () => readNameCodes(api, person.token, id, headers);
        return { world, person, scope, account, accountKey, refused, readAgain };
      }

      it('the whole account from before put back loses the access again, an incident', async () => {
        const { world, person, scope, account, refused, readAgain } = await arranged();

        // Act: someone who can write the table puts the copy from before back (its MACs are genuine).
        await api.services.dynamo.send(
          new PutItemCommand({ TableName: api.stack.tables.data, Item: account }),
        );
        await runRetention(api, world.org.orgId);

        // Assess: refused as before, and the rollback is an integrity incident.
        expect(await readAgain()).toEqual(refused);
        await expectOneRollback(api, scope, person.staffId, 'STAFF_ACCOUNT');
      });

      it('the facts alone taken back to the copy from before are put right again, an incident', async () => {
        const { world, person, scope, account, accountKey, refused, readAgain } = await arranged();

        // Act: only the facts, their MAC and what else the copy had of them are written back.
        await putBackAttributes(api, accountKey, account, facts);
        await runRetention(api, world.org.orgId);

        expect(await readAgain()).toEqual(refused);
        await expectOneRollback(api, scope, person.staffId, 'STAFF_ACCOUNT');
      });
    },
  );

  it('a reference permission’s withdrawal undone by putting back the copy from before is withdrawn again, an incident (decision 0122)', async () => {
    // Prepare: the worker permits a reference to one recipient, copied as it stood, then withdraws it.
    const world = await retentionWorld(api);
    const hr = await addStaff(api, world.org, ['HR_OFFICER']);
    const scope = tenantScope(world.org.orgId);
    const worker = world.worker;
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!, $r: String!, $e: DateTime!) { recordReferencePermission(staffId: $id, recipient: $r, expiresAt: $e) { id } }',
        {
          token: worker.token,
          variables: {
            id: worker.globalId,
            r: 'Acme Lettings',
            e: new Date(clock.now().getTime() + 30 * 86_400_000).toISOString(),
          },
        },
      ),
    );
    const staffItems = await api.services.dynamo.send(
      new QueryCommand({
        TableName: api.stack.tables.data,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :permission)',
        ExpressionAttributeValues: {
          ':pk': { S: scope.key('STAFF', worker.staffId) },
          ':permission': { S: 'REFPERM#' },
        },
        ConsistentRead: true,
      }),
    );
    const given = staffItems.Items?.[0];
    if (!given?.sk?.S) throw new Error('no permission');
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!, $p: String!) { withdrawReferencePermission(staffId: $id, permissionId: $p) { inForce } }',
        { token: worker.token, variables: { id: worker.globalId, p: given.sk.S.slice('REFPERM#'.length) } },
      ),
    );
    const release = () =>
      api.graphql(
        'mutation ($id: ID!) { releaseReference(staffId: $id, recipient: "Acme Lettings", summary: "Reliable.") { id } }',
        { token: hr.token, variables: { id: worker.globalId } },
      );
    expect(codes(await release())).toEqual(['CONSENT_REQUIRED']);
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

    // Act: someone who can write the table puts the copy from before the withdrawal back (its MAC is genuine).
    await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: given }));
    await runRetention(api, world.org.orgId);

    // Assess: no reference is released under it, and the rollback is an integrity incident.
    expect(codes(await release())).toEqual(['CONSENT_REQUIRED']);
    await expectOneRollback(api, scope, worker.staffId, 'REFERENCE_PERMISSION');
  });

  describe('the organisation’s access preset or retention rules taken back below the API (decision 0123)', () => {
    const ORGANISATION = '{ me { organisation { preset version retention { clientYearsAfterClosure } } } }';
    type Read = {
      me: {
        organisation: { preset: string; version: number; retention: { clientYearsAfterClosure: number } };
      };
    };

    async function organisationItem(orgId: string) {
      const key = { pk: { S: tenantScope(orgId).key('ORG') }, sk: { S: 'PROFILE' } };
      const item = (
        await api.services.dynamo.send(
          new GetItemCommand({ TableName: api.stack.tables.data, Key: key, ConsistentRead: true }),
        )
      ).Item;
      if (!item) throw new Error('no organisation item');
      return item;
    }

    it('the wider preset from before a narrowing put back is narrowed again, an incident', async () => {
      // Prepare: widened with the Caldicott Guardian's approval, copied as it stood, then narrowed by the admin.
      const world = await retentionWorld(api);
      const org = world.org;
      const guardian = await addStaff(api, org, ['CALDICOTT_GUARDIAN']);
      const read = () => api.graphql<Read>(ORGANISATION, { token: org.adminToken });
      const preset = (value: string, version: number | undefined) =>
        api.graphql(
          'mutation ($p: AccessPreset!, $v: Int!) { setAccessPreset(preset: $p, expectedVersion: $v) { preset } }',
          { token: org.adminToken, variables: { p: value, v: version } },
        );
      const proposed = await preset('GROUP_WIDE', (await read()).data?.me.organisation.version);
      expectNoErrors(
        await api.graphql('mutation ($id: ID!) { approveChange(approvalId: $id) { status } }', {
          token: guardian.token,
          variables: { id: approvalIdOf(proposed) },
        }),
      );
      const wide = await organisationItem(org.orgId);
      expectNoErrors(await preset('STRICT', (await read()).data?.me.organisation.version));
      await runRetention(api, org.orgId);
      const scope = tenantScope(org.orgId);
      expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

      // Act: someone who can write the table puts the wider copy back (its preset MAC is genuine).
      await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: wide }));
      await runRetention(api, org.orgId);

      // Assess
      expect((await read()).data?.me.organisation.preset).toBe('STRICT');
      expect(await api.services.integrityIncidents.list(scope)).toEqual([
        expect.objectContaining({ kind: 'ROLLED_BACK', itemKind: 'ORGANISATION', restored: true }),
      ]);
    });

    it('the shorter retention rules from before a change put back are changed again, an incident', async () => {
      const world = await retentionWorld(api);
      const org = world.org;
      const read = () => api.graphql<Read>(ORGANISATION, { token: org.adminToken });
      const shorter = await organisationItem(org.orgId);
      const years = ((await read()).data?.me.organisation.retention.clientYearsAfterClosure ?? 0) + 2;
      expectNoErrors(
        await api.graphql(
          'mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) { complete } }',
          {
            token: org.adminToken,
            variables: {
              input: {
                clientYearsAfterClosure: years,
                expectedVersion: (await read()).data?.me.organisation.version,
              },
            },
          },
        ),
      );
      await runRetention(api, org.orgId);
      const scope = tenantScope(org.orgId);
      expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

      await putBackAttributes(
        api,
        { pk: { S: scope.key('ORG') }, sk: { S: 'PROFILE' } },
        shorter,
        /^retention/,
      );
      await runRetention(api, org.orgId);

      expect((await read()).data?.me.organisation.retention.clientYearsAfterClosure).toBe(years);
      expect(await api.services.integrityIncidents.list(scope)).toEqual([
        expect.objectContaining({ kind: 'ROLLED_BACK', itemKind: 'ORGANISATION', restored: true }),
      ]);
    });
  });

  describe('the consent methods that authorise a disclosure, below the API (decision 0124)', () => {
    const SET = 'mutation ($m: [ConsentMethod!]!) { setDisclosureConsentMethods(methods: $m) }';
    const READ = '{ disclosureConsentMethods }';
    const WITH_VERBAL = ['SIGNED_FORM', 'EMAIL', 'VERBAL_WITNESSED'];
    const settingsKey = (orgId: string) => ({
      pk: { S: tenantScope(orgId).key('CONSENT-SETTINGS') },
      sk: { S: 'DISCLOSURE-METHODS' },
    });

    it('a verbal method added straight to the table authorises nothing: the read fails closed, an incident', async () => {
      const world = await retentionWorld(api);
      const scope = tenantScope(world.org.orgId);
      expectNoErrors(
        await api.graphql(SET, { token: world.org.adminToken, variables: { m: ['SIGNED_FORM', 'EMAIL'] } }),
      );

      // Act: someone who can write the table adds the verbal method to the stored choice.
      await api.services.dynamo.send(
        new UpdateItemCommand({
          TableName: api.stack.tables.data,
          Key: settingsKey(world.org.orgId),
          UpdateExpression: 'ADD methods :verbal',
          ExpressionAttributeValues: { ':verbal': { SS: ['VERBAL_WITNESSED'] } },
        }),
      );

      // Assess
      const read = await api.graphql(READ, { token: world.manager.token });
      expect(codes(read)).toEqual(['INTERNAL']);
      expect(read.text).not.toContain('VERBAL_WITNESSED');
      expect(await api.services.integrityIncidents.list(scope)).toEqual([
        expect.objectContaining({ kind: 'TAMPERED_STATE', itemKind: 'DISCLOSURE_METHODS' }),
      ]);
    });

    it('the choice from before verbal consent was dropped, put back, is dropped again, an incident', async () => {
      const world = await retentionWorld(api);
      const scope = tenantScope(world.org.orgId);
      expectNoErrors(await api.graphql(SET, { token: world.org.adminToken, variables: { m: WITH_VERBAL } }));
      const wider = (
        await api.services.dynamo.send(
          new GetItemCommand({
            TableName: api.stack.tables.data,
            Key: settingsKey(world.org.orgId),
            ConsistentRead: true,
          }),
        )
      ).Item;
      if (!wider) throw new Error('no settings');
      expectNoErrors(
        await api.graphql(SET, { token: world.org.adminToken, variables: { m: ['SIGNED_FORM', 'EMAIL'] } }),
      );
      await runRetention(api, world.org.orgId);
      expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

      await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: wider }));
      await runRetention(api, world.org.orgId);

      const read = await api.graphql<{ disclosureConsentMethods: string[] }>(READ, {
        token: world.manager.token,
      });
      expectNoErrors(read);
      expect([...(read.data?.disclosureConsentMethods ?? [])].sort()).toEqual(['EMAIL', 'SIGNED_FORM']);
      expect(await api.services.integrityIncidents.list(scope)).toEqual([
        expect.objectContaining({ kind: 'ROLLED_BACK', itemKind: 'DISCLOSURE_METHODS', restored: true }),
      ]);
    });
  });

  it('a forged erasure record is not an erasure: the key and the record stay', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const erasure = erasureRecordKey(scope, clientId);
    await api.services.dynamo.send(
      new PutItemCommand({
        TableName: api.stack.tables.data,
        Item: {
          pk: { S: erasure.pk },
          sk: { S: erasure.sk },
          orgId: { S: world.org.orgId },
          subjectId: { S: clientId },
          erasedAt: { S: clock.now().toISOString() },
          erasedBy: { S: world.ig.staffId },
        },
      }),
    );
    await setExpiry(api, scope.key('CLIENT', clientId), 'PROFILE', toEpochSeconds(clock.now()) - 60);
    await runRetention(api, world.org.orgId);

    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeDefined();
    const view = await readClient(api, world.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.notes?.edges.length).toBe(2);
    expect(await api.services.integrityIncidents.list(scope)).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'FORGED_ERASURE', subjectId: clientId })]),
    );
  });

  it('retention rules shortened by a raw write date nothing: every request of the organisation fails closed', async () => {
    // Prepare
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const current = await readClient(api, world.manager.token, id);
    expectNoErrors(current);

    // Act: a year after closure instead of the eight the organisation set.
    await rawUpdate(api, { pk: scope.key('ORG'), sk: 'PROFILE' }, 'SET retention = :rules', {
      ':rules': { S: JSON.stringify({ ...DEFAULT_RETENTION, clientYearsAfterClosure: 1 }) },
    });
    const closed = await api.graphql(
      'mutation ($input: CloseCaseInput!) { closeCase(input: $input) { caseStatus } }',
      {
        token: world.manager.token,
        variables: { input: { serviceUserId: id, expectedVersion: current.data?.serviceUser.version } },
      },
    );

    // Assess
    expect(closed.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL']);
    const profile = (await partitionItems(api, world.org.orgId, clientId)).find(
      (item) => item.sk?.S === 'PROFILE',
    );
    expect(profile?.caseStatus?.S).toBe('OPEN');
    expect(profile?.expiresAt).toBeUndefined();
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({ kind: 'TAMPERED_STATE', itemKind: 'ORGANISATION' }),
    ]);
  });

  it('a closure moved back by a raw write is not dated by the next change of the rules (decision 0095)', async () => {
    // Prepare: a closed case, dated eight years on.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    const profileOf = async () =>
      (await partitionItems(api, world.org.orgId, clientId)).find((item) => item.sk?.S === 'PROFILE');
    const dated = (await profileOf())?.expiresAt?.N;
    expect(Number(dated)).toBeGreaterThan(toEpochSeconds(clock.now()));

    // Act: the case now says it closed in 2000; then the organisation lengthens its rules by a year.
    const _scope = tenantScope(world.org.orgId);
    await rawUpdate(api, profileKey(world.org.orgId, clientId), 'SET closedAt = :long', {
      ':long': { S: '2000-01-03T09:00:00.000Z' },
    });
    const organisation = await api.graphql<{ organisation: { version: number } }>(
      '{ organisation { version } }',
      {
        token: world.org.adminToken,
      },
    );
    expectNoErrors(organisation);
    await api.graphql(
      'mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) { complete } }',
      {
        token: world.org.adminToken,
        variables: {
          input: { clientYearsAfterClosure: 9, expectedVersion: organisation.data?.organisation.version },
        },
      },
    );

    // Assess: the case keeps its date; the rewritten closure is an incident.
    expect((await profileOf())?.expiresAt?.N).toBe(dated);
    await expectTamperedState(api, world.org.orgId, 'PROFILE', clientId);
  });

  it('a legal hold removed by a raw write lets nobody propose the record’s erasure (decision 0097)', async () => {
    // Prepare: a closed case under a legal hold.
    const world = await retentionWorld(api);
    const client = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, client.id));
    expectNoErrors(
      await api.graphql(PLACE_HOLD, { token: world.manager.token, variables: { id: client.id } }),
    );

    // Act and assess: the hold's marker taken off the profile.
    await expectErasureRefusedOnceMarkerRemoved(api, world, client, 'legalHold');
  });

  it('an emergency review’s hold removed by a raw write lets nobody propose the record’s erasure', async () => {
    // Prepare: a closed case that someone with no relationship broke the glass on; the review is pending.
    const world = await retentionWorld(api);
    const client = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, client.id));
    const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    expectNoErrors(await breakGlass(api, stranger, client.id));

    // Act and assess: the review's id taken off the profile's marker.
    await expectErasureRefusedOnceMarkerRemoved(api, world, client, 'reviewHolds');
  });

  it('an open safeguarding investigation removed by a raw write lets nobody propose the record’s erasure', async () => {
    // Prepare: a closed case named by an open investigation.
    const world = await retentionWorld(api);
    const client = await clientWithRecords(api, world);
    const lead = await addStaff(api, world.org, ['SAFEGUARDING_LEAD']);
    const opened = await api.graphql<{ openSafeguardingInvestigation: string }>(
      'mutation ($c: [ID!]!, $i: ID!) { openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i) }',
      { token: world.senior.token, variables: { c: [client.id], i: lead.globalId } },
    );
    expectNoErrors(opened);
    expectNoErrors(await closeCase(api, world.manager, client.id));

    // Act and assess: the investigation's link taken off the profile.
    await expectErasureRefusedOnceMarkerRemoved(
      api,
      world,
      client,
      `investigations.${opened.data?.openSafeguardingInvestigation}`,
    );
  });

  it('a key quarantine cut short by a raw write keeps the key', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    const scope = tenantScope(world.org.orgId);
    // The rules expire the record; its key goes into quarantine for 30 days.
    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, clientId);
    const quarantine = await keyQuarantine(api, world.org.orgId, clientId);
    expect(quarantine).toBeDefined();

    const record = keyQuarantineKey(scope, clientId);
    await setExpiry(api, record.pk, record.sk, toEpochSeconds(clock.now()) - 60);
    await runRetention(api, world.org.orgId);
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeDefined();
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({
        kind: 'UNEXPLAINED_REMOVAL',
        subjectId: clientId,
        itemKind: 'KEY_QUARANTINE',
      }),
    ]);
    // The quarantine still ends when the rules say: 30 days on, the key goes.
    await sweepPastQuarantine(api, clock, world.org.orgId, clientId);
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeUndefined();
  });
});
