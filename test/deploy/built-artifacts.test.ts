import {
  type AttributeValue,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import {
  deleteOffboardedSignIns,
  inviteStaff,
  type SignInAccounts,
  signAssertion,
} from '@confide/api/provisioning';
import { newId, type OrgId } from '@confide/domain';
import { localStackEnv, mintToken, startLocalKms, type TokenClaims } from '@confide/local';
import { clientBeaconPartitions, tenantScope } from '@confide/store';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KmsGate,
  type LambdaEndpoint,
  startCognitoEndpoint,
  startKmsGate,
  startLambdaEndpoint,
  startSsmEndpoint,
} from '../support/aws-stand-ins';
import { ADA, allocate, recordNote, registerServiceUser, staffWithRoles } from '../support/care-fixtures';
import {
  addStaff,
  globalIdOf,
  OPERATOR_ONLY_QUERY,
  onboardTestOrganisation,
  uniqueSlug,
} from '../support/fixtures';
import { exportWaived, offboardWithTwoOperators } from '../support/platform-fixtures';
import { localIdOf, serviceWorld } from '../support/records-fixtures';
import { createOwnTables, ownTables, testApi } from '../support/test-api';
import { type BuiltLambdas, buildLambdas, graphqlAnswer, graphqlEvent, runBundle } from './built-lambdas';

/**
 * Each Lambda as CDK ships it: bundled with the CDK bundling options (infra/lib/lambda-bundling.ts, which
 * infra/test/api-bundle.test.ts checks against CDK's own output byte for byte), loaded by plain `node` in a fresh
 * process outside the repository, and invoked against the local stack through the real AWS SDK clients. A bundling
 * fault (a missing dependency, a dynamic require, a module that fails at import) fails here, before deployment.
 */

const PROVISIONER = 'confide-test-provisioner';
/** Cognito app client ids of the deployed-mode api (`CONFIDE_JWT_CLIENT_IDS`). */
const APP_CLIENT = 'partnerappclient0000000001';
const AGENCY_CLIENT = 'partneragencyclient0000001';
/** What IAM refuses the api role: it may use organisation keys, never create, alias, re-police or delete them. */
const API_ROLE_DENIED = [
  'CreateKey',
  'CreateAlias',
  'EnableKeyRotation',
  'PutKeyPolicy',
  'ScheduleKeyDeletion',
];
const FIRST_ADMIN_NAME = 'Grace Firstadmin';
const NOTE_BODY = 'Walked to the library together.';

