import { randomBytes } from 'node:crypto';
import { type AttributeValue, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, approvalIdOf, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';
import { receiveAndApprove, releaseToPartner } from './partner-release-support';

/**
 * Issue 15, item 3 with erasure (DATA-PROTECTION.md Retention; decision 0024): a release is a snapshot sealed
 * under the person's key, so erasing the person (`eraseServiceUser`, the IG lead and a second person) shreds it
 * with the rest of their data: the partner no longer reads it, and a copy of the stored snapshot taken before the
 * erasure cannot be opened — the subject key is gone.
 */

const SECRET = 'Disclosed to the council: lives at 4 Quarry Close with her sister Marta';
const RELEASED_TO_ME = '{ releasedToMe { id ... on CareNote { body } } }';
const ERASE =
  'mutation ($id: ID!) { eraseServiceUser(serviceUserId: $id, reason: "Erasure request SAR-2026-044") { itemsRemoved } }';

type Item = Record<string, AttributeValue>;

async function world() {
  const api = testApi();
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [worker, ig, guardian] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', SECRET);
  const partnerClientId = `la-${randomBytes(4).toString('hex')}`;
  const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($c: String!) { registerPartnerAgency(name: "County Council", clientId: $c) { id } }',
    { token: org.adminToken, variables: { c: partnerClientId } },
  );
  expectNoErrors(partner);
  const partnerToken = await api.token({
    sub: partnerClientId,
    client_id: partnerClientId,
    org_id: org.orgId,
  });
  const clientId = Buffer.from(client, 'base64').toString().split(':')[1] ?? '';
  return {
    api,
    org,
    manager,
    ig,
    guardian,
    client,
    clientId,
    note,
    partnerId: partner.data?.registerPartnerAgency.id ?? '',
    partnerToken,
  };
}
type World = Awaited<ReturnType<typeof world>>;

/** A safeguarding request for the note, approved and released into the partner's app for a week. */
async function releaseNoteToPartner(w: World): Promise<void> {
  expectNoErrors(await releaseToPartner(w, await receiveAndApprove(w, [w.note]), [w.note]));
}

/** The stored grant items (with their sealed snapshots) of the client's partition, straight from the table. */
async function grantItems(w: World): Promise<Item[]> {
  const result = await w.api.services.dynamo.send(
    new QueryCommand({
      TableName: w.api.stack.tables.data,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :grant)',
      ExpressionAttributeValues: {
        ':pk': { S: tenantScope(w.org.orgId).key('CLIENT', w.clientId) },
        ':grant': { S: 'GRANT#' },
      },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

async function erase(w: World): Promise<void> {
  const current = await w.api.graphql<{ serviceUser: { version: number } }>(
    'query ($id: ID!) { serviceUser(id: $id) { version } }',
    { token: w.manager.token, variables: { id: w.client } },
  );
  expectNoErrors(current);
  expectNoErrors(
    await w.api.graphql('mutation ($input: CloseCaseInput!) { closeCase(input: $input) { caseStatus } }', {
      token: w.manager.token,
      variables: { input: { serviceUserId: w.client, expectedVersion: current.data?.serviceUser.version } },
    }),
  );
  const proposed = await w.api.graphql(ERASE, { token: w.ig.token, variables: { id: w.client } });
  expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
  expectNoErrors(
    await w.api.graphql('mutation ($id: ID!) { approveChange(approvalId: $id) { status } }', {
      token: w.guardian.token,
      variables: { id: approvalIdOf(proposed) },
    }),
  );
}

describe('erasing a person shreds what was released about them', () => {
  it('the partner no longer reads the release, and a stored copy of the snapshot cannot be opened', async () => {
    // Prepare: released to the partner's app, which reads it; a copy of the stored grant is kept (a "backup").
    const w = await world();
    await releaseNoteToPartner(w);
    const before = await w.api.graphql<{ releasedToMe: { body: string }[] }>(RELEASED_TO_ME, {
      token: w.partnerToken,
    });
    expectNoErrors(before);
    expect(before.data?.releasedToMe.map((note) => note.body)).toEqual([SECRET]);
    const copies = await grantItems(w);
    expect(copies).toHaveLength(1);
    // The snapshot is stored sealed (`enc_snapshot`) under the person's key, with its digest in clear.
    expect(copies[0]?.enc_snapshot?.B).toBeDefined();
    expect(copies[0]?.snapshotDigest?.S).toBeDefined();
    expect(JSON.stringify(copies)).not.toContain('Quarry Close');

    // Act: the IG lead proposes the erasure, the Caldicott Guardian approves it.
    await erase(w);

    // Assess: the partner reads nothing of it.
    const after = await w.api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, { token: w.partnerToken });
    expect(after.text).not.toContain('Quarry Close');
    expect(after.data?.releasedToMe ?? []).toEqual([]);
    expect(await grantItems(w)).toEqual([]);

    // The subject key is gone, so nothing can open the snapshot…
    const { table, key } = w.api.services.keys.subjectKeyLocation(w.org.orgId, w.clientId);
    const keyItem = await w.api.services.dynamo.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    expect(keyItem.Item).toBeUndefined();
    expect(await w.api.services.keys.subjectKey(w.org.orgId, w.clientId)).toBeUndefined();

    // …not even the copy restored into the table: the partner still reads nothing, and no error shows content.
    for (const copy of copies) {
      await w.api.services.dynamo.send(
        new PutItemCommand({ TableName: w.api.stack.tables.data, Item: copy }),
      );
    }
    expect(await grantItems(w)).toHaveLength(1);
    const restored = await w.api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, {
      token: w.partnerToken,
    });
    expect(restored.text).not.toContain('Quarry Close');
    expect(restored.data?.releasedToMe ?? []).toEqual([]);
  });
});
