import { KMSClient } from '@aws-sdk/client-kms';
import type { OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { addStaff, onboardTestOrganisation, uniqueSlug } from '../support/fixtures';
import { scanTable } from '../support/table-scan';
import { type GraphqlResult, ownTablesForFile, type TestApi, testApi } from '../support/test-api';

/** The file's own tables: its checks read every item of their organisation (ownTablesForFile). */
const tables = ownTablesForFile();

/**
 * With KMS unreachable and cold caches (a fresh process), no branch key can be unwrapped: every read of an
 * encrypted field and every write that needs a key must fail closed with INTERNAL, show no plaintext and
 * leave nothing half-written. A name that cannot be opened is null with INTERNAL on its own path. Reads
 * and writes that need no key are unaffected.
 */

const codes = (result: GraphqlResult) => result.errors?.map((error) => error.extensions?.code);

const HANDLES = '{ staffMembers(first: 100) { edges { node { handle } } } }';
const NAMES = '{ staffMembers(first: 100) { edges { node { handle displayName } } } }';

type StaffList = { staffMembers: { edges: { node: { handle: string; displayName?: string | null } }[] } };

function unreachableKms(): KMSClient {
  return new KMSClient({
    region: 'eu-west-2',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

async function handles(api: TestApi, token: string): Promise<string[]> {
  const result = await api.graphql<{ staffMembers: { edges: { node: { handle: string } }[] } }>(HANDLES, {
    token,
  });
  expect(result.errors).toBeUndefined();
  return (result.data?.staffMembers.edges.map((edge) => edge.node.handle) ?? []).sort();
}

/** Every item of the organisation in the data and key tables, as `table pk|sk` (test-only Scan, by segments). */
async function itemsOfOrganisation(api: TestApi, orgId: OrgId): Promise<string[]> {
  const found: string[] = [];
  for (const table of [api.services.config.tables.data, api.services.config.tables.keys]) {
    const items = await scanTable(api.services.dynamo, {
      TableName: table,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': { S: `ORG#${orgId}#` } },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    for (const item of items) found.push(`${table} ${item.pk?.S}|${item.sk?.S}`);
  }
  return found.sort();
}

describe('with KMS unreachable and cold key caches', () => {
  const healthy = testApi({ tables });

  it('refuses every request with INTERNAL and no plaintext: without the key, not even the caller’s roles can be authenticated', async () => {
    // Decision 0030: the caller's roles and status are MACed under the organisation's integrity key, which comes
    // from KMS; with KMS unreachable and cold caches they cannot be checked, so nothing is served, not even the
    // unencrypted handles that were served before roles were authenticated.
    const org = await onboardTestOrganisation(healthy);
    await addStaff(healthy, org, ['VOLUNTEER'], 'colleague');
    const broken = testApi({ tables, kms: unreachableKms() });

    const me = await broken.graphql('{ me { kind roles staffMember { handle displayName } } }', {
      token: org.adminToken,
    });
    const list = await broken.graphql<StaffList>(NAMES, { token: org.adminToken });
    const clear = await broken.graphql<StaffList>(HANDLES, { token: org.adminToken });

    for (const result of [me, list, clear]) {
      expect(codes(result)).toEqual(['INTERNAL']);
      expect(result.data ?? null).toBeNull();
      expect(result.text).not.toContain('Ada Admin');
      expect(result.text).not.toContain('Staff colleague');
      expect(result.text).not.toContain('colleague');
      expect(result.text).not.toMatch(/KMS|ECONNREFUSED|127\.0\.0\.1|KeyUnavailable/);
    }
    expect(broken.services.counters.total('KMS')).toBeGreaterThan(0);
    // KMS back: the same organisation is served again.
    const back = await healthy.graphql('{ me { kind roles } }', { token: org.adminToken });
    expect(back.data).toEqual({ me: { kind: 'STAFF', roles: ['ORG_ADMIN'] } });
  });

  it('refuses addStaffMember with INTERNAL and writes nothing: no staff item, handle, identity or key', async () => {
    const org = await onboardTestOrganisation(healthy);
    const broken = testApi({ tables, kms: unreachableKms() });
    const staffBefore = await handles(healthy, org.adminToken);
    const itemsBefore = await itemsOfOrganisation(healthy, org.orgId);
    expect(itemsBefore.filter((item) => /#(STAFF|HANDLE|IDENTITY|SUBJECT)#/.test(item))).toHaveLength(4);

    const added = await broken.graphql(
      'mutation { addStaffMember(input: { handle: "no.kms", displayName: "Never Stored", roles: [VOLUNTEER] }) { id handle } }',
      { token: org.adminToken },
    );

    expect(codes(added)).toEqual(['INTERNAL']);
    expect(added.data ?? null).toBeNull();
    expect(added.text).not.toContain('Never Stored');
    expect(await handles(healthy, org.adminToken)).toEqual(staffBefore);
    expect(await itemsOfOrganisation(healthy, org.orgId)).toEqual(itemsBefore);
    expect(await healthy.services.directory.staffByHandle(tenantScope(org.orgId), 'no.kms')).toBeUndefined();
    // The handle was not reserved: the healthy API can add it now.
    const retried = await healthy.graphql<{ addStaffMember: { handle: string; displayName: string } }>(
      'mutation { addStaffMember(input: { handle: "no.kms", displayName: "Stored Later", roles: [VOLUNTEER] }) { handle displayName } }',
      { token: org.adminToken },
    );
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.addStaffMember).toEqual({ handle: 'no.kms', displayName: 'Stored Later' });
  });

  it('refuses onboarding with INTERNAL and leaves no organisation, slug or admin behind', async () => {
    const broken = testApi({ tables, kms: unreachableKms() });
    const slug = uniqueSlug('nokms');
    const name = `No KMS Charity ${slug}`;
    const onboard = (api: TestApi, token: string) =>
      api.graphql<{ onboardOrganisation: { organisation: { slug: string } } }>(
        `mutation ($input: OnboardOrganisationInput!) {
          onboardOrganisation(input: $input) { organisation { slug } }
        }`,
        {
          token,
          variables: {
            input: {
              name,
              slug,
              preset: 'STRICT',
              firstAdminHandle: 'admin',
              firstAdminDisplayName: 'Never Onboarded',
            },
          },
        },
      );
    const operator = await healthy.operatorToken();
    const before = await healthy.services.directory.listOrganisations();

    const result = await onboard(broken, operator);

    expect(codes(result)).toEqual(['INTERNAL']);
    expect(result.data ?? null).toBeNull();
    expect(result.text).not.toContain('Never Onboarded');
    const after = await healthy.services.directory.listOrganisations();
    // Other test files onboard organisations on the shared stack at the same time, so the assessment is
    // "nothing of this onboarding", not a bare count.
    expect(after.filter((org) => org.slug === slug)).toEqual([]);
    expect(after.filter((org) => org.name === name)).toEqual([]);
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    expect(await healthy.services.directory.organisationIdBySlug(slug)).toBeUndefined();
    // The slug was not reserved: the same onboarding succeeds once KMS is back.
    const retried = await onboard(healthy, operator);
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.onboardOrganisation.organisation.slug).toBe(slug);
  });
});