describe('the built Lambda bundles, each in a fresh Node process against the local stack', () => {
  // In-process, for fixtures and for reading what the bundles wrote (real SDK clients, local stack).
  const api = testApi();
  const { stack } = api;
  // In-process too, configured as deployed for tokens: Cognito access tokens of these app clients only.
  const cognitoConfigured = testApi({
    env: { CONFIDE_JWT_CLIENT_IDS: 'partnerappclient0000000001', CONFIDE_JWT_AUDIENCE: '' },
  });
  let built: BuiltLambdas;
  let kmsGate: KmsGate;
  let lambda: LambdaEndpoint;
  /** What the provisioner run behind the Invoke stand-in gets on top of {@link provisionerEnv}, and its logs. */
  let invokedProvisionerEnv: Record<string, string> = {};
  const invokedProvisionerOutput: string[] = [];

  const provisionerEnv = (overrides: Record<string, string> = {}) => ({
    ...localStackEnv(stack),
    AWS_LAMBDA_FUNCTION_NAME: PROVISIONER,
    POWERTOOLS_SERVICE_NAME: 'confide-provisioner',
    ...overrides,
  });
  /** Runs the provisioner bundle on `events` against a Cognito stand-in's user pool, then stops the stand-in. */
  const runProvisionerWithPool = async (
    cognito: { endpoint: string; stop(): Promise<void> },
    events: readonly unknown[],
  ) => {
    try {
      return await runBundle(
        built.bundles.provisioner,
        events,
        provisionerEnv({
          CONFIDE_USER_POOL_ID: 'eu-west-2_AbCdEf123',
          CONFIDE_COGNITO_ENDPOINT: cognito.endpoint,
        }),
      );
    } finally {
      await cognito.stop();
    }
  };
  /** The api's event for the operator-only query, signed in as `sub` of the pool's operators group. */
  const asPoolOperator = async (sub: string) =>
    graphqlEvent(OPERATOR_ONLY_QUERY, {
      token: await cognitoToken({ sub, 'cognito:groups': ['confide-operators'] }),
    });
  /** The api as deployed: Cognito access tokens only, KMS key management refused, the provisioner by Invoke. */
  const deployedApiEnv = () => {
    const { CONFIDE_JWT_AUDIENCE: _audience, ...env } = localStackEnv(stack);
    return {
      ...env,
      AWS_LAMBDA_FUNCTION_NAME: 'confide-test-api',
      CONFIDE_JWT_CLIENT_IDS: `${APP_CLIENT},${AGENCY_CLIENT}`,
      CONFIDE_KMS_ENDPOINT: kmsGate.endpoint,
      CONFIDE_PROVISIONER_FUNCTION: PROVISIONER,
      CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint,
    };
  };
  /** A token shaped like a Cognito access token: `client_id`, `token_use`, no `aud`. */
  const cognitoToken = (claims: TokenClaims, clientId = APP_CLIENT) =>
    mintToken(
      stack.dataDir,
      { issuer: stack.issuer },
      { client_id: clientId, username: claims.sub, ...claims },
    );
  const operatorClaims = { sub: 'operator-artifact', 'cognito:groups': ['confide-operators'] };
  /**
   * A new organisation whose admin signs in with a Cognito-shaped token, and a Cognito stand-in (checking SigV4) as the
   * pool of the provisioner behind the Invoke stand-in, until the test resets `invokedProvisionerEnv`.
   */
  const adminBesidePool = async () => {
    const org = await onboardTestOrganisation(api);
    const scope = tenantScope(org.orgId);
    const adminSubject = (await api.services.directory.staff(scope, org.adminStaffId))?.externalSubject ?? '';
    const adminToken = await cognitoToken({ sub: adminSubject, org_id: org.orgId });
    const cognito = await startCognitoEndpoint();
    invokedProvisionerEnv = {
      CONFIDE_USER_POOL_ID: 'eu-west-2_AbCdEf123',
      CONFIDE_COGNITO_ENDPOINT: cognito.endpoint,
    };
    return { org, scope, adminToken, cognito };
  };

  beforeAll(async () => {
    built = await buildLambdas();
    kmsGate = await startKmsGate({ target: stack.kmsEndpoint, deny: API_ROLE_DENIED });
    // Lambda's Invoke API, running the provisioner bundle in a fresh process of its own per invocation.
    lambda = await startLambdaEndpoint({
      invoke: async (functionName, payload) => {
        if (functionName !== PROVISIONER) throw new Error(`No function ${functionName}`);
        const run = await runBundle(
          built.bundles.provisioner,
          [JSON.parse(payload)],
          provisionerEnv(invokedProvisionerEnv),
        );
        invokedProvisionerOutput.push(run.output);
        const [result] = run.results;
        if (result?.ok) return { payload: JSON.stringify(result.value) };
        return { payload: JSON.stringify(result), functionError: 'Unhandled' };
      },
    });
  });

  afterAll(async () => {
    await Promise.all([kmsGate?.stop(), lambda?.stop()]);
    built?.remove();
  });

  it('provisioner: onboards an organisation against local KMS and DynamoDB, and refuses bad events creating nothing', async () => {
    // Prepare: a valid event, malformed ones, and the valid one again (its slug is then taken). KMS calls go
    // through a recording gate that refuses nothing.
    const recorder = await startKmsGate({ target: stack.kmsEndpoint, deny: [] });
    const input = {
      name: 'Artifact charity',
      slug: uniqueSlug('artifact'),
      preset: 'GROUP_WIDE',
      dataProcessingAgreement: 'DPA-2026-017',
      firstAdmin: { handle: 'first.admin', displayName: FIRST_ADMIN_NAME },
    };
    const badSlugs = [uniqueSlug('bad'), uniqueSlug('bad'), uniqueSlug('bad')];
    const events = [
      { action: 'onboard', input },
      'onboard',
      { action: 'onbaord', input: { ...input, slug: badSlugs[0] } },
      { action: 'onboard', input: { ...input, slug: badSlugs[1], preset: 'LAX' } },
      { action: 'onboard', input: { ...input, slug: badSlugs[2], firstAdmin: { handle: 'x' } } },
      { action: 'onboard', input: { ...input, slug: 'Not A Slug!' } },
      { action: 'onboard', input: { ...input, firstadmin: input.firstAdmin } },
      { action: 'onboard', input },
      { action: 'offboard', input: { organisationId: 'org_nonesuch' } },
    ];

    // Act
    let run: Awaited<ReturnType<typeof runBundle>>;
    try {
      run = await runBundle(
        built.bundles.provisioner,
        events,
        provisionerEnv({ CONFIDE_KMS_ENDPOINT: recorder.endpoint }),
      );
    } finally {
      await recorder.stop();
    }

    // Assess: the answers.
    const values = run.results.map((result) => (result.ok ? result.value : result));
    const [created, ...refused] = values as [
      { ok: true; organisationId: OrgId; firstAdminStaffId: string; keyAlias: string },
      ...{ ok: false; error: { code: string; field?: string[] } }[],
    ];
    expect(created).toMatchObject({
      ok: true,
      action: 'onboard',
      keyAlias: `alias/confide/test/${created.organisationId}`,
    });
    expect(refused.map((answer) => [answer.error?.code, answer.error?.field?.join('.') ?? ''])).toEqual([
      ['BAD_USER_INPUT', ''],
      ['BAD_USER_INPUT', 'action'],
      ['BAD_USER_INPUT', 'input.preset'],
      ['BAD_USER_INPUT', 'input.firstAdmin.displayName'],
      ['BAD_USER_INPUT', 'input.slug'],
      ['BAD_USER_INPUT', 'input.firstadmin'],
      ['CONFLICT', 'input.slug'],
      ['BAD_USER_INPUT', 'input.organisationId'],
    ]);
    // Nothing was created for a refused event: one key, and no organisation under the refused slugs.
    expect(recorder.operations.filter((operation) => operation === 'CreateKey')).toHaveLength(1);
    for (const slug of badSlugs)
      expect(await api.services.directory.organisationIdBySlug(slug)).toBeUndefined();

    // The organisation, as written: item, KMS key (tag, context-bound policy, rotation, alias), branch key, admin.
    const orgId = created.organisationId;
    const organisation = await api.services.directory.organisation(orgId);
    expect(organisation).toMatchObject({ slug: input.slug, preset: 'GROUP_WIDE', status: 'ACTIVE' });
    const { kms, dynamo } = api.services;
    const key = await kms.send(new DescribeKeyCommand({ KeyId: created.keyAlias }));
    expect(key.KeyMetadata).toMatchObject({ Arn: organisation?.kmsKeyArn, KeyState: 'Enabled' });
    const keyId = key.KeyMetadata?.KeyId;
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    expect(tags.Tags).toEqual([{ TagKey: 'confide:organisation', TagValue: orgId }]);
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled).toBe(true);
    const policy = JSON.parse(
      (await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy ?? '{}',
    ) as { Statement: { Sid: string; Condition?: unknown }[] };
    expect(
      policy.Statement.find((s) => s.Sid === 'TenantAccessUsesKeyOnlyForThisOrganisation')?.Condition,
    ).toEqual({
      StringEquals: { 'kms:EncryptionContext:orgId': orgId },
    });
    const branch = await dynamo.send(
      new QueryCommand({
        TableName: stack.tables.keys,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `ORG#${orgId}#BRANCH` } },
      }),
    );
    expect(branch.Items?.map((item) => item.sk?.S)).toEqual(['V#00000001']);
    const admin = await api.services.directory.staff(tenantScope(orgId), created.firstAdminStaffId);
    expect(admin).toMatchObject({ handle: 'first.admin', roles: ['ORG_ADMIN'], status: 'ACTIVE' });
    expect(await admin?.displayName()).toBe(FIRST_ADMIN_NAME);

    // Its logs: ids and codes, never the person's name.
    expect(run.output).toContain('organisation provisioned');
    expect(run.output).toContain(orgId);
    expect(run.output).not.toContain(FIRST_ADMIN_NAME);
  });

  it('provisioner with a user pool: creates the first admin’s Cognito user, links its sub, disables it at offboarding', async () => {
    // Prepare: the provisioner configured with a user pool (a stand-in of Cognito's API that checks SigV4).
    const cognito = await startCognitoEndpoint();
    const email = 'grace.firstadmin@charity.example';
    const input = {
      name: 'Pooled charity',
      slug: uniqueSlug('pooled'),
      preset: 'STRICT',
      firstAdmin: { handle: 'first.admin', displayName: FIRST_ADMIN_NAME, email },
    };
    const noEmailSlug = uniqueSlug('noemail');
    const events = [
      {
        action: 'onboard',
        input: { ...input, slug: noEmailSlug, firstAdmin: { handle: 'a', displayName: 'B' } },
      },
      { action: 'onboard', input },
      { action: 'onboard', input: { ...input, slug: uniqueSlug('again') } },
    ];

    // Act: onboard without an address (refused), with one, and with the same address again (refused).
    const run = await runProvisionerWithPool(cognito, events);

    // Assess: one user created, by email, in the organisation, and its sub is the admin's subject.
    const [noEmail, created, taken] = run.results.map((result) => (result.ok ? result.value : result)) as [
      { ok: false; error: { code: string; field?: string[] } },
      { ok: true; organisationId: OrgId; firstAdminStaffId: string },
      { ok: false; error: { code: string; field?: string[] } },
    ];
    expect(noEmail.error).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'firstAdmin', 'email'] });
    expect(await api.services.directory.organisationIdBySlug(noEmailSlug)).toBeUndefined();
    expect(created).toMatchObject({ ok: true, action: 'onboard' });
    expect(taken.error).toMatchObject({ code: 'CONFLICT', field: ['input', 'firstAdmin', 'email'] });
    const creates = cognito.calls.filter((call) => call.operation === 'AdminCreateUser');
    expect(creates).toHaveLength(2);
    expect(creates[0]).toEqual({
      operation: 'AdminCreateUser',
      userPoolId: 'eu-west-2_AbCdEf123',
      username: email,
      attributes: {
        email,
        email_verified: 'true',
        'custom:org_id': created.organisationId,
        'custom:staff_id': created.firstAdminStaffId,
      },
      signatureValid: true,
    });
    const [user] = cognito.users.values();
    const orgId = created.organisationId;
    const admin = await api.services.directory.staff(tenantScope(orgId), created.firstAdminStaffId);
    expect(admin?.externalSubject).toBe(user?.sub);
    // The refused retry created no key and left no user behind to disable.
    expect(cognito.calls.filter((call) => call.operation === 'AdminDisableUser')).toEqual([]);
    // Logs: ids and codes; never the address or the name.
    expect(run.output).toContain('organisation provisioned');
    expect(run.output).not.toContain(email);
    expect(run.output).not.toContain(FIRST_ADMIN_NAME);

    // Act: the admin signs in: a Cognito access token with that sub (and username: in a pool that signs in by
    // email they are the same UUID) and the org_id the pre-token trigger adds.
    const me = '{ me { kind staffMember { handle } } }';
    const token = await mintToken(
      stack.dataDir,
      { issuer: stack.issuer },
      { client_id: APP_CLIENT, sub: user?.sub ?? '', username: user?.sub ?? '', org_id: orgId },
    );
    const generated = await mintToken(
      stack.dataDir,
      { issuer: stack.issuer },
      { client_id: APP_CLIENT, sub: 'subject_not-a-pool-user', org_id: orgId },
    );
    const signedIn = await cognitoConfigured.graphql(me, { token });
    const stranger = await cognitoConfigured.graphql(me, { token: generated });

    // Assess
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data).toEqual({ me: { kind: 'STAFF', staffMember: { handle: 'first.admin' } } });
    expect(stranger.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);

    // Act: offboarding through the provisioner disables the organisation's users.
    const restarted = await startCognitoEndpoint();
    for (const [name, value] of cognito.users) restarted.users.set(name, value);
    const offboarding = await runProvisionerWithPool(
      restarted,
      // Offboarding takes two operators' assertion from the api (issue 14): signed here as the api signs it.
      [await signedOffboard(orgId)],
    );

    // Assess
    expect(offboarding.results[0], offboarding.output.slice(-2000)).toMatchObject({
      ok: true,
      value: { ok: true, action: 'offboard', usersDisabled: 1, usersNotDisabled: 0 },
    });
    expect(restarted.calls).toEqual([
      {
        operation: 'AdminDisableUser',
        userPoolId: 'eu-west-2_AbCdEf123',
        username: user?.sub,
        attributes: {},
        signatureValid: true,
      },
    ]);
    expect(restarted.users.get(user?.sub ?? '')?.enabled).toBe(false);
  });

  it('provisioner with a user pool: deletes offboarded organisations’ users once KMS has deleted their keys, only their own (decision 0132)', async () => {
    // Prepare: a KMS of the test's own, whose clock the test moves past the keys' deletion, and tables of its own, so
    // that the sweep meets these organisations alone; an in-process api on both, and a pool stand-in.
    let now = Date.now();
    const kms = await startLocalKms({ now: () => new Date(now) });
    const keyed = testApi({ tables: ownTables(), env: { CONFIDE_KMS_ENDPOINT: kms.endpoint } });
    const removeTables = await createOwnTables(keyed, { dataStream: false });
    const cognito = await startCognitoEndpoint();
    const env = provisionerEnv({
      CONFIDE_USER_POOL_ID: 'eu-west-2_AbCdEf123',
      CONFIDE_COGNITO_ENDPOINT: cognito.endpoint,
      CONFIDE_KMS_ENDPOINT: kms.endpoint,
      CONFIDE_DATA_TABLE: keyed.stack.tables.data,
      CONFIDE_KEY_TABLE: keyed.stack.tables.keys,
    });
    const sweepRun = () => runBundle(built.bundles.provisioner, [{ action: 'deleteOffboardedSignIns' }], env);
    const sweep = async () => {
      const run = await sweepRun();
      const [result] = run.results;
      expect(result, run.output.slice(-2000)).toMatchObject({ ok: true });
      return {
        answer: (result?.ok ? result.value : undefined) as Record<string, unknown>,
        output: run.output,
      };
    };
    const marks = async () =>
      new Map(
        (await keyed.services.directory.listOrganisations()).map((o) => [o.orgId, o.signInUsersDeletedAt]),
      );
    try {
      const admin = (handle: string) => ({
        handle,
        displayName: FIRST_ADMIN_NAME,
        email: `${handle}@charity.example`,
      });
      const onboard = (name: string, admins: Record<string, unknown>) => ({
        action: 'onboard',
        input: { name, slug: uniqueSlug('leaving'), preset: 'STRICT', ...admins },
      });
      const onboarded = await runBundle(
        built.bundles.provisioner,
        [
          onboard('Leaving charity', { firstAdmin: admin('a.first'), secondAdmin: admin('a.second') }),
          onboard('Other leaving charity', { firstAdmin: admin('b.first') }),
        ],
        env,
      );
      const [a, b] = onboarded.results.map(
        (result) =>
          (result.ok ? result.value : undefined) as {
            organisationId: OrgId;
            firstAdminStaffId: string;
            secondAdminStaffId: string;
          },
      ) as [
        { organisationId: OrgId; firstAdminStaffId: string; secondAdminStaffId: string },
        { organisationId: OrgId; firstAdminStaffId: string },
      ];
      const scope = tenantScope(a.organisationId);
      const aFirst =
        (await keyed.services.directory.staff(scope, a.firstAdminStaffId))?.externalSubject ?? '';
      const bFirst =
        (await keyed.services.directory.staff(tenantScope(b.organisationId), b.firstAdminStaffId))
          ?.externalSubject ?? '';
      const secondKey = { pk: { S: scope.key('STAFF', a.secondAdminStaffId) }, sk: { S: 'PROFILE' } };
      // A user of another organisation, its sub planted on the second admin's account by a raw write.
      const stranger = cognito.addUser('someone@elsewhere.example', [], { 'custom:org_id': 'org_elsewhere' });
      await keyed.services.dynamo.send(
        new UpdateItemCommand({
          TableName: keyed.stack.tables.data,
          Key: secondKey,
          UpdateExpression: 'SET externalSubject = :sub',
          ExpressionAttributeValues: { ':sub': { S: stranger.sub } },
        }),
      );
      // And a text that is no Cognito sub on a third account (a copy of the second), also by a raw write.
      const second = await keyed.services.dynamo.send(
        new GetItemCommand({ TableName: keyed.stack.tables.data, Key: secondKey }),
      );
      await keyed.services.dynamo.send(
        new PutItemCommand({
          TableName: keyed.stack.tables.data,
          Item: {
            ...second.Item,
            pk: { S: scope.key('STAFF', 'stf_planted') },
            externalSubject: { S: 'not a sub' },
          },
        }),
      );
      // A partner agency of the first organisation with its own app client in the pool (decision 0022).
      const partner = await keyed.services.partners.register(scope, {
        name: 'County Council',
        clientId: newId('subject'),
      });
      const partnerInput = { organisationId: a.organisationId, partnerId: partner.partnerId };
      const partnerAssertion = await signAssertion(keyed.services, {
        organisationId: a.organisationId,
        action: 'registerPartnerClient',
        target: partner.partnerId,
        input: partnerInput,
        actor: { kind: 'STAFF', id: a.firstAdminStaffId },
      });
      const registered = await runBundle(
        built.bundles.provisioner,
        [{ action: 'registerPartnerClient', input: partnerInput, assertion: partnerAssertion }],
        env,
      );
      expect(registered.results[0], registered.output.slice(-2000)).toMatchObject({
        ok: true,
        value: { ok: true },
      });
      const [partnerClient = ''] = cognito.appClients.keys();
      // And a partner planted on the first organisation naming an app client bound to another organisation.
      const foreignClient = 'foreignclient000000000000a';
      await keyed.services.partners.register(scope, { name: 'Planted agency', clientId: foreignClient });
      await keyed.services.dynamo.send(
        new PutItemCommand({
          TableName: keyed.stack.tables.data,
          Item: {
            pk: { S: `PLATFORM#CLIENT#${foreignClient}` },
            sk: { S: 'CLIENT' },
            orgId: { S: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa' },
            partnerId: { S: 'ptn_elsewhere' },
          },
        }),
      );
      for (const { organisationId } of [a, b]) {
        expect((await offboardWithTwoOperators(keyed, organisationId, 7)).errors).toBeUndefined();
      }
      // The second organisation's admin's account expires during the key's pending window: TTL removes it.
      await keyed.services.dynamo.send(
        new DeleteItemCommand({
          TableName: keyed.stack.tables.data,
          Key: {
            pk: { S: tenantScope(b.organisationId).key('STAFF', b.firstAdminStaffId) },
            sk: { S: 'PROFILE' },
          },
        }),
      );

      // Act: a sweep while the keys are pending deletion; after their deletion, one while the pool fails for the first
      // organisation's admin, one out of time, one after, and one more.
      const pending = await sweep();
      const callsBefore = cognito.calls.length;
      now += 8 * 24 * 60 * 60 * 1000;
      const endOutage = cognito.outage('AdminGetUser', aFirst);
      const failed = await sweepRun();
      endOutage();
      const marksAfterFailure = await marks();
      const users = { aFirst: cognito.users.has(aFirst), bFirst: cognito.users.has(bFirst) };
      const callsFailed = cognito.calls.length - callsBefore;
      // Out of time before the first user: the sweep (here in process) stops, asks the pool nothing, marks nothing.
      const asked: string[] = [];
      const outOfTime = await deleteOffboardedSignIns(
        keyed.services,
        { deleteOrganisationUser: async (subject) => (asked.push(subject), 'DELETED') },
        'test-out-of-time',
        () => 0,
      );
      const due = await sweep();
      const callsDue = cognito.calls.slice(callsBefore + callsFailed);
      const again = await sweep();
      const callsAgain = cognito.calls.length - callsBefore - callsFailed - callsDue.length;

      // Assess: nothing while the offboardings could still be cancelled.
      expect(pending.answer).toMatchObject({
        organisationsFinished: [],
        organisationsWaiting: 2,
        usersDeleted: 0,
      });
      expect(cognito.calls.slice(0, callsBefore).map((call) => call.operation)).not.toContain(
        'AdminDeleteUser',
      );
      // A pool fault for one organisation fails the invocation (Lambda runs it again) and leaves that one unmarked,
      // with its user; the other organisation is finished all the same, its admin's user deleted by the note
      // offboarding made of it, though the account is gone.
      expect(failed.results[0]).toMatchObject({
        ok: false,
        errorMessage: expect.stringContaining('1 offboarded organisation(s) could not be swept'),
      });
      expect(failed.output).toContain('some failed');
      expect(marksAfterFailure.get(a.organisationId)).toBeUndefined();
      expect(marksAfterFailure.get(b.organisationId)).toBeDefined();
      expect(users).toEqual({ aFirst: true, bFirst: false });
      expect(outOfTime).toMatchObject({ complete: false, organisationsFinished: [], usersDeleted: 0 });
      expect(asked).toEqual([]);
      // Then the first organisation's admin's user is gone and taken off their account; the other organisation's user
      // is asked about and kept, and the text that is no sub is never sent to the pool.
      expect(due.answer).toMatchObject({
        organisationsFinished: [a.organisationId],
        organisationsWaiting: 0,
        organisationsFailed: [],
        complete: true,
        usersDeleted: 1,
        usersGone: 0,
        usersRefused: 2,
        partnerClientsDeleted: 1,
        partnerClientsRefused: 1,
        // The two admins' accounts and the planted copy.
        handlesForgotten: 3,
      });
      // No account of the organisation keeps its handle in clear.
      const accounts = await keyed.services.dynamo.send(
        new QueryCommand({
          TableName: keyed.stack.tables.data,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: scope.key('STAFF') } },
        }),
      );
      expect(accounts.Items?.length).toBe(3);
      expect(accounts.Items?.filter((item) => item.handle !== undefined)).toEqual([]);
      // The partner agency's app client is gone from the pool, with its binding.
      expect(callsDue.filter((call) => call.operation === 'DeleteUserPoolClient')).toEqual([
        expect.objectContaining({ client: { ClientId: partnerClient }, signatureValid: true }),
      ]);
      expect(cognito.appClients.size).toBe(0);
      expect(await keyed.services.partners.clientBinding(partnerClient)).toBeUndefined();
      expect(await keyed.services.partners.clientBinding(foreignClient)).toBeDefined();
      expect(callsDue.filter((call) => call.operation === 'AdminDeleteUser')).toEqual([
        expect.objectContaining({ username: aFirst, signatureValid: true }),
      ]);
      expect(callsDue.map((call) => call.username)).not.toContain('not a sub');
      expect(cognito.users.has(aFirst)).toBe(false);
      expect(cognito.users.has(stranger.sub)).toBe(true);
      expect(await keyed.services.directory.staffSignInSubjects(scope)).not.toContain(aFirst);
      expect(await keyed.services.directory.signInsToDelete(scope)).toEqual([]);
      // The organisations are marked, and passed by from then on.
      expect((await marks()).get(a.organisationId)).toBeDefined();
      expect(again.answer).toMatchObject({ organisationsFinished: [], organisationsWaiting: 0 });
      expect(callsAgain).toBe(0);
      // Logs: ids and counts, never an address or a sub.
      expect(due.output).toContain('offboarded organisations swept');
      for (const output of [failed.output, due.output]) {
        expect(output).not.toContain('@charity.example');
        expect(output).not.toContain(aFirst);
        expect(output).not.toContain(stranger.sub);
      }
    } finally {
      await cognito.stop();
      await kms.stop();
      await removeTables();
    }
  });

  it('api: answers a real query with a valid token (local issuer, in-process onboarding)', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const query = '{ me { kind staffMember { handle displayName } } organisation { slug status } }';

    // Act
    const run = await runBundle(
      built.bundles.api,
      [graphqlEvent(query, { token: org.adminToken }), graphqlEvent(query)],
      { ...localStackEnv(stack), AWS_LAMBDA_FUNCTION_NAME: 'confide-test-api' },
    );

    // Assess
    const [answered, anonymous] = run.results.map((result) => graphqlAnswer(result));
    expect(answered).toEqual({
      statusCode: 200,
      data: {
        me: { kind: 'STAFF', staffMember: { handle: 'admin', displayName: 'Ada Admin' } },
        organisation: { slug: org.slug, status: 'ACTIVE' },
      },
      codes: [],
    });
    expect(anonymous?.codes).toEqual(['UNAUTHENTICATED']);
    expect(run.output).not.toContain('Ada Admin');
  });

  it('api as deployed: Cognito access tokens, onboarding and offboarding through the provisioner function', async () => {
    // Prepare
    const operator = await cognitoToken(operatorClaims);
    const slug = uniqueSlug('deployed');
    const onboard = `mutation ($input: OnboardOrganisationInput!) {
      onboardOrganisation(input: $input) { organisation { id slug status } firstAdmin { handle displayName } }
    }`;
    const variables = {
      input: {
        name: 'Deployed charity',
        slug,
        preset: 'STRICT',
        firstAdminHandle: 'lead',
        firstAdminDisplayName: FIRST_ADMIN_NAME,
      },
    };
    const idToken = await mintToken(
      stack.dataDir,
      { issuer: stack.issuer, audience: APP_CLIENT },
      { ...operatorClaims, token_use: 'id' },
    );
    const strangerClient = await cognitoToken(operatorClaims, 'some-other-app-client');
    const localStyle = await api.operatorToken();

    // Act: onboarding, then the same again (slug taken), and three tokens the deployed api must refuse.
    const first = await runBundle(
      built.bundles.api,
      [
        graphqlEvent(onboard, { token: operator, variables }),
        graphqlEvent(onboard, { token: operator, variables }),
        graphqlEvent(onboard, { token: idToken, variables }),
        graphqlEvent(onboard, { token: strangerClient, variables }),
        graphqlEvent(onboard, { token: localStyle, variables }),
      ],
      deployedApiEnv(),
    );

    // Assess: onboarded by the provisioner (the api's own KMS key management is refused, and never tried).
    const [onboarded, taken, ...refused] = first.results.map((result) =>
      graphqlAnswer<{
        onboardOrganisation: {
          organisation: { id: OrgId; slug: string; status: string };
          firstAdmin: unknown;
        };
      }>(result),
    );
    expect(onboarded?.codes).toEqual([]);
    const created = onboarded?.data?.onboardOrganisation;
    expect(created).toMatchObject({
      organisation: { slug, status: 'ACTIVE' },
      firstAdmin: { handle: 'lead', displayName: FIRST_ADMIN_NAME },
    });
    expect(taken?.codes).toEqual(['CONFLICT']);
    expect(refused.map((answer) => answer.codes)).toEqual([
      ['UNAUTHENTICATED'],
      ['UNAUTHENTICATED'],
      ['UNAUTHENTICATED'],
    ]);
    expect(lambda.invocations).toEqual([
      { functionName: PROVISIONER, invocationType: 'RequestResponse', signatureValid: true },
      { functionName: PROVISIONER, invocationType: 'RequestResponse', signatureValid: true },
    ]);
    expect(kmsGate.operations.filter((operation) => API_ROLE_DENIED.includes(operation))).toEqual([]);
    expect(first.output).not.toContain(FIRST_ADMIN_NAME);

    // Prepare: the first admin's Cognito token, its org_id claim from the pre-token trigger bundle.
    const orgId = created?.organisation.id as OrgId;
    const adminStaff = await api.services.directory.staffByHandle(tenantScope(orgId), 'lead');
    const subject = adminStaff?.externalSubject ?? '';
    const [trigger] = (
      await runBundle(
        built.bundles['pre-token'],
        [preTokenEvent({ sub: subject, email: 'lead@example.org', 'custom:org_id': orgId })],
        { AWS_LAMBDA_FUNCTION_NAME: 'confide-test-pre-token', POWERTOOLS_SERVICE_NAME: 'confide-pre-token' },
      )
    ).results;
    const added = (trigger?.ok ? trigger.value : undefined) as PreTokenAnswer | undefined;
    const adminToken = await cognitoToken({
      sub: subject,
      ...added?.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride,
    });
    const me = '{ me { kind staffMember { handle } } }';
    await exportWaived(api, orgId);
    const offboard = `mutation ($input: OffboardOrganisationInput!) {
      offboardOrganisation(input: $input) { id status keyDeletionDate }
    }`;

    // Act: the admin signs in; the operator offboards; the admin is refused at once.
    const second = await runBundle(
      built.bundles.api,
      [
        graphqlEvent(me, { token: adminToken }),
        graphqlEvent(offboard, {
          token: operator,
          variables: { input: { organisationId: orgId, pendingWindowInDays: 7 } },
        }),
        graphqlEvent(me, { token: adminToken }),
        // Offboarding takes two operators (issue 14): a second one runs what the first asked for.
        graphqlEvent(offboard, {
          token: await cognitoToken({ ...operatorClaims, sub: 'operator-artifact-2' }),
          variables: { input: { organisationId: orgId } },
        }),
        graphqlEvent(me, { token: adminToken }),
      ],
      deployedApiEnv(),
    );

    // Assess
    const [signedIn, asked, stillIn, offboarded, after] = second.results.map((result) =>
      graphqlAnswer(result),
    );
    expect(asked?.codes).toEqual(['APPROVAL_REQUIRED']);
    expect(stillIn?.codes).toEqual([]);
    expect(signedIn?.data).toEqual({ me: { kind: 'STAFF', staffMember: { handle: 'lead' } } });
    // The codes first: a fresh run at load 26 once saw no data here, and said nothing of why.
    expect(offboarded?.codes, second.output.slice(-3000)).toEqual([]);
    expect(offboarded?.data).toMatchObject({ offboardOrganisation: { id: orgId, status: 'OFFBOARDED' } });
    expect(after?.codes).toEqual(['UNAUTHENTICATED']);
    expect(lambda.invocations).toHaveLength(3);
    expect(lambda.invocations.every((invocation) => invocation.signatureValid)).toBe(true);
    const organisation = await api.services.directory.organisation(orgId);
    const key = await api.services.kms.send(new DescribeKeyCommand({ KeyId: organisation?.kmsKeyArn }));
    expect(key.KeyMetadata?.KeyState).toBe('PendingDeletion');
    expect(kmsGate.operations.filter((operation) => API_ROLE_DENIED.includes(operation))).toEqual([]);
  });

  it('api as deployed: accepts a staff token of the console’s app client, named by the stage’s parameter; no other client', async () => {
    // Prepare: a staff member, and access tokens of the console's client (made in the console stack after the api's,
    // so named by an SSM parameter: decision 0107) and of a client nobody configured.
    const org = await onboardTestOrganisation(api);
    const scope = tenantScope(org.orgId);
    const adminSubject = (await api.services.directory.staff(scope, org.adminStaffId))?.externalSubject ?? '';
    const CONSOLE_CLIENT = 'consoleclient000000000001';
    const parameterName = '/confide/test/console-client-id';
    const ssm = await startSsmEndpoint({ [parameterName]: CONSOLE_CLIENT });
    const me = '{ me { kind } }';
    const asClient = async (clientId: string) =>
      graphqlEvent(me, { token: await cognitoToken({ sub: adminSubject, org_id: org.orgId }, clientId) });
    const withParameter = {
      ...deployedApiEnv(),
      CONFIDE_JWT_CLIENT_IDS_PARAMETER: parameterName,
      CONFIDE_SSM_ENDPOINT: ssm.endpoint,
    };

    let run: Awaited<ReturnType<typeof runBundle>>;
    let unreachable: Awaited<ReturnType<typeof runBundle>>;
    try {
      // Act: the console's token twice (one read of the parameter), then another client's; then with SSM failing.
      run = await runBundle(
        built.bundles.api,
        [
          await asClient(CONSOLE_CLIENT),
          await asClient(CONSOLE_CLIENT),
          await asClient('someotherclient0000000001'),
        ],
        withParameter,
      );
      ssm.parameters.clear();
      unreachable = await runBundle(built.bundles.api, [await asClient(CONSOLE_CLIENT)], withParameter);
    } finally {
      await ssm.stop();
    }

    // Assess: admitted by the parameter, read once and signed; the unknown client refused; unread, refused.
    const [first, second, other] = run.results.map((result) => graphqlAnswer(result));
    expect(first?.codes).toEqual([]);
    expect(first?.data).toEqual({ me: { kind: 'STAFF' } });
    expect(second?.codes).toEqual([]);
    expect(other?.codes).toEqual(['UNAUTHENTICATED']);
    expect(ssm.reads.slice(0, 1)).toEqual([{ name: parameterName, signatureValid: true }]);
    expect(ssm.reads).toHaveLength(2);
    expect(graphqlAnswer(unreachable.results[0] as never)?.codes).toEqual(['UNAUTHENTICATED']);
  });

  it('provisioner: registers an operator of the user pool, whom the api as deployed then admits; nobody else', async () => {
    // Prepare: operators made as the deployment steps say (a user in the pool, added to `confide-operators`), a user
    // outside the group, and an operator already registered and then suspended.
    const cognito = await startCognitoEndpoint();
    const operator = cognito.addUser('ops.one@platform.example', ['confide-operators']);
    const outsider = cognito.addUser('not.ops@platform.example', []);
    const suspended = cognito.addUser('ops.gone@platform.example', ['confide-operators']);
    await api.services.operators.register(suspended.sub, 'a deployment');
    await api.services.operators.register('operator-2', 'a deployment');
    await api.services.operators.suspend(suspended.sub, 'operator-2', undefined);
    const register = (username: string) => ({ action: 'registerOperator', input: { username } });

    // Act: the api before the registration; the registrations; the api after.
    const before = await runBundle(built.bundles.api, [await asPoolOperator(operator.sub)], deployedApiEnv());
    const run = await runProvisionerWithPool(cognito, [
      register('ops.one@platform.example'),
      register('not.ops@platform.example'),
      register('nobody@platform.example'),
      register('ops.gone@platform.example'),
      { ...register('ops.one@platform.example'), assertion: 'forged' },
    ]);
    const after = await runBundle(
      built.bundles.api,
      [
        await asPoolOperator(operator.sub),
        await asPoolOperator(outsider.sub),
        await asPoolOperator(suspended.sub),
      ],
      deployedApiEnv(),
    );

    // Assess: refused before; registered by their sub; the others refused, writing nothing; admitted after.
    expect(graphqlAnswer(before.results[0] as never)?.codes).toEqual(['UNAUTHENTICATED']);
    const answers = run.results.map((result) => (result.ok ? result.value : result)) as {
      ok: boolean;
      operatorId?: string;
      error?: { code: string; field?: string[] };
    }[];
    expect(answers[0]).toEqual({ ok: true, action: 'registerOperator', operatorId: operator.sub });
    expect(answers[1]?.error).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'username'] });
    expect(answers[2]?.error).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'username'] });
    expect(answers[3]?.error).toMatchObject({ code: 'CONFLICT', field: ['input', 'username'] });
    expect(answers[4]?.error).toMatchObject({ code: 'BAD_USER_INPUT', field: ['assertion'] });
    expect(await api.services.operators.status(operator.sub)).toMatchObject({ status: 'ACTIVE' });
    expect(await api.services.operators.status(outsider.sub)).toBeUndefined();
    expect((await api.services.operators.status(suspended.sub))?.status).toBe('SUSPENDED');
    const [admitted, outsiderRefused, suspendedRefused] = after.results.map((result) =>
      graphqlAnswer(result),
    );
    expect(admitted?.codes).toEqual([]);
    expect(outsiderRefused?.codes).toEqual(['UNAUTHENTICATED']);
    expect(suspendedRefused?.codes).toEqual(['UNAUTHENTICATED']);
    // Recorded in the platform audit by subject; the addresses are in no log line and no record.
    const events = (await api.services.platformAudit.list({ limit: 1000 })).filter(
      (event) => event.operation === 'provisioner.registerOperator',
    );
    expect(events.filter((event) => event.subjectId === operator.sub).map((event) => event.outcome)).toEqual([
      'ALLOWED',
    ]);
    expect(run.output).toContain('operator registered');
    expect(JSON.stringify(events)).not.toContain('@platform.example');
    expect(run.output).not.toContain('@platform.example');
  });

  it('provisioner: reactivates a suspended operator of the user pool, whom the api as deployed then admits again; refuses the rest, writing nothing', async () => {
    // Prepare: an operator suspended by another (as one who suspended every other would leave them), an active one, a
    // user of the group never registered, and a suspended operator since taken out of the group.
    const cognito = await startCognitoEndpoint();
    const suspended = cognito.addUser('ops.back@platform.example', ['confide-operators']);
    const active = cognito.addUser('ops.here@platform.example', ['confide-operators']);
    const never = cognito.addUser('ops.new@platform.example', ['confide-operators']);
    const removed = cognito.addUser('ops.left@platform.example', []);
    for (const sub of [suspended.sub, active.sub, removed.sub, 'operator-3'])
      await api.services.operators.register(sub, 'a deployment');
    await api.services.operators.suspend(suspended.sub, 'operator-3', undefined);
    await api.services.operators.suspend(removed.sub, 'operator-3', undefined);
    const reactivate = (username: string) => ({ action: 'reactivateOperator', input: { username } });
    const before = await runBundle(
      built.bundles.api,
      [await asPoolOperator(suspended.sub)],
      deployedApiEnv(),
    );

    // Act
    const run = await runProvisionerWithPool(cognito, [
      reactivate('ops.back@platform.example'),
      reactivate('ops.here@platform.example'),
      reactivate('ops.new@platform.example'),
      reactivate('ops.left@platform.example'),
      reactivate('nobody@platform.example'),
      { ...reactivate('ops.back@platform.example'), assertion: 'forged' },
    ]);
    const after = await runBundle(built.bundles.api, [await asPoolOperator(suspended.sub)], deployedApiEnv());

    // Assess: refused before, admitted after; every other request refused with its code, changing nothing.
    expect(graphqlAnswer(before.results[0] as never)?.codes).toEqual(['UNAUTHENTICATED']);
    const answers = run.results.map((result) => (result.ok ? result.value : result)) as {
      ok: boolean;
      operatorId?: string;
      error?: { code: string; field?: string[] };
    }[];
    expect(answers[0]).toEqual({ ok: true, action: 'reactivateOperator', operatorId: suspended.sub });
    expect(answers[1]?.error).toMatchObject({ code: 'CONFLICT', field: ['input', 'username'] });
    expect(answers[2]?.error).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'username'] });
    expect(answers[3]?.error).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'username'] });
    expect(answers[4]?.error).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'username'] });
    expect(answers[5]?.error).toMatchObject({ code: 'BAD_USER_INPUT', field: ['assertion'] });
    expect(await api.services.operators.status(suspended.sub)).toMatchObject({
      status: 'ACTIVE',
      version: 3,
      changedBy: 'direct-invocation',
    });
    expect(await api.services.operators.status(active.sub)).toMatchObject({ status: 'ACTIVE', version: 1 });
    expect(await api.services.operators.status(never.sub)).toBeUndefined();
    expect(await api.services.operators.status(removed.sub)).toMatchObject({
      status: 'SUSPENDED',
      version: 2,
    });
    expect(graphqlAnswer(after.results[0] as never)?.codes).toEqual([]);
    // Recorded in the platform audit by subject, before and after the change; no address anywhere.
    const events = (await api.services.platformAudit.list({ limit: 1000 })).filter(
      (event) => event.operation === 'provisioner.reactivateOperator',
    );
    const outcomesOf = (sub: string) =>
      events
        .filter((event) => event.subjectId === sub)
        .map((event) => event.outcome)
        .sort();
    expect(outcomesOf(suspended.sub)).toEqual(['ALLOWED', 'COMPLETED']);
    expect(outcomesOf(active.sub)).toEqual(['ALLOWED', 'CONFLICT']);
    expect(run.output).toContain('operator reactivated');
    expect(JSON.stringify(events)).not.toContain('@platform.example');
    expect(run.output).not.toContain('@platform.example');
  });

  it('api as deployed: suspending an operator disables their user in the pool through the provisioner, once the pool answers; reactivating enables it', async () => {
    // Prepare: an operator of the pool's group, registered and signed in; a second operator who suspends them; the
    // provisioner behind the Invoke stand-in configured with the pool, which fails the first disabling.
    const cognito = await startCognitoEndpoint();
    const address = 'ops.leaving@platform.example';
    const leaving = cognito.addUser(address, ['confide-operators']);
    await api.services.operators.register(leaving.sub, 'a deployment');
    invokedProvisionerEnv = {
      CONFIDE_USER_POOL_ID: 'eu-west-2_AbCdEf123',
      CONFIDE_COGNITO_ENDPOINT: cognito.endpoint,
    };
    const suspend = graphqlEvent(
      'mutation ($operatorId: String!) { suspendOperator(operatorId: $operatorId) { operatorId status } }',
      { token: await cognitoToken(operatorClaims), variables: { operatorId: leaving.sub } },
    );
    const invocationsBefore = lambda.invocations.length;
    const outputBefore = invokedProvisionerOutput.length;
    const user = cognito.users.get(leaving.sub);

    try {
      // Act: suspended while the pool fails; suspended again once it answers.
      const endOutage = cognito.outage('AdminDisableUser');
      const duringOutage = await runBundle(
        built.bundles.api,
        [suspend, await asPoolOperator(leaving.sub)],
        deployedApiEnv(),
      );
      endOutage();
      const again = await runBundle(
        built.bundles.api,
        [suspend, await asPoolOperator(leaving.sub)],
        deployedApiEnv(),
      );

      // Assess: during the outage the suspension answered an error but held, refusing the operator at once, their
      // user still enabled; asked again, it disabled the user, by sub, through a signed invocation.
      const [failed, refusedAtOnce] = duringOutage.results.map((result) => graphqlAnswer(result));
      expect(failed?.codes).toEqual(['INTERNAL']);
      expect(refusedAtOnce?.codes).toEqual(['UNAUTHENTICATED']);
      const [suspended, refused] = again.results.map((result) =>
        graphqlAnswer<{ suspendOperator: { operatorId: string; status: string } }>(result),
      );
      expect(suspended?.codes).toEqual([]);
      expect(suspended?.data?.suspendOperator).toEqual({ operatorId: leaving.sub, status: 'SUSPENDED' });
      expect(refused?.codes).toEqual(['UNAUTHENTICATED']);
      expect(lambda.invocations.slice(invocationsBefore)).toEqual([
        { functionName: PROVISIONER, invocationType: 'RequestResponse', signatureValid: true },
        { functionName: PROVISIONER, invocationType: 'RequestResponse', signatureValid: true },
      ]);
      expect(cognito.calls.at(-1)).toEqual(
        expect.objectContaining({
          operation: 'AdminDisableUser',
          username: leaving.sub,
          signatureValid: true,
        }),
      );
      expect(user?.enabled).toBe(false);
      expect(await api.services.operators.status(leaving.sub)).toMatchObject({
        status: 'SUSPENDED',
        version: 2,
      });

      // Act: the operator comes back, reactivated by a direct invocation.
      const back = await runBundle(
        built.bundles.provisioner,
        [{ action: 'reactivateOperator', input: { username: address } }],
        provisionerEnv(invokedProvisionerEnv),
      );
      const admitted = await runBundle(
        built.bundles.api,
        [await asPoolOperator(leaving.sub)],
        deployedApiEnv(),
      );

      // Assess: the user enabled and the operator admitted again; the address in no log line.
      expect(back.results[0]).toEqual({
        ok: true,
        value: { ok: true, action: 'reactivateOperator', operatorId: leaving.sub },
      });
      expect(cognito.calls.at(-1)).toEqual(
        expect.objectContaining({
          operation: 'AdminEnableUser',
          username: leaving.sub,
          signatureValid: true,
        }),
      );
      expect(user?.enabled).toBe(true);
      expect(graphqlAnswer(admitted.results[0] as never)?.codes).toEqual([]);
      const logs = [
        duringOutage.output,
        again.output,
        back.output,
        ...invokedProvisionerOutput.slice(outputBefore),
      ];
      expect(logs.join('\n')).toContain('operator sign-in ended');
      for (const output of logs) expect(output).not.toContain(address);
    } finally {
      invokedProvisionerEnv = {};
      await cognito.stop();
    }
  });

  it('api as deployed: invites a staff member through the provisioner, whose Cognito sub then signs them in until they are deactivated', async () => {
    // Prepare: an organisation and its admin (signing in with a Cognito-shaped token for the admin's subject), and a
    // provisioner behind the Invoke stand-in configured with a user pool (a Cognito stand-in that checks SigV4).
    const { org, scope, adminToken, cognito } = await adminBesidePool();
    const email = 'jo.invited@charity.example';
    const add = `mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id handle } }`;
    const invite = `mutation ($input: InviteStaffMemberInput!) {
      inviteStaffMember(input: $input) { id handle version }
    }`;
    const me = '{ me { kind staffMember { handle } } }';
    const invocationsBefore = lambda.invocations.length;
    const outputBefore = invokedProvisionerOutput.length;

    try {
      // Act: the admin adds a staff member through the api.
      const adding = await runBundle(
        built.bundles.api,
        [
          graphqlEvent(add, {
            token: adminToken,
            variables: {
              input: { handle: 'jo.invited', displayName: 'Jo Invited', roles: ['VOLUNTEER'] },
            },
          }),
        ],
        deployedApiEnv(),
      );
      const [added] = adding.results.map((result) =>
        graphqlAnswer<{ addStaffMember: { id: string; handle: string } }>(result),
      );
      expect(added?.codes).toEqual([]);
      const staffGlobalId = added?.data?.addStaffMember.id ?? '';
      const generated = (await api.services.directory.staffByHandle(scope, 'jo.invited')) ?? null;
      const oldToken = await cognitoToken({ sub: generated?.externalSubject ?? '', org_id: org.orgId });
      const inviteEvent = (address: string) =>
        graphqlEvent(invite, {
          token: adminToken,
          variables: { input: { staffId: staffGlobalId, email: address } },
        });

      // Act: signed in by the generated subject; invited; invited again (CONFLICT); the generated subject again.
      const inviting = await runBundle(
        built.bundles.api,
        [
          graphqlEvent(me, { token: oldToken }),
          inviteEvent(email),
          inviteEvent('someone.else@charity.example'),
          graphqlEvent(me, { token: oldToken }),
        ],
        deployedApiEnv(),
      );

      // Assess
      const [before, invited, again, after] = inviting.results.map((result) =>
        graphqlAnswer<{ inviteStaffMember: { handle: string; version: number } }>(result),
      );
      expect(before?.data).toEqual({ me: { kind: 'STAFF', staffMember: { handle: 'jo.invited' } } });
      expect(invited?.codes).toEqual([]);
      expect(invited?.data).toEqual({
        inviteStaffMember: { id: staffGlobalId, handle: 'jo.invited', version: 2 },
      });
      expect(again?.codes).toEqual(['CONFLICT']);
      expect(after?.codes).toEqual(['UNAUTHENTICATED']);
      // One invocation (the second invitation is refused by the api before any), signed; one user, signed calls.
      expect(lambda.invocations.slice(invocationsBefore)).toEqual([
        { functionName: PROVISIONER, invocationType: 'RequestResponse', signatureValid: true },
      ]);
      expect(cognito.calls).toEqual([
        {
          operation: 'AdminCreateUser',
          userPoolId: 'eu-west-2_AbCdEf123',
          username: email,
          attributes: {
            email,
            email_verified: 'true',
            'custom:org_id': org.orgId,
            'custom:staff_id': generated?.staffId,
          },
          signatureValid: true,
        },
      ]);
      const [user] = cognito.users.values();
      const linked = await api.services.directory.staff(scope, generated?.staffId ?? '');
      expect(linked?.externalSubject).toBe(user?.sub);
      expect(user?.enabled).toBe(true);
      // Audited, by staff id.
      const events = await api.services.auditLog.bySubject(scope, generated?.staffId ?? '');
      expect(events.map((event) => [event.operation, event.outcome])).toContainEqual([
        'inviteStaffMember',
        'ALLOWED',
      ]);

      // Act: the invited member signs in with a Cognito access token carrying the new sub.
      const newToken = await cognitoToken({
        sub: user?.sub ?? '',
        username: user?.sub ?? '',
        org_id: org.orgId,
      });
      const signingIn = await runBundle(
        built.bundles.api,
        [graphqlEvent(me, { token: newToken })],
        deployedApiEnv(),
      );

      // Assess
      const [signedIn] = signingIn.results.map((result) => graphqlAnswer(result));
      expect(signedIn?.data).toEqual({ me: { kind: 'STAFF', staffMember: { handle: 'jo.invited' } } });

      // Act: the admin deactivates the member, who has left, while the user pool is failing; then again after.
      const deactivate = graphqlEvent(
        'mutation ($input: DeactivateStaffInput!) { deactivateStaff(input: $input) { id status } }',
        { token: adminToken, variables: { input: { staffId: staffGlobalId } } },
      );
      const endOutage = cognito.outage('AdminDisableUser');
      const duringOutage = await runBundle(
        built.bundles.api,
        [deactivate, graphqlEvent(me, { token: newToken })],
        deployedApiEnv(),
      );
      endOutage();
      const invocationsBeforeRetry = lambda.invocations.length;
      const deactivating = await runBundle(
        built.bundles.api,
        [deactivate, graphqlEvent(me, { token: newToken })],
        deployedApiEnv(),
      );

      // Assess: during the outage the deactivation answered an error, but the account was deactivated and refused at
      // once, its user still enabled. Asked again, the deactivation disabled the user through the provisioner, by its
      // sub: an admin needs nobody with the user pool's console to finish it.
      const [failed, refusedAtOnce] = duringOutage.results.map((result) => graphqlAnswer(result));
      expect(failed?.codes).toEqual(['INTERNAL']);
      expect(refusedAtOnce?.codes).toEqual(['UNAUTHENTICATED']);
      const [deactivated, refused] = deactivating.results.map((result) =>
        graphqlAnswer<{ deactivateStaff: { status: string } }>(result),
      );
      expect(deactivated?.codes).toEqual([]);
      expect(deactivated?.data?.deactivateStaff.status).toBe('DEACTIVATED');
      expect(refused?.codes).toEqual(['UNAUTHENTICATED']);
      expect(lambda.invocations.slice(invocationsBeforeRetry)).toEqual([
        { functionName: PROVISIONER, invocationType: 'RequestResponse', signatureValid: true },
      ]);
      expect(cognito.calls.at(-1)).toEqual(
        expect.objectContaining({ operation: 'AdminDisableUser', username: user?.sub, signatureValid: true }),
      );
      expect(user?.enabled).toBe(false);
      // The address is in no log line, of the api or of the provisioner.
      const logs = [
        adding.output,
        inviting.output,
        signingIn.output,
        duringOutage.output,
        deactivating.output,
        ...invokedProvisionerOutput.slice(outputBefore),
      ];
      expect(logs.join('\n')).toContain('organisation provisioned');
      for (const output of logs) {
        expect(output).not.toContain(email);
        expect(output).not.toContain('someone.else@charity.example');
      }
    } finally {
      invokedProvisionerEnv = {};
      await cognito.stop();
    }
  });

  it('api as deployed: a leaver recorded by their employment’s end loses their sign-in user; re-employed, gets it back once the pool answers', async () => {
    // Prepare: an organisation whose admin signs in with a Cognito-shaped token; a member invited through the api to the
    // pool (a Cognito stand-in behind the provisioner), signing in by their user's sub.
    const { org, scope, adminToken, cognito } = await adminBesidePool();
    const email = 'sam.leaving@charity.example';
    const member = await addStaff(api, org, ['VOLUNTEER']);
    const staffGlobalId = globalIdOf('StaffMember', member.staffId);
    const asAdmin = (query: string, input: Record<string, unknown>) =>
      graphqlEvent(query, { token: adminToken, variables: { input: { staffId: staffGlobalId, ...input } } });
    const invite = 'mutation ($input: InviteStaffMemberInput!) { inviteStaffMember(input: $input) { id } }';
    const ended =
      'mutation ($input: RecordEmploymentEndedInput!) { recordEmploymentEnded(input: $input) { endedOn } }';
    const reemploy =
      'mutation ($input: RecordReemploymentInput!) { recordReemployment(input: $input) { id status } }';
    const me = '{ me { kind staffMember { id } } }';
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const outputBefore = invokedProvisionerOutput.length;

    try {
      const inviting = await runBundle(built.bundles.api, [asAdmin(invite, { email })], deployedApiEnv());
      expect(graphqlAnswer(inviting.results[0] as never)?.codes).toEqual([]);
      const [user] = cognito.users.values();
      const memberToken = await cognitoToken({ sub: user?.sub ?? '', org_id: org.orgId });

      // Act: their employment's end recorded; then their re-employment while the pool fails to enable; then again.
      const leaving = await runBundle(
        built.bundles.api,
        [asAdmin(ended, { endedOn: yesterday }), graphqlEvent(me, { token: memberToken })],
        deployedApiEnv(),
      );
      const disabledAfterEnd = user?.enabled;
      const endOutage = cognito.outage('AdminEnableUser');
      const duringOutage = await runBundle(built.bundles.api, [asAdmin(reemploy, {})], deployedApiEnv());
      endOutage();
      const statusDuringOutage = (await api.services.directory.staff(scope, member.staffId))?.status;
      const enabledDuringOutage = user?.enabled;
      const back = await runBundle(
        built.bundles.api,
        [asAdmin(reemploy, {}), graphqlEvent(me, { token: memberToken })],
        deployedApiEnv(),
      );

      // Assess: the end disabled the user, by sub; the re-employment stood during the outage but answered an error, the
      // user still disabled; asked again it enabled the user, and the member signs in again.
      const [endedAnswer, refused] = leaving.results.map((result) => graphqlAnswer(result));
      expect(endedAnswer?.codes).toEqual([]);
      expect(refused?.codes).toEqual(['UNAUTHENTICATED']);
      expect(disabledAfterEnd).toBe(false);
      expect(graphqlAnswer(duringOutage.results[0] as never)?.codes).toEqual(['INTERNAL']);
      expect(statusDuringOutage).toBe('ACTIVE');
      expect(enabledDuringOutage).toBe(false);
      const [reemployed, signedIn] = back.results.map((result) =>
        graphqlAnswer<{ recordReemployment: { status: string } }>(result),
      );
      expect(reemployed?.codes).toEqual([]);
      expect(reemployed?.data?.recordReemployment.status).toBe('ACTIVE');
      expect(signedIn?.codes).toEqual([]);
      expect(user?.enabled).toBe(true);
      // By the user's sub, signed; the outage's enabling retried by the SDK before it answered the fault.
      const calls = cognito.calls
        .filter((call) => call.operation !== 'AdminCreateUser')
        .map((call) => [call.operation, call.username, call.signatureValid]);
      expect(calls[0]).toEqual(['AdminDisableUser', user?.sub, true]);
      expect(calls.length).toBeGreaterThanOrEqual(3);
      expect(calls.slice(1)).toEqual(calls.slice(1).map(() => ['AdminEnableUser', user?.sub, true]));
      const logs = [
        leaving.output,
        duringOutage.output,
        back.output,
        ...invokedProvisionerOutput.slice(outputBefore),
      ];
      for (const output of logs) expect(output).not.toContain(email);
    } finally {
      invokedProvisionerEnv = {};
      await cognito.stop();
    }
  });

  it('api as deployed: registers a partner agency with its own app client, whose client-credentials tokens read as that partner', async () => {
    // Prepare: an organisation and its admin, and a provisioner behind the Invoke stand-in configured with a user
    // pool (a Cognito stand-in that checks SigV4 and holds app clients).
    const { org, adminToken, cognito } = await adminBesidePool();
    invokedProvisionerEnv = { ...invokedProvisionerEnv, CONFIDE_PARTNER_SCOPE: 'confide/partner.read' };
    const register = `mutation ($name: String!, $clientId: String) {
      registerPartnerAgency(name: $name, clientId: $clientId) { id name clientId }
    }`;
    /** A client-credentials access token as Cognito issues it: `sub` the client id, no `org_id`, no `aud`. */
    const clientCredentialsToken = (clientId: string) =>
      mintToken(
        stack.dataDir,
        { issuer: stack.issuer },
        { sub: clientId, client_id: clientId, token_use: 'access', scope: 'confide/partner.read' },
      );
    const asPartner = '{ me { kind } releasedToMe { id } }';
    const invocationsBefore = lambda.invocations.length;
    const outputBefore = invokedProvisionerOutput.length;

    try {
      // Act: the admin registers an agency (no client id: the pool makes one), and one naming a client id.
      const registering = await runBundle(
        built.bundles.api,
        [
          graphqlEvent(register, {
            token: adminToken,
            variables: { name: 'County Council adult social care' },
          }),
          graphqlEvent(register, {
            token: adminToken,
            variables: { name: 'Named client', clientId: 'la-chosen-client' },
          }),
        ],
        deployedApiEnv(),
      );

      // Assess: exactly one app client, created with a signed call, client credentials and the partner scope only.
      const [registered, named] = registering.results.map((result) =>
        graphqlAnswer<{ registerPartnerAgency: { id: string; name: string; clientId: string } }>(result),
      );
      expect(registered?.codes).toEqual([]);
      expect(named?.codes).toEqual(['BAD_USER_INPUT']);
      const partner = registered?.data?.registerPartnerAgency;
      expect([...cognito.appClients.keys()]).toEqual([partner?.clientId]);
      expect(lambda.invocations.slice(invocationsBefore)).toEqual([
        { functionName: PROVISIONER, invocationType: 'RequestResponse', signatureValid: true },
      ]);
      expect(cognito.calls).toEqual([
        {
          operation: 'CreateUserPoolClient',
          userPoolId: 'eu-west-2_AbCdEf123',
          username: undefined,
          attributes: {},
          signatureValid: true,
          client: {
            ClientName: `confide-test-partner-${partner?.id}`,
            GenerateSecret: true,
            AllowedOAuthFlowsUserPoolClient: true,
            AllowedOAuthFlows: ['client_credentials'],
            AllowedOAuthScopes: ['confide/partner.read'],
            SupportedIdentityProviders: ['COGNITO'],
            PreventUserExistenceErrors: 'ENABLED',
            AccessTokenValidity: 1,
            TokenValidityUnits: { AccessToken: 'hours' },
          },
        },
      ]);
      const clientId = partner?.clientId ?? '';
      expect(await api.services.partners.clientBinding(clientId)).toEqual({
        clientId,
        orgId: org.orgId,
        partnerId: partner?.id,
      });
      // The secret the pool generated is in no answer and no log line, of the api or of the provisioner.
      const secret = cognito.appClients.get(clientId)?.secret ?? 'missing';
      expect(JSON.stringify(registering.results)).not.toContain(secret);
      for (const output of [registering.output, ...invokedProvisionerOutput.slice(outputBefore)]) {
        expect(output).not.toContain(secret);
      }

      // Act: the agency's client-credentials token, and one of a client no partner is bound to.
      const reading = await runBundle(
        built.bundles.api,
        [
          graphqlEvent(asPartner, { token: await clientCredentialsToken(clientId) }),
          graphqlEvent(asPartner, { token: await clientCredentialsToken('unregisteredclient00000001') }),
        ],
        deployedApiEnv(),
      );

      // Assess: the partner, seeing nothing released yet; the unbound client is refused.
      const [agency, unknown] = reading.results.map((result) => graphqlAnswer(result));
      expect(agency?.codes).toEqual([]);
      expect(agency?.data).toEqual({ me: { kind: 'PARTNER' }, releasedToMe: [] });
      expect(unknown?.codes).toEqual(['UNAUTHENTICATED']);
      expect(unknown?.data ?? null).toBeNull();
    } finally {
      invokedProvisionerEnv = {};
      await cognito.stop();
    }
  });

  it('retention: tombstones a TTL removal batch, reports exactly the poisoned record, quarantines the subject key', async () => {
    // Prepare: a client with records; its profile expires (TTL deletes it) and the stream delivers the REMOVE.
    const world = await serviceWorld(api);
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    const worker = await staffWithRoles(api, world.org, ['SUPPORT_WORKER']);
    await allocate(api, world.manager, client, worker);
    await recordNote(api, worker, client, 'DAILY_SUPPORT', NOTE_BODY);
    const clientId = localIdOf(client);
    const orgId = world.org.orgId;
    const partition = tenantScope(orgId).key('CLIENT', clientId);
    const items = await partitionItems(partition);
    expect(items.length).toBeGreaterThanOrEqual(2);
    const profile = items.find((item) => item.sk?.S === 'PROFILE');
    if (!profile) throw new Error('The client has no profile item.');
    // The blind-index entries of the person's name, postcode and NHS number, outside the partition (decision 0116).
    const beacons = clientBeaconPartitions(
      tenantScope(orgId),
      await api.services.keys.beaconKey(orgId),
      ADA,
    ).map((pk) => ({ pk: { S: pk }, sk: { S: `CLIENT#${clientId}` } }));
    const stored = async (Key: Record<string, AttributeValue>) =>
      (
        await api.services.dynamo.send(
          new GetItemCommand({ TableName: stack.tables.data, Key, ConsistentRead: true }),
        )
      ).Item;
    for (const Key of beacons) expect(await stored(Key)).toBeDefined();
    // What a closure scheduled in the past leaves: the MACed retention state the handler believes (decision 0030).
    await api.services.retention.states.markScheduled(
      tenantScope(orgId),
      clientId,
      Math.floor(Date.now() / 1000) - 60,
    );
    await api.services.dynamo.send(
      new DeleteItemCommand({
        TableName: stack.tables.data,
        Key: { pk: { S: partition }, sk: { S: 'PROFILE' } },
      }),
    );
    const poisoned = streamRecord('REMOVE', {
      pk: { S: 'ORG#not-an-organisation#CLIENT#su_x' },
      sk: { S: 'PROFILE' },
    });
    const batch = {
      Records: [streamRecord('REMOVE', profile, { ttl: true }), poisoned, streamRecord('INSERT', profile)],
    };

    // Act
    const run = await runBundle(built.bundles.retention, [batch], {
      ...localStackEnv(stack),
      AWS_LAMBDA_FUNCTION_NAME: 'confide-test-retention',
    });

    // Assess: only the poisoned record is reported; the partition is gone, each item tombstoned, the key quarantined.
    const [result] = run.results;
    const expected: DynamoDBBatchResponse = {
      batchItemFailures: [{ itemIdentifier: poisoned.dynamodb?.SequenceNumber ?? 'missing' }],
    };
    expect(result).toEqual({ ok: true, value: expected });
    expect(await partitionItems(partition)).toEqual([]);
    const tombstones = await api.services.tombstones.list(tenantScope(orgId), clientId);
    // The partition's items, and the reference, identity link and blind-index entries the profile takes with it
    // (decisions 0115, 0116).
    expect(tombstones).toHaveLength(items.length + 2 + beacons.length);
    expect(tombstones.filter((tombstone) => ['REFERENCE', 'IDENTITY'].includes(tombstone.kind))).toHaveLength(
      2,
    );
    expect(tombstones.filter((tombstone) => tombstone.kind === 'BEACON')).toHaveLength(beacons.length);
    for (const Key of beacons) expect(await stored(Key)).toBeUndefined();
    expect(tombstones.every((tombstone) => tombstone.reason === 'EXPIRED')).toBe(true);
    const { table, key } = api.services.keys.subjectKeyLocation(orgId, clientId);
    const subjectKey = await api.services.dynamo.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    // An expiry keeps the key in quarantine for the grace period (decision 0024); erasure alone deletes at once.
    expect(subjectKey.Item).toBeDefined();
    expect(await api.services.tombstones.keyQuarantine(tenantScope(orgId), clientId)).toMatchObject({
      subjectId: clientId,
    });
    // Its logs: ids, kinds and reasons; never an item's content.
    expect(run.output).toContain('retention.tombstone');
    expect(run.output).not.toContain(ADA.name);
    expect(run.output).not.toContain(ADA.nhsNumber);
    expect(run.output).not.toContain(NOTE_BODY);
  });

  it('retention: an offboarded organisation’s expiry passes once KMS says its key is pending deletion (decision 0131)', async () => {
    // Prepare: a client's profile due to expire, then the organisation offboarded (its key scheduled for deletion);
    // TTL removes the profile, whose schedule can no longer be verified nor a tombstone written.
    const world = await serviceWorld(api);
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    const orgId = world.org.orgId;
    const partition = tenantScope(orgId).key('CLIENT', localIdOf(client));
    const profile = (await partitionItems(partition)).find((item) => item.sk?.S === 'PROFILE');
    if (!profile) throw new Error('The client has no profile item.');
    // What a closure scheduled in the past leaves: the MACed retention state that explains the expiry.
    await api.services.retention.states.markScheduled(
      tenantScope(orgId),
      localIdOf(client),
      Math.floor(Date.now() / 1000) - 60,
    );
    expect((await offboardWithTwoOperators(api, orgId, 7)).errors).toBeUndefined();
    const removal = streamRecord('REMOVE', profile, { ttl: true });

    // Act
    const run = await runBundle(built.bundles.retention, [{ Records: [removal] }], {
      ...localStackEnv(stack),
      AWS_LAMBDA_FUNCTION_NAME: 'confide-test-retention',
    });

    // Assess: no failure to retry until the failure queue; a line naming the organisation and its key's state.
    expect(run.results[0], run.output.slice(-2000)).toEqual({ ok: true, value: { batchItemFailures: [] } });
    expect(run.output).toContain('retention.organisation-key-gone');
    expect(run.output).toContain('PENDING_DELETION');
    expect(await api.services.tombstones.list(tenantScope(orgId), localIdOf(client))).toEqual([]);
  });

  it('retention: a leaver’s expired account takes their sign-in user out of the pool, by its sub; a member never invited calls nothing', async () => {
    // Prepare: a member with a user in the pool (invited in process, against the Cognito stand-in) and one never
    // invited; each one's records due (the MACed schedule of an employment ended long ago) and their account removed.
    const org = await onboardTestOrganisation(api);
    const scope = tenantScope(org.orgId);
    const cognito = await startCognitoEndpoint();
    const address = 'sam.gone@charity.example';
    const pool: SignInAccounts = {
      async create(_orgId, _staffId, email) {
        const { sub } = cognito.addUser(email, []);
        return { subject: sub, username: sub };
      },
      disable: async () => true,
      enable: async () => true,
    };
    const invited = await addStaff(api, org, ['SUPPORT_WORKER']);
    const linked = await inviteStaff(
      api.services,
      { organisationId: org.orgId, staffId: invited.staffId, email: address },
      pool,
    );
    const never = await addStaff(api, org, ['VOLUNTEER']);
    const removals: DynamoDBRecord[] = [];
    for (const staffId of [invited.staffId, never.staffId]) {
      await api.services.retention.states.markScheduled(scope, staffId, Math.floor(Date.now() / 1000) - 60);
      const account = (await partitionItems(scope.key('STAFF', staffId))).find(
        (item) => item.sk?.S === 'PROFILE',
      );
      if (!account) throw new Error('The member has no account item.');
      await api.services.dynamo.send(
        new DeleteItemCommand({
          TableName: stack.tables.data,
          Key: { pk: { S: scope.key('STAFF', staffId) }, sk: { S: 'PROFILE' } },
        }),
      );
      removals.push(streamRecord('REMOVE', account, { ttl: true }));
    }

    // Act
    const run = await runBundle(built.bundles.retention, [{ Records: removals }], {
      ...localStackEnv(stack),
      AWS_LAMBDA_FUNCTION_NAME: 'confide-test-retention',
      CONFIDE_USER_POOL_ID: 'eu-west-2_AbCdEf123',
      CONFIDE_COGNITO_ENDPOINT: cognito.endpoint,
    }).finally(() => cognito.stop());

    // Assess: every record processed; one user deleted, the invited member's, by sub, through a signed call.
    expect(run.results[0]).toEqual({ ok: true, value: { batchItemFailures: [] } });
    expect(cognito.calls.map((call) => [call.operation, call.username, call.signatureValid])).toEqual([
      ['AdminDeleteUser', linked.externalSubject, true],
    ]);
    expect(cognito.users.has(linked.externalSubject)).toBe(false);
    expect(run.output).toContain('retention.sign-in-user-deleted');
    expect(run.output).not.toContain(address);
  });

  it('pre-token trigger: adds org_id and staff_id from the user’s attributes to access and id tokens, and nothing otherwise', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const staffId = 'stf_aaaaaaaaaaaaaaaaaaaaaaaaaa';
    const events = [
      preTokenEvent({
        sub: 'user-1',
        email: 'ada@example.org',
        'custom:org_id': org.orgId,
        'custom:staff_id': staffId,
      }),
      preTokenEvent({ sub: 'operator-1', email: 'op@example.org' }),
      preTokenEvent({ sub: 'user-2', email: 'bob@example.org', 'custom:org_id': 'not-an-org' }),
    ];

    // Act
    const run = await runBundle(built.bundles['pre-token'], events, {
      AWS_LAMBDA_FUNCTION_NAME: 'confide-test-pre-token',
      POWERTOOLS_SERVICE_NAME: 'confide-pre-token',
    });

    // Assess
    const [tenant, operator, malformed] = run.results.map((result) =>
      result.ok ? (result.value as PreTokenAnswer).response.claimsAndScopeOverrideDetails : result,
    );
    expect(tenant).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { org_id: org.orgId, staff_id: staffId } },
      accessTokenGeneration: { claimsToAddOrOverride: { org_id: org.orgId, staff_id: staffId } },
    });
    expect(operator).toBeNull();
    expect(malformed).toBeNull();
    // The warning names neither the user nor the value.
    expect(run.output).toContain('no org_id claim added');
    expect(run.output).not.toMatch(/bob@example\.org|not-an-org|user-2/);
  });

  /** An offboarding event as the api sends it once two operators agreed, naming the waiver it checked. */
  async function signedOffboard(orgId: OrgId) {
    const exportId = await exportWaived(api, orgId);
    const input = { organisationId: orgId, pendingWindowInDays: 7, exportId };
    const assertion = await signAssertion(api.services, {
      organisationId: orgId,
      action: 'offboard',
      target: 'operator-artifact',
      input,
      actor: { kind: 'OPERATOR', id: 'operator-artifact-2' },
    });
    return { action: 'offboard', input, assertion };
  }

  async function partitionItems(pk: string): Promise<Record<string, AttributeValue>[]> {
    const result = await api.services.dynamo.send(
      new QueryCommand({
        TableName: stack.tables.data,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
      }),
    );
    return result.Items ?? [];
  }
});

