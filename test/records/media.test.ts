import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { ItemLoader, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  registerServiceUser,
} from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import type { TestApi } from '../support/test-api';
import { testApi } from '../support/test-api';

const RECORD_MEDIA = `mutation ($input: RecordMediaInput!) {
  recordMedia(input: $input) { id kind purpose caption objectReference consentWithdrawn }
}`;

const READ_MEDIA = `query ($id: ID!) {
  serviceUser(id: $id) { media { id kind purpose caption objectReference consentWithdrawn } }
}`;

interface MediaView {
  id: string | null;
  kind: string | null;
  purpose: string | null;
  caption: string | null;
  objectReference: string | null;
  consentWithdrawn: boolean | null;
}

const localIdOf = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1] ?? '';

async function world(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  return { org, serviceId, manager, senior, worker, client };
}

async function recordConsent(
  api: TestApi,
  token: string,
  client: string,
  scope: string,
  method: string,
): Promise<string> {
  const result = await api.graphql<{ recordConsent: { id: string } }>(
    `mutation ($id: ID!) { recordConsent(input: { serviceUserId: $id, scope: ${scope}, method: ${method}, givenBy: CLIENT }) { id } }`,
    { token, variables: { id: client } },
  );
  expectNoErrors(result);
  return result.data?.recordConsent.id ?? '';
}

function recordMedia(
  api: TestApi,
  person: Pick<Person, 'token'>,
  client: string,
  overrides: Record<string, unknown> = {},
) {
  return api.graphql<{ recordMedia: MediaView }>(RECORD_MEDIA, {
    token: person.token,
    variables: {
      input: {
        serviceUserId: client,
        kind: 'PHOTO',
        purpose: 'PUBLICITY',
        caption: 'At the summer fair with the garden group',
        objectReference: 's3://confide-media/summer-fair-0001.jpg',
        ...overrides,
      },
    },
  });
}

async function selfToken(api: TestApi, org: TestOrganisation, client: string): Promise<string> {
  const record = await api.services.serviceUsers.get(
    tenantScope(org.orgId),
    localIdOf(client),
    new ItemLoader(api.services.dynamo, api.services.keys),
  );
  return api.token({ sub: record?.externalSubject ?? '', org_id: org.orgId });
}

