import { type AttributeValue, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { onboardTestOrganisation, staffIdByHandle, type TestOrganisation } from '../support/fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

/**
 * Rotating an organisation's branch key (DATA-PROTECTION.md, Key hierarchy) creates version 2 and makes it the
 * one new subject keys are wrapped under. Nothing is re-encrypted: subject keys wrapped by version 1 and the
 * fields sealed under them stay byte-for-byte as they were, and still read.
 */

const NAMES = '{ staffMembers(first: 100) { edges { node { handle displayName } } } }';

type Item = Record<string, AttributeValue>;

interface NamesResult {
  staffMembers: { edges: { node: { handle: string; displayName: string } }[] };
}

const codes = (result: GraphqlResult) => result.errors?.map((error) => error.extensions?.code);

async function addStaffMember(api: TestApi, org: TestOrganisation, handle: string, displayName: string) {
  const result = await api.graphql(
    'mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id } }',
    { token: org.adminToken, variables: { input: { handle, displayName, roles: ['VOLUNTEER'] } } },
  );
  return { result, staffId: result.errors ? undefined : await staffIdByHandle(api, org.orgId, handle) };
}

async function getItem(api: TestApi, table: string, pk: string, sk: string): Promise<Item> {
  const { Item } = await api.services.dynamo.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }),
  );
  if (!Item) throw new Error(`No item ${pk}|${sk}`);
  return Item;
}

const subjectKeyItem = (api: TestApi, orgId: OrgId, staffId: string) =>
  getItem(api, api.services.config.tables.keys, `ORG#${orgId}#SUBJECT#${staffId}`, 'KEY');
const staffItem = (api: TestApi, orgId: OrgId, staffId: string) =>
  getItem(api, api.services.config.tables.data, `ORG#${orgId}#STAFF#${staffId}`, 'PROFILE');

async function names(api: TestApi, token: string): Promise<Record<string, string>> {
  const result = await api.graphql<NamesResult>(NAMES, { token });
  expect(result.errors).toBeUndefined();
  return Object.fromEntries(
    result.data?.staffMembers.edges.map((edge) => [edge.node.handle, edge.node.displayName]) ?? [],
  );
}

const bytes = (item: Item, name: string) => Buffer.from(item[name]?.B ?? []);

describe('rotating an organisation’s branch key', () => {
  const api = testApi();

  it('keeps old subjects readable without re-encryption and wraps new subject keys under version 2', async () => {
    const org = await onboardTestOrganisation(api);
    const before = await addStaffMember(api, org, 'before', 'Added Before Rotation');
    if (!before.staffId) throw new Error('Could not add the first staff member');
    const oldKeyItem = await subjectKeyItem(api, org.orgId, before.staffId);
    const oldStaffItem = await staffItem(api, org.orgId, before.staffId);
    const organisation = await api.services.directory.organisation(org.orgId);
    if (!organisation) throw new Error('No organisation');

    const version = await api.services.keys.createBranchKey(org.orgId, organisation.kmsKeyArn);

    const after = await addStaffMember(api, org, 'after', 'Added After Rotation');
    if (!after.staffId) throw new Error('Could not add the second staff member');
    const newKeyItem = await subjectKeyItem(api, org.orgId, after.staffId);
    const branches = await api.services.dynamo.send(
      new QueryCommand({
        TableName: api.services.config.tables.keys,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `ORG#${org.orgId}#BRANCH` } },
        ConsistentRead: true,
      }),
    );
    const read = await names(api, org.adminToken);

    expect(version).toBe(2);
    expect(await api.services.keys.activeBranchVersion(org.orgId)).toBe(2);
    expect(branches.Items?.map((item) => item.sk?.S)).toEqual(['V#00000001', 'V#00000002']);
    expect(oldKeyItem.branchVersion?.N).toBe('1');
    expect(newKeyItem.branchVersion?.N).toBe('2');
    expect(read).toEqual({
      admin: 'Ada Admin',
      before: 'Added Before Rotation',
      after: 'Added After Rotation',
    });
    // Nothing was re-encrypted or re-wrapped: the old subject's key and sealed name are unchanged.
    const oldKeyItemNow = await subjectKeyItem(api, org.orgId, before.staffId);
    const oldStaffItemNow = await staffItem(api, org.orgId, before.staffId);
    expect(oldKeyItemNow.branchVersion?.N).toBe('1');
    expect(bytes(oldKeyItemNow, 'wrapped').equals(bytes(oldKeyItem, 'wrapped'))).toBe(true);
    expect(bytes(oldStaffItemNow, 'enc_displayName').equals(bytes(oldStaffItem, 'enc_displayName'))).toBe(
      true,
    );
    expect(oldStaffItemNow.version?.N).toBe(oldStaffItem.version?.N);
  });

  it('is seen by a fresh process, which unwraps each branch version once and reads both generations', async () => {
    const org = await onboardTestOrganisation(api);
    const before = await addStaffMember(api, org, 'before', 'Added Before Rotation');
    const organisation = await api.services.directory.organisation(org.orgId);
    if (!before.staffId || !organisation) throw new Error('Setup failed');
    await api.services.keys.createBranchKey(org.orgId, organisation.kmsKeyArn);
    const fresh = testApi();

    const after = await addStaffMember(fresh, org, 'after', 'Added After Rotation');
    const read = await names(fresh, org.adminToken);
    const kmsRequests = fresh.services.counters.snapshot();

    expect(after.result.errors).toBeUndefined();
    expect((await subjectKeyItem(api, org.orgId, after.staffId ?? '')).branchVersion?.N).toBe('2');
    expect(read).toEqual({
      admin: 'Ada Admin',
      before: 'Added Before Rotation',
      after: 'Added After Rotation',
    });
    // Version 2 for the new key, version 1 for the older subjects (and the beacon key): one Decrypt each.
    expect(kmsRequests['KMS.Decrypt']).toBe(2);
    expect(fresh.services.counters.total('KMS')).toBe(2);
  });

  it('keeps handle lookups (blind indexes under the beacon key) valid across the rotation', async () => {
    const org = await onboardTestOrganisation(api);
    const organisation = await api.services.directory.organisation(org.orgId);
    if (!organisation) throw new Error('No organisation');
    await addStaffMember(api, org, 'taken', 'First Holder');
    await api.services.keys.createBranchKey(org.orgId, organisation.kmsKeyArn);

    const duplicate = await addStaffMember(testApi(), org, 'taken', 'Second Holder');

    expect(codes(duplicate.result)).toEqual(['CONFLICT']);
    expect(await names(api, org.adminToken)).toEqual({ admin: 'Ada Admin', taken: 'First Holder' });
  });
});
