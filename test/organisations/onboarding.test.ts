import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  CancelKeyDeletionCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { onboardOrganisation, type SignInAccounts } from '@confide/api/onboarding';
import { badInput, type OrgId } from '@confide/domain';
import { LOCAL_CREDENTIALS } from '@confide/local';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { failingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation, uniqueSlug } from '../support/fixtures';
import { offboardWithTwoOperators } from '../support/platform-fixtures';
import { type TestApi, testApi } from '../support/test-api';

const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }) =>
  result.errors?.map((error) => error.extensions?.code);

const ONBOARD =
  'mutation ($input: OnboardOrganisationInput!) { onboardOrganisation(input: $input) { organisation { id } } }';

/** An onboarding's input with one admin, `more` added or replaced. */
const onboardInput = (slug: string, more: Record<string, string> = {}) => ({
  name: 'X',
  slug,
  preset: 'STRICT',
  firstAdminHandle: 'first.admin',
  firstAdminDisplayName: 'A',
  ...more,
});

describe('onboarding an organisation', () => {
  const api = testApi();

  it('creates a tagged KMS key with an encryption-context policy, its alias, branch key and organisation item', async () => {
    const org = await onboardTestOrganisation(api, { preset: 'GROUP_WIDE' });

    const organisation = await api.services.directory.organisation(org.orgId);
    expect(organisation).toMatchObject({ slug: org.slug, preset: 'GROUP_WIDE', status: 'ACTIVE' });
    expect(organisation?.retention.clientYearsAfterClosure).toBe(8);

    const { kms, dynamo, config } = api.services;
    const key = await kms.send(new DescribeKeyCommand({ KeyId: organisation?.keyAlias }));
    expect(key.KeyMetadata?.Arn).toBe(organisation?.kmsKeyArn);
    expect(key.KeyMetadata?.KeyState).toBe('Enabled');
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyMetadata?.KeyId }));
    expect(tags.Tags).toContainEqual({ TagKey: 'confide:organisation', TagValue: org.orgId });
    const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyMetadata?.KeyId }));
    expect(rotation.KeyRotationEnabled).toBe(true);
    const aliases = await kms.send(new ListAliasesCommand({ KeyId: key.KeyMetadata?.KeyId }));
    expect(aliases.Aliases?.map((alias) => alias.AliasName)).toEqual([`alias/confide/test/${org.orgId}`]);

    const policy = api.services.organisationKeys.keyPolicy(org.orgId) as {
      Statement: { Sid: string; Condition?: unknown }[];
    };
    expect(
      policy.Statement.find((s) => s.Sid === 'TenantAccessUsesKeyOnlyForThisOrganisation')?.Condition,
    ).toEqual({
      StringEquals: { 'kms:EncryptionContext:orgId': org.orgId },
    });

    const branch = await dynamo.send(
      new QueryCommand({
        TableName: config.tables.keys,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `ORG#${org.orgId}#BRANCH` } },
      }),
    );
    expect(branch.Items?.map((item) => item.sk?.S)).toEqual(['V#00000001']);
    // The branch key is wrapped by the organisation's key under its encryption context, and by nothing else.
    const wrapped = branch.Items?.[0]?.wrapped?.B;
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: { orgId: org.orgId } })),
    ).resolves.toMatchObject({ KeyId: organisation?.kmsKeyArn });
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: { orgId: 'org_other' } })),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('creates the organisation and its first admin together: a fault on the admin leaves the slug free to retry', async () => {
    // Prepare: an API whose DynamoDB client fails the write carrying the first admin's handle.
    const failing = failingDynamoClient(api, (call) =>
      JSON.stringify(call.input).includes('"sk":{"S":"HANDLE"}'),
    );
    const faulty = testApi({ dynamo: failing.client });
    const slug = uniqueSlug();
    const onboard = async (through: TestApi) =>
      through.graphql<{ onboardOrganisation: { organisation: { id: string } } }>(
        `mutation ($input: OnboardOrganisationInput!) { onboardOrganisation(input: $input) { organisation { id } } }`,
        {
          token: await api.operatorToken(),
          variables: {
            input: {
              name: 'X',
              slug,
              preset: 'STRICT',
              firstAdminHandle: 'admin',
              firstAdminDisplayName: 'A',
            },
          },
        },
      );

    // Act
    const failed = await onboard(faulty);

    // Assess: a fault, and no organisation under the slug.
    expect(failing.failures()).toBe(1);
    expect(codes(failed)).toEqual(['INTERNAL']);
    expect(await api.services.directory.organisationIdBySlug(slug)).toBeUndefined();

    // Act: onboarded again under the same slug, with nothing failing.
    const retried = await onboard(api);

    // Assess: the organisation, with its first admin.
    expect(retried.errors).toBeUndefined();
    const orgId = await api.services.directory.organisationIdBySlug(slug);
    expect(orgId).toBe(retried.data?.onboardOrganisation.organisation.id);
    if (!orgId) throw new Error('no organisation');
    await expect(api.services.directory.staffByHandle(tenantScope(orgId), 'admin')).resolves.toMatchObject({
      roles: ['ORG_ADMIN'],
    });
  });

  it('refuses a slug that is taken or malformed, and creates nothing', async () => {
    const org = await onboardTestOrganisation(api);
    const token = await api.operatorToken();
    const onboard = (slug: string, handle = 'first.admin') =>
      api.graphql(ONBOARD, { token, variables: { input: onboardInput(slug, { firstAdminHandle: handle }) } });

    const taken = await onboard(org.slug);
    const malformed = await onboard('Not A Slug!');
    const badHandleSlug = uniqueSlug();
    const badHandle = await onboard(badHandleSlug, 'Bad Handle');

    expect(codes(taken)).toEqual(['CONFLICT']);
    expect(codes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors?.[0]?.extensions?.field).toEqual(['input', 'slug']);
    expect(codes(badHandle)).toEqual(['BAD_USER_INPUT']);
    // Other test files onboard organisations on the same stack at the same time, so the check is by slug,
    // not by counting the directory.
    expect(await api.services.directory.organisationIdBySlug(org.slug)).toBe(org.orgId);
    expect(await api.services.directory.organisationIdBySlug(badHandleSlug)).toBeUndefined();
    const slugs = (await api.services.directory.listOrganisations()).map((o) => o.slug);
    expect(slugs).not.toContain('Not A Slug!');
    expect(slugs).not.toContain(badHandleSlug);
  });

  it('names a second founding admin, who approves the first admin’s role changes', async () => {
    // Prepare: an organisation onboarded with two admins
    const slug = uniqueSlug();
    const onboarded = await api.graphql<{
      onboardOrganisation: {
        organisation: { id: string };
        firstAdmin: { id: string };
        secondAdmin: { id: string };
      };
    }>(
      `mutation ($input: OnboardOrganisationInput!) {
        onboardOrganisation(input: $input) { organisation { id } firstAdmin { id } secondAdmin { id handle roles } }
      }`,
      {
        token: await api.operatorToken(),
        variables: {
          input: {
            name: 'Two admins',
            slug,
            preset: 'STRICT',
            firstAdminHandle: 'first.admin',
            firstAdminDisplayName: 'First Admin',
            secondAdminHandle: 'second.admin',
            secondAdminDisplayName: 'Second Admin',
          },
        },
      },
    );
    expect(onboarded.errors).toBeUndefined();
    const orgId = onboarded.data?.onboardOrganisation.organisation.id as OrgId;
    const tokenOf = async (handle: string) => {
      const staff = await api.services.directory.staffByHandle(tenantScope(orgId), handle);
      return api.token({ sub: staff?.externalSubject ?? '', org_id: orgId, staff_id: staff?.staffId ?? '' });
    };
    const [first, second] = [await tokenOf('first.admin'), await tokenOf('second.admin')];

    // Act: the first admin proposes a support worker; the second approves
    const proposed = await api.graphql(
      'mutation { addStaffMember(input: { handle: "jo.worker", displayName: "Jo Worker", roles: [SUPPORT_WORKER] }) { id } }',
      { token: first },
    );
    const approvalId = proposed.errors?.[0]?.extensions?.approvalId;
    const approved = await api.graphql('mutation ($id: ID!) { approveChange(approvalId: $id) { status } }', {
      token: second,
      variables: { id: approvalId },
    });

    // Assess
    expect(onboarded.data?.onboardOrganisation.secondAdmin).toMatchObject({
      handle: 'second.admin',
      roles: ['ORG_ADMIN'],
    });
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(codes(approved)).toBeUndefined();
    expect(await api.services.directory.staffByHandle(tenantScope(orgId), 'jo.worker')).toMatchObject({
      roles: ['SUPPORT_WORKER'],
    });
  });

  it('leaves no key of the first admin behind when the second admin’s key cannot be written', async () => {
    // Prepare: an API whose DynamoDB client fails the second staff subject key it is asked to write
    const subjectKeys: string[] = [];
    const failing = failingDynamoClient(api, (call) => {
      const pk = (call.input as { Item?: { pk?: { S?: string } } }).Item?.pk?.S ?? '';
      if (call.commandName !== 'PutItemCommand' || !/#SUBJECT#stf_/.test(pk)) return false;
      subjectKeys.push(pk);
      return subjectKeys.length === 2;
    });
    const slug = uniqueSlug();

    // Act
    const failed = await testApi({ dynamo: failing.client }).graphql(ONBOARD, {
      token: await api.operatorToken(),
      variables: {
        input: onboardInput(slug, { secondAdminHandle: 'second.admin', secondAdminDisplayName: 'B' }),
      },
    });

    // Assess: a fault, no organisation, and the first admin's key (written before the fault) erased
    expect(failing.failures()).toBe(1);
    expect(codes(failed)).toEqual(['INTERNAL']);
    expect(await api.services.directory.organisationIdBySlug(slug)).toBeUndefined();
    const [firstKey] = subjectKeys;
    const { Item } = await api.services.dynamo.send(
      new GetItemCommand({
        TableName: api.services.config.tables.keys,
        Key: { pk: { S: firstKey ?? '' }, sk: { S: 'KEY' } },
        ConsistentRead: true,
      }),
    );
    expect(firstKey).toBeDefined();
    expect(Item).toBeUndefined();
  });

  it('refuses a second admin without a display name, or with the first’s handle, and creates nothing', async () => {
    const token = await api.operatorToken();
    const onboard = (slug: string, second: Record<string, string>) =>
      api.graphql(ONBOARD, { token, variables: { input: onboardInput(slug, second) } });
    const [halfSlug, sameSlug] = [uniqueSlug(), uniqueSlug()];

    const half = await onboard(halfSlug, { secondAdminHandle: 'second.admin' });
    const same = await onboard(sameSlug, {
      secondAdminHandle: 'first.admin',
      secondAdminDisplayName: 'B',
    });

    expect(codes(half)).toEqual(['BAD_USER_INPUT']);
    expect(half.errors?.[0]?.extensions?.field).toEqual(['input', 'secondAdminDisplayName']);
    expect(codes(same)).toEqual(['BAD_USER_INPUT']);
    expect(same.errors?.[0]?.extensions?.field).toEqual(['input', 'secondAdmin', 'handle']);
    expect(await api.services.directory.organisationIdBySlug(halfSlug)).toBeUndefined();
    expect(await api.services.directory.organisationIdBySlug(sameSlug)).toBeUndefined();
  });

  it('makes both founding admins sign-in users, and on a refused second address disables the first and creates nothing', async () => {
    // Prepare: a user pool that refuses one address, as Cognito refuses one already taken
    const created: string[] = [];
    const disabled: string[] = [];
    const pool: SignInAccounts = {
      async create(_orgId, staffId, email, field) {
        if (email === 'taken@charity.example') throw badInput(field, 'That email address is already used.');
        created.push(staffId);
        return { subject: `sub-${staffId}`, username: `user-${staffId}` };
      },
      async disable(username) {
        disabled.push(username);
        return true;
      },
      async enable() {
        throw new Error('Onboarding enables no user.');
      },
    };
    const input = (slug: string, secondEmail: string) => ({
      name: 'Two admins',
      slug,
      preset: 'STRICT' as const,
      firstAdmin: { handle: 'first.admin', displayName: 'First Admin', email: 'first@charity.example' },
      secondAdmin: { handle: 'second.admin', displayName: 'Second Admin', email: secondEmail },
    });
    const [refusedSlug, slug] = [uniqueSlug(), uniqueSlug()];

    // Act
    const refused = await onboardOrganisation(
      api.services,
      input(refusedSlug, 'taken@charity.example'),
      pool,
    ).catch((error: { code?: string; field?: string[] }) => error);
    const [firstRefused] = created.splice(0);
    const onboarded = await onboardOrganisation(api.services, input(slug, 'second@charity.example'), pool);

    // Assess
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'secondAdmin', 'email'] });
    expect(disabled).toEqual([`user-${firstRefused}`]);
    expect(await api.services.directory.organisationIdBySlug(refusedSlug)).toBeUndefined();
    expect(created).toEqual([onboarded.firstAdmin.staffId, onboarded.secondAdmin?.staffId]);
    expect(onboarded.firstAdmin.externalSubject).toBe(`sub-${onboarded.firstAdmin.staffId}`);
    expect(onboarded.secondAdmin).toMatchObject({
      externalSubject: `sub-${onboarded.secondAdmin?.staffId}`,
      roles: ['ORG_ADMIN'],
    });
  });

  it('is for platform operators only', async () => {
    const org = await onboardTestOrganisation(api);
    const result = await api.graphql(
      `mutation { onboardOrganisation(input: { name: "X", slug: "${uniqueSlug()}", preset: STRICT, firstAdminHandle: "a", firstAdminDisplayName: "A" }) { organisation { id } } }`,
      { token: org.adminToken },
    );
    expect(codes(result)).toEqual(['FORBIDDEN']);
  });
});

