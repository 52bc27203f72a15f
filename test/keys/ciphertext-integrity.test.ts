import { randomBytes } from 'node:crypto';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { itemKeyOf, sealFields } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  onboardTestOrganisation,
  staffIdByHandle,
  staffToken,
  type TestOrganisation,
} from '../support/fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

/**
 * A staff member's display name is sealed under their subject key, bound (AAD) to organisation, item key,
 * field name and key version. These tests move or alter the stored ciphertext with raw DynamoDB writes and
 * check that the API fails closed: the field is null and refused with INTERNAL on its own path, nothing
 * decrypts to the wrong place, and everyone else's name still reads, in the same list too.
 */

const LIST = '{ staffMembers(first: 100) { edges { node { handle displayName } } } }';
const HANDLES = '{ staffMembers(first: 100) { edges { node { handle } } } }';
const MY_NAME = '{ me { staffMember { handle displayName } } }';
const NODE_NAME = 'query ($id: ID!) { node(id: $id) { ... on StaffMember { handle displayName } } }';

interface Member {
  readonly orgId: OrgId;
  readonly staffId: string;
  readonly globalId: string;
  readonly handle: string;
  readonly displayName: string;
  readonly token: string;
}

type Errors = GraphqlResult['errors'];

const codes = (errors: Errors) => errors?.map((error) => error.extensions?.code);

function uniqueName(label: string): string {
  return `${label} ${randomBytes(4).toString('hex')}`;
}

async function addNamedStaff(api: TestApi, org: TestOrganisation, handle: string): Promise<Member> {
  const displayName = uniqueName(`Name of ${handle}`);
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

const staffPk = (member: Member) => `ORG#${member.orgId}#STAFF#${member.staffId}`;
const staffKey = (member: Member) => ({ pk: { S: staffPk(member) }, sk: { S: 'PROFILE' } });

async function readSealed(api: TestApi, member: Member, attribute = 'enc_displayName'): Promise<Uint8Array> {
  const { Item } = await api.services.dynamo.send(
    new GetItemCommand({
      TableName: api.services.config.tables.data,
      Key: staffKey(member),
      ConsistentRead: true,
    }),
  );
  const sealed = Item?.[attribute]?.B;
  if (!sealed) throw new Error(`No ${attribute} on ${member.handle}`);
  return sealed;
}

async function writeSealed(api: TestApi, member: Member, bytes: Uint8Array, attribute = 'enc_displayName') {
  await api.services.dynamo.send(
    new UpdateItemCommand({
      TableName: api.services.config.tables.data,
      Key: staffKey(member),
      UpdateExpression: 'SET #field = :sealed',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#field': attribute },
      ExpressionAttributeValues: { ':sealed': { B: bytes } },
    }),
  );
}

/** The organisation's first admin, as onboardTestOrganisation creates them. */
const ADMIN = { handle: 'admin', displayName: 'Ada Admin' } as const;

type StaffList = { staffMembers: { edges: { node: { handle: string; displayName: string | null } }[] } };

/** Each error as its code and path, in list order (resolvers may finish, and so report, in any order). */
const refusals = (errors: Errors) =>
  (errors ?? [])
    .map((error) => ({ code: error.extensions?.code, path: error.path }))
    .sort((a, b) => Number(a.path?.[2]) - Number(b.path?.[2]));

/**
 * The assessment shared by every case: each victim's display name is null, refused with INTERNAL on that
 * field's path alone, wherever it is read; no secret appears in any response (save a bystander's own name on
 * their own row of the list); and every other name — bystanders' and the admin's, in the same list as the
 * victims — reads as before.
 */
async function expectFailsClosed(
  api: TestApi,
  admin: TestOrganisation,
  scenario: { victims: Member[]; bystanders: Member[]; secrets: string[] },
): Promise<void> {
  const responses: string[] = [];

  for (const victim of scenario.victims) {
    const own = await api.graphql<{ me: { staffMember: unknown } }>(MY_NAME, { token: victim.token });
    const read = await api.graphql<{ node: unknown }>(NODE_NAME, {
      token: admin.adminToken,
      variables: { id: victim.globalId },
    });
    responses.push(own.text, read.text);

    expect(own.data).toEqual({ me: { staffMember: { handle: victim.handle, displayName: null } } });
    expect(codes(own.errors)).toEqual(['INTERNAL']);
    expect(own.errors?.[0]?.path).toEqual(['me', 'staffMember', 'displayName']);
    expect(read.data).toEqual({ node: { handle: victim.handle, displayName: null } });
    expect(codes(read.errors)).toEqual(['INTERNAL']);
    expect(read.errors?.[0]?.path).toEqual(['node', 'displayName']);
  }

  // The list: displayName is nullable, so each victim's name is null with INTERNAL at its own path and the
  // rest of the list — every other member's handle and name — is returned in full.
  const handles = await api.graphql<{ staffMembers: { edges: { node: { handle: string } }[] } }>(HANDLES, {
    token: admin.adminToken,
  });
  expect(handles.errors).toBeUndefined();
  const order = handles.data?.staffMembers.edges.map((edge) => edge.node.handle) ?? [];
  const readable = [ADMIN, ...scenario.bystanders];
  expect([...order].sort()).toEqual([...readable, ...scenario.victims].map((member) => member.handle).sort());
  const victimHandles = new Set(scenario.victims.map((victim) => victim.handle));
  const names = new Map(readable.map((member) => [member.handle, member.displayName]));
  const list = await api.graphql<StaffList>(LIST, { token: admin.adminToken });

  expect(list.data).toEqual({
    staffMembers: {
      edges: order.map((handle) => ({
        node: { handle, displayName: victimHandles.has(handle) ? null : names.get(handle) },
      })),
    },
  });
  expect(refusals(list.errors)).toEqual(
    order.flatMap((handle, index) =>
      victimHandles.has(handle)
        ? [{ code: 'INTERNAL', path: ['staffMembers', 'edges', index, 'node', 'displayName'] }]
        : [],
    ),
  );
  if (victimHandles.size === 0) expect(list.errors).toBeUndefined();
  // A secret that is a listed bystander's own name (the source of a moved ciphertext) appears once, on that
  // bystander's own row (checked above); any other secret appears nowhere in the list.
  for (const secret of scenario.secrets) {
    const owners = readable.filter((member) => member.displayName === secret).length;
    expect(list.text.split(secret).length - 1).toBe(owners);
  }

  for (const text of responses) {
    for (const secret of scenario.secrets) expect(text).not.toContain(secret);
  }
  for (const text of [...responses, list.text]) {
    expect(text).not.toMatch(/CiphertextIntegrity|integrity check|Unsupported state|authenticate data/i);
  }

  for (const bystander of scenario.bystanders) {
    const own = await api.graphql(MY_NAME, { token: bystander.token });
    const read = await api.graphql(NODE_NAME, {
      token: admin.adminToken,
      variables: { id: bystander.globalId },
    });

    expect(own.errors).toBeUndefined();
    expect(own.data).toEqual({
      me: { staffMember: { handle: bystander.handle, displayName: bystander.displayName } },
    });
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ node: { handle: bystander.handle, displayName: bystander.displayName } });
  }
}

