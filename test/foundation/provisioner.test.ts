import { KMSClient } from '@aws-sdk/client-kms';
import { configFromEnv } from '@confide/api';
import { signAssertion } from '@confide/api/provisioning';
import { LOCAL_REGION } from '@confide/local';
import { handler } from '@confide/service-provisioner/handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FunctionAnswer,
  type KmsGate,
  type LambdaEndpoint,
  startKmsGate,
  startLambdaEndpoint,
} from '../support/aws-stand-ins';
import { onboardTestOrganisation, uniqueSlug } from '../support/fixtures';
import { exportWaived, offboardWithTwoOperators } from '../support/platform-fixtures';
import { type GraphqlResult, localStack, type TestApi, testApi } from '../support/test-api';

const PROVISIONER = 'confide-test-provisioner';
const ONBOARD = `mutation ($input: OnboardOrganisationInput!) {
  onboardOrganisation(input: $input) { organisation { id slug status } firstAdmin { handle displayName } }
}`;

const codes = (result: GraphqlResult) => result.errors?.map((error) => error.extensions?.code);
const onboardInput = (slug = uniqueSlug('prov')) => ({
  name: 'Provisioned charity',
  slug,
  preset: 'STRICT',
  firstAdminHandle: 'admin',
  firstAdminDisplayName: 'Ada Admin',
});