describe('a platform operator', () => {
  const api = testApi();

  it('reads no tenant data: every tenant field is refused', async () => {
    await onboardTestOrganisation(api);
    const token = await api.operatorToken();

    const me = await api.graphql<{ me: { kind: string; organisation: null } }>(
      '{ me { kind organisation { name } staffMember { displayName } } }',
      { token },
    );
    const organisation = await api.graphql('{ organisation { name } }', { token });
    const staff = await api.graphql('{ staffMembers { edges { node { displayName } } } }', { token });

    expect(me.data?.me).toEqual({ kind: 'OPERATOR', organisation: null, staffMember: null });
    expect(codes(organisation)).toEqual(['FORBIDDEN']);
    expect(codes(staff)).toEqual(['FORBIDDEN']);
  });

  it('lists organisations without any personal data', async () => {
    const org = await onboardTestOrganisation(api);
    const result = await api.graphql<{ organisations: { slug: string }[] }>(
      '{ organisations { slug status } }',
      {
        token: await api.operatorToken(),
      },
    );
    expect(result.data?.organisations.map((o) => o.slug)).toContain(org.slug);
    expect(result.text).not.toContain('Ada Admin');
  });
});

describe('offboarding an organisation', () => {
  const api = testApi();
  // Two operators: one asks, a second runs it (issue 14).
  const offboard = (organisationId: string, pendingWindowInDays?: number) =>
    offboardWithTwoOperators(api, organisationId, pendingWindowInDays);

  it('refuses every token of the organisation at once and schedules deletion of its key', async () => {
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    expect((await api.graphql('{ me { kind } }', { token: worker.token })).errors).toBeUndefined();

    const result = await offboard(org.orgId, 7);

    expect(result.data?.offboardOrganisation.status).toBe('OFFBOARDED');
    const days =
      (Date.parse(result.data?.offboardOrganisation.keyDeletionDate ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    for (const token of [org.adminToken, worker.token]) {
      expect(codes(await api.graphql('{ me { kind } }', { token }))).toEqual(['UNAUTHENTICATED']);
    }
    const organisation = await api.services.directory.organisation(org.orgId);
    const key = await api.services.kms.send(new DescribeKeyCommand({ KeyId: organisation?.kmsKeyArn }));
    expect(key.KeyMetadata?.KeyState).toBe('PendingDeletion');
  });

  it('refuses the organisation’s tokens when a fault follows its key’s scheduled deletion, and completes once the key is back', async () => {
    // Prepare: an organisation with a worker, and an API whose DynamoDB client fails the write that records the key's
    // deletion date (after its deletion is scheduled).
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const failing = failingDynamoClient(api, (call) =>
      JSON.stringify(call.input).includes('keyDeletionDate'),
    );
    const failed = await offboardWithTwoOperators(testApi({ dynamo: failing.client }), org.orgId, 7);
    expect(failing.failures()).toBe(1);
    expect(codes(failed)).toEqual(['INTERNAL']);

    // Assess the fault: the key is going, and the organisation is offboarded, its tokens refused.
    const stored = await api.services.directory.storedOrganisation(org.orgId);
    expect(stored).toMatchObject({ status: 'OFFBOARDED', keyDeletionDate: undefined });
    const { kms } = api.services;
    const going = await kms.send(new DescribeKeyCommand({ KeyId: stored?.kmsKeyArn }));
    expect(going.KeyMetadata?.KeyState).toBe('PendingDeletion');
    for (const token of [org.adminToken, worker.token]) {
      expect(codes(await api.graphql('{ me { kind } }', { token }))).toEqual(['UNAUTHENTICATED']);
    }

    // Act: as the operations guide says, the deletion is cancelled and the key enabled, and the second operator runs
    // the pending offboarding again, through a process that never held the key (a Lambda started since).
    await kms.send(new CancelKeyDeletionCommand({ KeyId: stored?.kmsKeyArn }));
    await kms.send(new EnableKeyCommand({ KeyId: stored?.kmsKeyArn }));
    const fresh = testApi();
    await expectOffboardingCompletedBy(fresh, org.orgId);

    // Assess: a further run is refused.
    expect(codes(await offboardWithTwoOperators(fresh, org.orgId, 7, { exported: false }))).toEqual([
      'CONFLICT',
    ]);
  });

  it('refuses the organisation’s tokens before its key’s deletion is scheduled, and a retry completes a failed scheduling', async () => {
    // Prepare: an organisation with a worker, and an API whose KMS client fails to schedule the key's deletion.
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const stack = api.stack;
    const kms = new KMSClient({
      region: stack.region,
      endpoint: stack.kmsEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    let refused = 0;
    kms.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ScheduleKeyDeletionCommand') {
          refused++;
          throw new Error('Injected failure: KMS unavailable');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failScheduling' },
    );
    const failed = await offboardWithTwoOperators(testApi({ kms }), org.orgId, 7);
    expect(refused).toBe(1);
    expect(codes(failed)).toEqual(['INTERNAL']);

    // Assess the fault: the key is still in use, but the organisation is offboarded and its tokens refused.
    const stored = await api.services.directory.storedOrganisation(org.orgId);
    expect(stored?.status).toBe('OFFBOARDED');
    expect(stored?.keyDeletionDate).toBeUndefined();
    const key = await api.services.kms.send(new DescribeKeyCommand({ KeyId: stored?.kmsKeyArn }));
    expect(key.KeyMetadata?.KeyState).toBe('Enabled');
    for (const token of [org.adminToken, worker.token]) {
      expect(codes(await api.graphql('{ me { kind } }', { token }))).toEqual(['UNAUTHENTICATED']);
    }

    // Act and assess: the second operator runs the pending offboarding again, with nothing failing.
    await expectOffboardingCompletedBy(testApi(), org.orgId);
  });

  it('leaves nothing of the organisation decryptable once its key is pending deletion', async () => {
    const org = await onboardTestOrganisation(api);
    await offboard(org.orgId);
    const { dynamo, config, kms } = api.services;
    const branch = await dynamo.send(
      new GetItemCommand({
        TableName: config.tables.keys,
        Key: { pk: { S: `ORG#${org.orgId}#BRANCH` }, sk: { S: 'V#00000001' } },
      }),
    );

    await expect(
      kms.send(
        new DecryptCommand({
          CiphertextBlob: branch.Item?.wrapped?.B,
          EncryptionContext: { orgId: org.orgId },
        }),
      ),
    ).rejects.toMatchObject({ name: 'KMSInvalidStateException' });
    // A fresh process (empty key caches) cannot read the organisation's staff either.
    const fresh = testApi();
    await expect(
      fresh.services.directory
        .staff((await import('@confide/store')).tenantScope(org.orgId), org.adminStaffId)
        .then((staff) => staff?.displayName()),
    ).rejects.toThrow();
  });

  it('validates the deletion window (7–30 days) and changes nothing on bad input', async () => {
    const org = await onboardTestOrganisation(api);
    expect(codes(await offboard(org.orgId, 6))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await offboard(org.orgId, 31))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await offboard('org_aaaaaaaaaaaaaaaaaaaaaaaaaa'))).toEqual(['NOT_FOUND']);
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('ACTIVE');
    expect(codes(await api.graphql('{ me { kind } }', { token: org.adminToken }))).toBeUndefined();
  });
});

/**
 * Runs an unfinished offboarding again as its second operator would, through `api` (a process that never held the
 * key, as a Lambda started since), and checks it completed: the key pending deletion, its date recorded.
 */
async function expectOffboardingCompletedBy(api: TestApi, orgId: string): Promise<void> {
  const retried = await api.graphql<{ offboardOrganisation: { status: string; keyDeletionDate: string } }>(
    'mutation ($input: OffboardOrganisationInput!) { offboardOrganisation(input: $input) { status keyDeletionDate } }',
    { token: await api.secondOperatorToken(), variables: { input: { organisationId: orgId } } },
  );
  expect(retried.errors).toBeUndefined();
  const stored = await api.services.directory.storedOrganisation(orgId as OrgId);
  const key = await api.services.kms.send(new DescribeKeyCommand({ KeyId: stored?.kmsKeyArn }));
  expect(key.KeyMetadata?.KeyState).toBe('PendingDeletion');
  expect(retried.data?.offboardOrganisation).toEqual({
    status: 'OFFBOARDED',
    keyDeletionDate: key.KeyMetadata?.DeletionDate?.toISOString(),
  });
}