describe('photos and recordings (Azure 8.1)', () => {
  const api = testApi();

  it('are refused without written consent recorded with a manager, and allowed with it', async () => {
    // Prepare
    const { org, manager, worker, client } = await world(api);
    const none = await recordMedia(api, worker, client);
    await recordConsent(api, manager.token, client, 'PUBLICITY_IMAGES', 'VERBAL_WITNESSED');
    const verbal = await recordMedia(api, worker, client);
    // The person's own written consent, recorded without a manager, is not enough either.
    await recordConsent(api, await selfToken(api, org, client), client, 'PUBLICITY_IMAGES', 'SIGNED_FORM');
    const withoutManager = await recordMedia(api, worker, client);
    await recordConsent(api, manager.token, client, 'PUBLICITY_IMAGES', 'SIGNED_FORM');

    // Act
    const photo = await recordMedia(api, worker, client);
    const recording = await recordMedia(api, worker, client, { kind: 'RECORDING' });
    const careRecordVideo = await recordMedia(api, worker, client, {
      kind: 'RECORDING',
      purpose: 'CARE_RECORD',
    });

    // Assess
    expect(codes(none)).toEqual(['CONSENT_REQUIRED']);
    expect(none.errors?.[0]?.extensions?.requiredScope).toBe('PUBLICITY_IMAGES');
    expect(codes(verbal)).toEqual(['CONSENT_REQUIRED']);
    expect(codes(withoutManager)).toEqual(['CONSENT_REQUIRED']);
    expectNoErrors(photo);
    expect(photo.data?.recordMedia).toMatchObject({
      kind: 'PHOTO',
      purpose: 'PUBLICITY',
      caption: 'At the summer fair with the garden group',
      objectReference: 's3://confide-media/summer-fair-0001.jpg',
      consentWithdrawn: false,
    });
    expect(codes(recording)).toEqual(['CONSENT_REQUIRED']);
    expect(recording.errors?.[0]?.extensions?.requiredScope).toBe('PUBLICITY_RECORDINGS');
    expect(codes(careRecordVideo)).toEqual(['CONSENT_REQUIRED']);
  });

  it('stop at once when the consent is withdrawn; existing items stay, flagged', async () => {
    // Prepare
    const { manager, worker, client } = await world(api);
    const consentId = await recordConsent(api, manager.token, client, 'PUBLICITY_RECORDINGS', 'EMAIL');
    expectNoErrors(await recordMedia(api, worker, client, { kind: 'RECORDING', purpose: 'CARE_RECORD' }));
    const before = await api.graphql<{ serviceUser: { media: MediaView[] } }>(READ_MEDIA, {
      token: worker.token,
      variables: { id: client },
    });

    // Act
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!, $c: String!) { withdrawConsent(serviceUserId: $id, consentId: $c) { withdrawnAt } }',
        { token: manager.token, variables: { id: client, c: consentId } },
      ),
    );
    const refused = await recordMedia(api, worker, client, { kind: 'RECORDING', purpose: 'CARE_RECORD' });
    const after = await api.graphql<{ serviceUser: { media: MediaView[] } }>(READ_MEDIA, {
      token: worker.token,
      variables: { id: client },
    });

    // Assess
    expect(before.data?.serviceUser.media.map((m) => m.consentWithdrawn)).toEqual([false]);
    expect(codes(refused)).toEqual(['CONSENT_REQUIRED']);
    expectNoErrors(after);
    expect(after.data?.serviceUser.media).toEqual([
      expect.objectContaining({
        kind: 'RECORDING',
        purpose: 'CARE_RECORD',
        caption: 'At the summer fair with the garden group',
        consentWithdrawn: true,
      }),
    ]);
  });

  it('are not recorded under a consent withdrawn while the recording was being written', async () => {
    // Prepare: written publicity consent; the worker's photo is held just before it is written while the manager
    // records the person's withdrawal.
    const { manager, worker, client } = await world(api);
    const consentId = await recordConsent(api, manager.token, client, 'PUBLICITY_IMAGES', 'SIGNED_FORM');
    const held = interleavingDynamoClient(
      api,
      (call) =>
        (call.commandName === 'PutItemCommand' || call.commandName === 'TransactWriteItemsCommand') &&
        JSON.stringify(call.input).includes('MEDIA#'),
      async () => {
        expectNoErrors(
          await api.graphql(
            'mutation ($c: ID!, $k: String!) { withdrawConsent(serviceUserId: $c, consentId: $k) { withdrawnAt } }',
            { token: manager.token, variables: { c: client, k: consentId } },
          ),
        );
      },
    );

    // Act
    const photo = await recordMedia(testApi({ dynamo: held.client }), worker, client);

    // Assess: the withdrawal came first, so no photo is recorded under it.
    expect(held.interleaved()).toBe(true);
    expect(codes(photo), JSON.stringify(photo.data)).toEqual(['CONSENT_REQUIRED']);
    const media = await api.graphql<{ serviceUser: { media: MediaView[] } }>(READ_MEDIA, {
      token: manager.token,
      variables: { id: client },
    });
    expect(media.data?.serviceUser.media).toEqual([]);
  });

  it('are read and written per the CARE row of the matrix, and sealed at rest', async () => {
    // Prepare
    const { org, serviceId, manager, senior, worker, client } = await world(api);
    await recordConsent(api, manager.token, client, 'PUBLICITY_IMAGES', 'SIGNED_FORM');
    expectNoErrors(await recordMedia(api, worker, client));
    const stranger = await addStaff(api, org, ['SUPPORT_WORKER']);
    const administrator = await addStaff(api, org, ['ADMINISTRATOR']);
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }',
        {
          token: senior.token,
          variables: { s: serviceId, m: administrator.globalId },
        },
      ),
    );

    // Act
    const asStranger = await recordMedia(api, stranger, client);
    const administratorWrites = await recordMedia(api, administrator, client);
    const administratorReads = await api.graphql<{ serviceUser: { media: MediaView[] | null } }>(READ_MEDIA, {
      token: administrator.token,
      variables: { id: client },
    });
    const stored = await api.services.dynamo.send(
      new QueryCommand({
        TableName: api.services.config.tables.data,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :media)',
        ExpressionAttributeValues: {
          ':pk': { S: tenantScope(org.orgId).key('CLIENT', localIdOf(client)) },
          ':media': { S: 'MEDIA#' },
        },
      }),
    );

    // Assess
    expect(codes(asStranger)).toEqual(['NOT_FOUND']);
    expect(codes(administratorWrites)).toEqual(['FORBIDDEN']);
    expect(administratorReads.data?.serviceUser.media).toBeNull();
    expect(codes(administratorReads)).toEqual(['FORBIDDEN']);
    expect(stored.Items).toHaveLength(1);
    const raw = JSON.stringify(stored.Items);
    expect(raw).not.toContain('summer fair');
    expect(raw).not.toContain('confide-media');
    expect(stored.Items?.[0]?.enc_caption?.B).toBeDefined();
    expect(stored.Items?.[0]?.enc_objectReference?.B).toBeDefined();
  });

  it('validates input with the field path, and audits refusals and writes', async () => {
    // Prepare
    const { org, manager, worker, client } = await world(api);

    // Act
    const emptyCaption = await recordMedia(api, worker, client, { caption: '  ' });
    const spacedReference = await recordMedia(api, worker, client, { objectReference: 'my photo.jpg' });
    const refused = await recordMedia(api, worker, client);
    await recordConsent(api, manager.token, client, 'PUBLICITY_IMAGES', 'SIGNED_FORM');
    const recorded = await recordMedia(api, worker, client);
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client));

    // Assess
    expect(codes(emptyCaption)).toEqual(['BAD_USER_INPUT']);
    expect(emptyCaption.errors?.[0]?.extensions?.field).toEqual(['input', 'caption']);
    expect(codes(spacedReference)).toEqual(['BAD_USER_INPUT']);
    expect(spacedReference.errors?.[0]?.extensions?.field).toEqual(['input', 'objectReference']);
    expect(codes(refused)).toEqual(['CONSENT_REQUIRED']);
    expectNoErrors(recorded);
    const mediaEvents = events.filter((event) => event.operation === 'recordMedia');
    expect(mediaEvents).toContainEqual(
      expect.objectContaining({ action: 'DENIED', outcome: 'CONSENT_REQUIRED', classifications: ['CARE'] }),
    );
    expect(mediaEvents).toContainEqual(
      expect.objectContaining({
        action: 'WRITE',
        outcome: 'ALLOWED',
        classifications: ['CARE'],
        relationship: 'ALLOCATED',
        actor: expect.objectContaining({ id: worker.staffId }),
      }),
    );
    expect(JSON.stringify(events)).not.toContain('summer fair');
  });
});
