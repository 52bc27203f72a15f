import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import {
  onboardTestOrganisation,
  staffIdByHandle,
  staffToken,
  type TestOrganisation,
} from '../support/fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

/**
 * Crypto-shredding (DATA-PROTECTION.md): erasing a subject deletes its data key, after which every copy of
 * its ciphertext — including one restored from a backup of the data table — is unreadable. An erased name is
 * NOT_FOUND (the data no longer exists; nothing is broken), never decrypted, and no one else is affected.
 */

const MY_NAME = '{ me { staffMember { handle displayName } } }';
const NODE_NAME = 'query ($id: ID!) { node(id: $id) { ... on StaffMember { handle displayName } } }';
const LIST = '{ staffMembers(first: 100) { edges { node { handle displayName } } } }';

interface Member {
  readonly orgId: OrgId;
  readonly staffId: string;
  readonly globalId: string;
  readonly handle: string;
  readonly displayName: string;
  readonly token: string;
}

type Item = Record<string, AttributeValue>;

const codes = (result: GraphqlResult) => result.errors?.map((error) => error.extensions?.code);

async function addNamedStaff(api: TestApi, org: TestOrganisation, handle: string): Promise<Member> {
  const displayName = `Name of ${handle} ${randomBytes(4).toString('hex')}`;
  const result = await api.graphql<{ addStaffMember: { id: string } }>(
    'mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id } }',
    { token: org.adminToken, variables: { input: { handle, displayName, roles: ['VOLUNTEER'] } } },
  );
  expect(result.errors).toBeUndefined();
  const staffId = await staffIdByHandle(api, org.orgId, handle);
  return {
    orgId: org.orgId,
    staffId,
    globalId: result.data?.addStaffMember.id ?? '',
    handle,
    displayName,
    token: await staffToken(api, org.orgId, staffId),
  };
}

const staffKey = (member: Member) => ({
  pk: { S: `ORG#${member.orgId}#STAFF#${member.staffId}` },
  sk: { S: 'PROFILE' },
});
const subjectKeyKey = (member: Member) => ({
  pk: { S: `ORG#${member.orgId}#SUBJECT#${member.staffId}` },
  sk: { S: 'KEY' },
});

async function getItem(api: TestApi, table: string, key: Item): Promise<Item | undefined> {
  const result = await api.services.dynamo.send(
    new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
  );
  return result.Item;
}

/** Puts a data-table item back as a point-in-time restore of the data table would. */
async function restoreDataItem(api: TestApi, item: Item): Promise<void> {
  const table = api.services.config.tables.data;
  await api.services.dynamo.send(
    new DeleteItemCommand({
      TableName: table,
      Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
    }),
  );
  await api.services.dynamo.send(new PutItemCommand({ TableName: table, Item: item }));
}

/** The organisation's first admin, as onboardTestOrganisation creates them. */
const ADMIN = { handle: 'admin', displayName: 'Ada Admin' } as const;

type StaffList = { staffMembers: { edges: { node: { handle: string; displayName: string | null } }[] } };

/**
 * The erased member's name is null and refused with `code` on that field's path alone everywhere it is read,
 * and never shown; in the staff list every other member's (`others`, and the admin's) name reads as stored.
 */
async function expectNameRefused(
  api: TestApi,
  org: TestOrganisation,
  erased: Member,
  code: string,
  others: readonly Member[],
) {
  const own = await api.graphql(MY_NAME, { token: erased.token });
  const read = await api.graphql(NODE_NAME, { token: org.adminToken, variables: { id: erased.globalId } });
  const list = await api.graphql<StaffList>(LIST, { token: org.adminToken });

  expect(own.data).toEqual({ me: { staffMember: { handle: erased.handle, displayName: null } } });
  expect(codes(own)).toEqual([code]);
  expect(own.errors?.[0]?.path).toEqual(['me', 'staffMember', 'displayName']);
  expect(read.data).toEqual({ node: { handle: erased.handle, displayName: null } });
  expect(codes(read)).toEqual([code]);
  expect(read.errors?.[0]?.path).toEqual(['node', 'displayName']);

  const edges = list.data?.staffMembers.edges ?? [];
  const readable = [ADMIN, ...others];
  expect(edges.map((edge) => edge.node.handle).sort()).toEqual(
    [...readable, erased].map((member) => member.handle).sort(),
  );
  const index = edges.findIndex((edge) => edge.node.handle === erased.handle);
  const names = new Map(readable.map((member) => [member.handle, member.displayName]));
  expect(list.data).toEqual({
    staffMembers: {
      edges: edges.map(({ node: { handle } }) => ({
        node: { handle, displayName: handle === erased.handle ? null : names.get(handle) },
      })),
    },
  });
  expect(codes(list)).toEqual([code]);
  expect(list.errors?.[0]?.path).toEqual(['staffMembers', 'edges', index, 'node', 'displayName']);
  for (const result of [own, read, list]) expect(result.text).not.toContain(erased.displayName);
}