interface PreTokenAnswer {
  readonly response: {
    readonly claimsAndScopeOverrideDetails: {
      readonly accessTokenGeneration?: { readonly claimsToAddOrOverride?: Record<string, string> };
    } | null;
  };
}

/** A pre-token-generation event, version 2, as Cognito sends it when a user signs in. */
function preTokenEvent(userAttributes: Record<string, string>) {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_AbCdEf123',
    userName: userAttributes.sub ?? '',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: APP_CLIENT },
    request: {
      userAttributes: { email_verified: 'true', 'cognito:user_status': 'CONFIRMED', ...userAttributes },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
      scopes: ['openid', 'email', 'aws.cognito.signin.user.admin'],
    },
    response: { claimsAndScopeOverrideDetails: null },
  };
}

/** An attribute value as the Lambda event JSON carries it: binary values base64-encoded. */
function streamValue(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: streamImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(streamValue) };
  return value;
}

function streamImage(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, streamValue(value)]));
}

let sequence = 4_100_000_000_000_000_000n;

/** A DynamoDB stream record as Lambda delivers it (NEW_AND_OLD_IMAGES); `ttl` marks a deletion by TTL. */
function streamRecord(
  eventName: 'INSERT' | 'REMOVE',
  item: Record<string, AttributeValue>,
  options: { ttl?: boolean } = {},
): DynamoDBRecord {
  sequence += 1n;
  const image = streamImage(item);
  return {
    eventID: `${sequence.toString(16)}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-2',
    ...(options.ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { pk: image.pk, sk: image.sk } as never,
      ...(eventName === 'REMOVE' ? { OldImage: image as never } : { NewImage: image as never }),
      SequenceNumber: sequence.toString(),
      SizeBytes: JSON.stringify(image).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN:
      'arn:aws:dynamodb:eu-west-2:123456789012:table/confide-test-data/stream/2026-11-22T09:00:00.000',
  };
}