describe('a sealed display name that was moved or altered', () => {
  const api = testApi();

  it('fails closed when copied onto another staff member of the same organisation', async () => {
    const org = await onboardTestOrganisation(api);
    const source = await addNamedStaff(api, org, 'source');
    const victim = await addNamedStaff(api, org, 'victim');
    const bystander = await addNamedStaff(api, org, 'bystander');
    const moved = await readSealed(api, source);

    await writeSealed(api, victim, moved);

    expect(Buffer.from(await readSealed(api, victim)).equals(Buffer.from(moved))).toBe(true);
    await expectFailsClosed(api, org, {
      victims: [victim],
      bystanders: [source, bystander],
      secrets: [source.displayName, victim.displayName],
    });
  });

  it('fails closed when copied onto a staff member of another organisation', async () => {
    const home = await onboardTestOrganisation(api);
    const away = await onboardTestOrganisation(api);
    const source = await addNamedStaff(api, home, 'source');
    const victim = await addNamedStaff(api, away, 'victim');
    const bystander = await addNamedStaff(api, away, 'bystander');
    const moved = await readSealed(api, source);

    await writeSealed(api, victim, moved);

    await expectFailsClosed(api, away, {
      victims: [victim],
      bystanders: [bystander],
      secrets: [source.displayName, victim.displayName],
    });
    await expectFailsClosed(api, home, { victims: [], bystanders: [source], secrets: [] });
  });

  it('fails closed when another sealed attribute of the same item is copied into enc_displayName', async () => {
    // Staff items have one sealed field today; this seals a second one (enc_legalName) on the same item,
    // under the same subject key, exactly as the store seals fields, then copies it across.
    const org = await onboardTestOrganisation(api);
    const victim = await addNamedStaff(api, org, 'victim');
    const bystander = await addNamedStaff(api, org, 'bystander');
    const key = await api.services.keys.subjectKey(org.orgId, victim.staffId);
    if (!key) throw new Error('The victim has no subject key');
    const legalName = uniqueName('Legal name');
    const second = sealFields(key, itemKeyOf(staffPk(victim), 'PROFILE'), { legalName });
    const sealedLegalName = second.enc_legalName?.B;
    if (!sealedLegalName) throw new Error('sealFields wrote no enc_legalName');
    await writeSealed(api, victim, sealedLegalName, 'enc_legalName');

    await writeSealed(api, victim, await readSealed(api, victim, 'enc_legalName'));

    await expectFailsClosed(api, org, {
      victims: [victim],
      bystanders: [bystander],
      secrets: [legalName, victim.displayName],
    });
  });

  it('fails closed when enc_displayName of another item kind of the same subject is copied in', async () => {
    // Same subject key, same field name, different item key: only the item key in the AAD differs.
    const org = await onboardTestOrganisation(api);
    const victim = await addNamedStaff(api, org, 'victim');
    const bystander = await addNamedStaff(api, org, 'bystander');
    const key = await api.services.keys.subjectKey(org.orgId, victim.staffId);
    if (!key) throw new Error('The victim has no subject key');
    const otherName = uniqueName('Name on another item');
    const otherItems = [
      itemKeyOf(`ORG#${org.orgId}#CLIENT#su_${'a'.repeat(26)}`, 'PROFILE'),
      itemKeyOf(staffPk(victim), 'NOTE'),
    ];
    const sealed = otherItems.map((itemKey) => sealFields(key, itemKey, { displayName: otherName }));

    for (const item of sealed) {
      const bytes = item.enc_displayName?.B;
      if (!bytes) throw new Error('sealFields wrote no enc_displayName');
      await writeSealed(api, victim, bytes);

      await expectFailsClosed(api, org, {
        victims: [victim],
        bystanders: [bystander],
        secrets: [otherName, victim.displayName],
      });
    }
  });

  it('fails closed when a subject key item is swapped for another subject’s in the key table', async () => {
    // The wrapped subject key is bound (AAD) to organisation, subject and branch version, so the victim's key
    // item holding a colleague's wrapped key does not unwrap; were it to, the victim's field would still fail
    // its own check under the colleague's key. Either way the name is refused with INTERNAL.
    const org = await onboardTestOrganisation(api);
    const source = await addNamedStaff(api, org, 'source');
    const victim = await addNamedStaff(api, org, 'victim');
    const keyTable = api.services.config.tables.keys;
    const subjectKey = (member: Member) => ({
      pk: { S: `ORG#${member.orgId}#SUBJECT#${member.staffId}` },
      sk: { S: 'KEY' },
    });
    const { Item: sourceKey } = await api.services.dynamo.send(
      new GetItemCommand({ TableName: keyTable, Key: subjectKey(source), ConsistentRead: true }),
    );
    const wrapped = sourceKey?.wrapped?.B;
    if (!wrapped) throw new Error('The source has no wrapped key');

    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: keyTable,
        Key: subjectKey(victim),
        UpdateExpression: 'SET #wrapped = :wrapped',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#wrapped': 'wrapped' },
        ExpressionAttributeValues: { ':wrapped': { B: wrapped } },
      }),
    );

    await expectFailsClosed(api, org, {
      victims: [victim],
      bystanders: [source],
      secrets: [source.displayName, victim.displayName],
    });
  });

  it('fails closed whichever byte is flipped in place (format, key version, iv, body, tag)', async () => {
    const org = await onboardTestOrganisation(api);
    const bystander = await addNamedStaff(api, org, 'bystander');
    const positions = { format: 0, version: 2, iv: 3 + 5, body: 3 + 12 + 2, tag: -1 };
    const victims: Member[] = [];
    for (const part of Object.keys(positions)) victims.push(await addNamedStaff(api, org, `flip-${part}`));
    const originals = await Promise.all(victims.map((victim) => readSealed(api, victim)));

    for (const [index, position] of Object.values(positions).entries()) {
      const original = originals[index];
      const victim = victims[index];
      if (!original || !victim) throw new Error('Missing victim');
      const tampered = Buffer.from(original);
      const at = position < 0 ? tampered.length + position : position;
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      await writeSealed(api, victim, tampered);
    }

    await expectFailsClosed(api, org, {
      victims,
      bystanders: [bystander],
      secrets: victims.map((victim) => victim.displayName),
    });
  });
});