async function expectNameReads(api: TestApi, org: TestOrganisation, member: Member) {
  const own = await api.graphql(MY_NAME, { token: member.token });
  const read = await api.graphql(NODE_NAME, { token: org.adminToken, variables: { id: member.globalId } });

  expect(own.errors).toBeUndefined();
  expect(own.data).toEqual({
    me: { staffMember: { handle: member.handle, displayName: member.displayName } },
  });
  expect(read.errors).toBeUndefined();
  expect(read.data).toEqual({ node: { handle: member.handle, displayName: member.displayName } });
}

describe('erasing a staff member’s subject key', () => {
  const api = testApi();

  it('makes their name NOT_FOUND everywhere while colleagues read normally', async () => {
    const org = await onboardTestOrganisation(api);
    const erased = await addNamedStaff(api, org, 'erased');
    const colleague = await addNamedStaff(api, org, 'colleague');
    await expectNameReads(api, org, erased);

    await api.services.keys.eraseSubjectKey(org.orgId, erased.staffId);

    expect(await getItem(api, api.services.config.tables.keys, subjectKeyKey(erased))).toBeUndefined();
    expect(await api.services.keys.subjectKey(org.orgId, erased.staffId)).toBeUndefined();
    await expectNameRefused(api, org, erased, 'NOT_FOUND', [colleague]);
    await expectNameReads(api, org, colleague);
    const admin = await api.graphql(MY_NAME, { token: org.adminToken });
    expect(admin.data).toEqual({ me: { staffMember: { handle: 'admin', displayName: 'Ada Admin' } } });
  });

  it('takes effect at once in another process that read the name before', async () => {
    const org = await onboardTestOrganisation(api);
    const erased = await addNamedStaff(api, org, 'erased');
    const other = testApi();
    await expectNameReads(other, org, erased);

    await api.services.keys.eraseSubjectKey(org.orgId, erased.staffId);

    await expectNameRefused(other, org, erased, 'NOT_FOUND', []);
  });

  it('leaves a copy of their item restored from before the erasure unreadable', async () => {
    const org = await onboardTestOrganisation(api);
    const erased = await addNamedStaff(api, org, 'erased');
    const colleague = await addNamedStaff(api, org, 'colleague');
    const snapshot = await getItem(api, api.services.config.tables.data, staffKey(erased));
    if (!snapshot?.enc_displayName?.B) throw new Error('No sealed name in the snapshot');
    await api.services.keys.eraseSubjectKey(org.orgId, erased.staffId);

    await restoreDataItem(api, snapshot);

    const restored = await getItem(api, api.services.config.tables.data, staffKey(erased));
    expect(
      Buffer.from(restored?.enc_displayName?.B ?? []).equals(Buffer.from(snapshot.enc_displayName.B)),
    ).toBe(true);
    await expectNameRefused(api, org, erased, 'NOT_FOUND', [colleague]);
    await expectNameReads(api, org, colleague);
  });

  it('cannot be undone by giving the subject a new key: old ciphertext fails closed with INTERNAL', async () => {
    const org = await onboardTestOrganisation(api);
    const erased = await addNamedStaff(api, org, 'erased');
    const colleague = await addNamedStaff(api, org, 'colleague');
    await api.services.keys.eraseSubjectKey(org.orgId, erased.staffId);

    await api.services.keys.createSubjectKey(org.orgId, erased.staffId);

    expect(await getItem(api, api.services.config.tables.keys, subjectKeyKey(erased))).toBeDefined();
    await expectNameRefused(api, org, erased, 'INTERNAL', [colleague]);
    await expectNameReads(api, org, colleague);
  });
});