describe('the provisioner handler', () => {
  localStack();

  it('answers a malformed event with BAD_USER_INPUT naming the field, before creating anything', async () => {
    const slug = uniqueSlug('never');
    const valid = {
      name: 'X',
      slug,
      preset: 'STRICT',
      firstAdmin: { handle: 'admin', displayName: 'A' },
    };

    const answers = await Promise.all(
      [
        null,
        [],
        { input: valid },
        { action: 'delete', input: valid },
        { action: 'onboard' },
        { action: 'onboard', input: { ...valid, name: 7 } },
        { action: 'onboard', input: { ...valid, firstAdmin: 'admin' } },
        { action: 'onboard', input: valid, extra: true },
        { action: 'offboard', input: { organisationId: 'org_x', pendingWindowInDays: 3 } },
        {
          action: 'offboard',
          input: { organisationId: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa', pendingWindowInDays: '7' },
        },
      ].map((event) => handler(event)),
    );

    expect(
      answers.map((answer) => (answer.ok ? 'ok' : `${answer.error.code} ${answer.error.field?.join('.')}`)),
    ).toEqual([
      'BAD_USER_INPUT ',
      'BAD_USER_INPUT ',
      'BAD_USER_INPUT action',
      'BAD_USER_INPUT action',
      'BAD_USER_INPUT input',
      'BAD_USER_INPUT input.name',
      'BAD_USER_INPUT input.firstAdmin',
      'BAD_USER_INPUT extra',
      'BAD_USER_INPUT input.organisationId',
      'BAD_USER_INPUT input.pendingWindowInDays',
    ]);
    for (const answer of answers) {
      if (!answer.ok) expect(answer.error.message.length).toBeGreaterThan(10);
    }
    expect(await testApi().services.directory.organisationIdBySlug(slug)).toBeUndefined();
  });

  it('answers an unknown organisation NOT_FOUND and a window outside 7–30 days BAD_USER_INPUT', async () => {
    // Offboarding takes two operators' assertion from the api (issue 14): signed here as the api would.
    const signed = async (input: { organisationId: string; pendingWindowInDays?: number }) => ({
      action: 'offboard',
      input,
      assertion: await signAssertion(testApi().services, {
        organisationId: input.organisationId,
        action: 'offboard',
        target: 'operator-1',
        input,
        actor: { kind: 'OPERATOR', id: 'operator-2' },
      }),
    });
    const [unknown, window] = await Promise.all([
      handler(await signed({ organisationId: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa' })),
      handler(await signed({ organisationId: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa', pendingWindowInDays: 3 })),
    ]);

    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(window).toMatchObject({
      ok: false,
      error: { code: 'BAD_USER_INPUT', field: ['input', 'pendingWindowInDays'] },
    });
  });

  it('offboards only while the export record the api checked is still the latest (decision 0103)', async () => {
    // Prepare: an organisation whose export was waived (the record the api checks and names), then a second record
    // written after that check; and an offboarding signed without naming any.
    const api = testApi();
    const org = await onboardTestOrganisation(api);
    const checked = await exportWaived(api, org.orgId);
    // The second record sorts after the first: records are ordered by the millisecond they were written.
    const written = Date.now();
    while (Date.now() <= written) await new Promise((resolve) => setImmediate(resolve));
    await exportWaived(api, org.orgId);
    const signed = async (input: {
      organisationId: string;
      pendingWindowInDays: number;
      exportId?: string;
    }) => ({
      action: 'offboard',
      input,
      assertion: await signAssertion(api.services, {
        organisationId: input.organisationId,
        action: 'offboard',
        target: 'operator-1',
        input,
        actor: { kind: 'OPERATOR', id: 'operator-2' },
      }),
    });

    // Act
    const stale = await handler(
      await signed({ organisationId: org.orgId, pendingWindowInDays: 7, exportId: checked }),
    );
    const unnamed = await handler(await signed({ organisationId: org.orgId, pendingWindowInDays: 7 }));

    // Assess: neither offboards.
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(unnamed).toMatchObject({
      ok: false,
      error: { code: 'BAD_USER_INPUT', field: ['input', 'exportId'] },
    });
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('ACTIVE');
  });
});

describe('the api with a provisioner function configured', () => {
  let kmsGate: KmsGate;
  let lambda: LambdaEndpoint;
  let api: TestApi;
  /** When set, the stand-in function answers this instead of running the provisioner handler. */
  let scripted: FunctionAnswer | undefined;

  beforeAll(async () => {
    const stack = localStack();
    // As IAM treats the api role: no key creation or deletion.
    kmsGate = await startKmsGate({
      target: stack.kmsEndpoint,
      deny: ['CreateKey', 'CreateAlias', 'EnableKeyRotation', 'PutKeyPolicy', 'ScheduleKeyDeletion'],
    });
    lambda = await startLambdaEndpoint({
      invoke: async (_name, payload) =>
        scripted ?? { payload: JSON.stringify(await handler(JSON.parse(payload))) },
    });
    api = testApi({
      env: {
        CONFIDE_KMS_ENDPOINT: kmsGate.endpoint,
        CONFIDE_PROVISIONER_FUNCTION: PROVISIONER,
        CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint,
      },
    });
  });

  afterAll(async () => {
    await Promise.all([kmsGate?.stop(), lambda?.stop()]);
  });

  it('onboards and offboards through the function, never asking KMS for key management itself', async () => {
    const operator = await api.operatorToken();
    const input = onboardInput();

    const onboarded = await api.graphql<{ onboardOrganisation: { organisation: { id: string } } }>(ONBOARD, {
      token: operator,
      variables: { input },
    });
    const orgId = onboarded.data?.onboardOrganisation.organisation.id ?? '';
    // Two operators (issue 14): the first asks, the second's call runs it through the function.
    const offboarded = await offboardWithTwoOperators(api, orgId, 7, { first: operator });

    expect(onboarded.errors).toBeUndefined();
    expect(onboarded.data).toEqual({
      onboardOrganisation: {
        organisation: { id: orgId, slug: input.slug, status: 'ACTIVE' },
        firstAdmin: { handle: 'admin', displayName: 'Ada Admin' },
      },
    });
    expect(offboarded.errors).toBeUndefined();
    expect(offboarded.data).toMatchObject({ offboardOrganisation: { id: orgId, status: 'OFFBOARDED' } });
    expect(lambda.invocations.slice(-2).map((invocation) => invocation.signatureValid)).toEqual([true, true]);
    expect(
      kmsGate.operations.filter(
        (operation) => operation === 'CreateKey' || operation === 'ScheduleKeyDeletion',
      ),
    ).toEqual([]);
  });

  it('passes the function’s refusals on as the same errors onboarding gives in process', async () => {
    const operator = await api.operatorToken();
    const local = testApi();

    const viaFunction = await api.graphql(ONBOARD, {
      token: operator,
      variables: { input: onboardInput('Not A Slug!') },
    });
    const inProcess = await local.graphql(ONBOARD, {
      token: await local.operatorToken(),
      variables: { input: onboardInput('Not A Slug!') },
    });

    expect(codes(viaFunction)).toEqual(['BAD_USER_INPUT']);
    expect(viaFunction.errors?.[0]?.extensions).toEqual(inProcess.errors?.[0]?.extensions);
    expect(viaFunction.errors?.[0]?.message).toBe(inProcess.errors?.[0]?.message);
  });

  it('masks a function error, a malformed answer and an unreadable failure as INTERNAL', async () => {
    const operator = await api.operatorToken();
    const answers: FunctionAnswer[] = [
      {
        payload: JSON.stringify({ errorType: 'KMSInternalException', errorMessage: 'boom' }),
        functionError: 'Unhandled',
      },
      { payload: 'not json' },
      {
        payload: JSON.stringify({
          ok: true,
          action: 'offboard',
          organisationId: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa',
        }),
      },
      { payload: JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: 'secret detail' } }) },
      { payload: JSON.stringify({ ok: false, error: { code: 'MADE_UP', message: 'x' } }) },
    ];

    const results: GraphqlResult[] = [];
    try {
      for (const answer of answers) {
        scripted = answer;
        results.push(await api.graphql(ONBOARD, { token: operator, variables: { input: onboardInput() } }));
      }
    } finally {
      scripted = undefined;
    }

    for (const result of results) {
      expect(codes(result)).toEqual(['INTERNAL']);
      expect(result.text).not.toMatch(/KMSInternalException|boom|secret detail|provisioner/i);
    }
  });

  it('fails closed, INTERNAL, when Lambda refuses the signature or cannot be reached', async () => {
    const operator = await api.operatorToken();
    const stack = localStack();
    // Credentials Lambda does not know: the stand-in refuses the signature (403), as Lambda would.
    const intruder = testApi({
      kms: new KMSClient({
        region: LOCAL_REGION,
        endpoint: stack.kmsEndpoint,
        credentials: { accessKeyId: 'intruder', secretAccessKey: 'intruder' },
      }),
      env: { CONFIDE_PROVISIONER_FUNCTION: PROVISIONER, CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint },
    });
    const unreachable = testApi({
      env: { CONFIDE_PROVISIONER_FUNCTION: PROVISIONER, CONFIDE_LAMBDA_ENDPOINT: 'http://127.0.0.1:9' },
    });
    const before = lambda.invocations.length;

    const refused = await intruder.graphql(ONBOARD, {
      token: operator,
      variables: { input: onboardInput() },
    });
    const unreached = await unreachable.graphql(ONBOARD, {
      token: operator,
      variables: { input: onboardInput() },
    });

    expect(codes(refused)).toEqual(['INTERNAL']);
    expect(lambda.invocations.slice(before)).toEqual([
      { functionName: PROVISIONER, invocationType: 'RequestResponse', signatureValid: false },
    ]);
    expect(codes(unreached)).toEqual(['INTERNAL']);
  });

  it('takes a function name, never an ARN, from the configuration', () => {
    const env = { CONFIDE_JWT_ISSUER: 'https://issuer.example', CONFIDE_JWT_AUDIENCE: 'a' };
    expect(
      configFromEnv({
        ...env,
        CONFIDE_PROVISIONER_FUNCTION: 'confide-prod-provisioner',
        AWS_REGION: 'eu-west-2',
      }).provisioner,
    ).toEqual({
      functionName: 'confide-prod-provisioner',
      endpoint: 'https://lambda.eu-west-2.amazonaws.com',
      timeoutMs: 8000,
    });
    expect(configFromEnv(env).provisioner).toBeUndefined();
    expect(() =>
      configFromEnv({
        ...env,
        CONFIDE_PROVISIONER_FUNCTION:
          'arn:aws:lambda:eu-west-2:123456789012:function:confide-prod-provisioner',
      }),
    ).toThrow(/function name/);
  });
});
