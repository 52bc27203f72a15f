import { createHmac } from 'node:crypto';
import { signAssertion } from '@confide/api/provisioning';
import { newId } from '@confide/domain';
import { localStackEnv } from '@confide/local';
import { tenantScope } from '@confide/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoEndpoint } from '../support/aws-stand-ins';
import { onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';
import { type BuiltLambdas, buildLambdas, runBundle } from './built-lambdas';

/**
 * Issue 14, side door 4, against the provisioner bundle as CDK ships it, with a user pool: anyone able to invoke
 * it could invite an organisation's not-yet-invited staff member to an address of their choosing, then sign in as
 * them. Without the api's assertion for that very request, it now invites no one and says why in its log (with
 * no address in it).
 */
describe('the built provisioner with a user pool, invoked directly', () => {
  const api = testApi();
  const { stack } = api;
  let built: BuiltLambdas;

  beforeAll(async () => {
    built = await buildLambdas();
  });
  afterAll(() => built?.remove());

  it('invites no one for an event without the api’s valid assertion, and invites for one with it, once', async () => {
    // Prepare: an organisation with a staff member not yet invited, and the events an intruder could send.
    const org = await onboardTestOrganisation(api);
    const scope = tenantScope(org.orgId);
    const staff = await api.services.directory.addStaff(scope, {
      staffId: newId('staff'),
      handle: 'not.invited',
      displayName: 'Not Invited',
      roles: ['SUPPORT_WORKER'],
    });
    const intruder = 'intruder@elsewhere.example';
    const input = { organisationId: org.orgId, staffId: staff.staffId, email: intruder };
    const claims = {
      organisationId: org.orgId,
      action: 'inviteStaff' as const,
      target: staff.staffId,
      actor: { kind: 'STAFF' as const, id: org.adminStaffId },
    };
    const forgedMac = {
      mac: async (message: Uint8Array) => createHmac('sha256', 'guessed').update(message).digest(),
      verify: async () => false,
    };
    const valid = await signAssertion(api.services, { ...claims, input });
    const events = [
      { action: 'inviteStaff', input },
      {
        action: 'inviteStaff',
        input,
        assertion: await signAssertion(
          api.services,
          { ...claims, input },
          { now: new Date(Date.now() - 6 * 60 * 1000) },
        ),
      },
      {
        action: 'inviteStaff',
        input,
        assertion: await signAssertion(api.services, { ...claims, input }, { mac: forgedMac }),
      },
      // The admin's valid assertion for another address, with the intruder's address put in.
      {
        action: 'inviteStaff',
        input,
        assertion: await signAssertion(api.services, {
          ...claims,
          input: { ...input, email: 'not.invited@charity.example' },
        }),
      },
      { action: 'inviteStaff', input, assertion: valid },
      { action: 'inviteStaff', input, assertion: valid },
    ];
    const cognito = await startCognitoEndpoint();

    // Act
    let run: Awaited<ReturnType<typeof runBundle>>;
    try {
      run = await runBundle(built.bundles.provisioner, events, {
        ...localStackEnv(stack),
        AWS_LAMBDA_FUNCTION_NAME: 'confide-test-provisioner',
        POWERTOOLS_SERVICE_NAME: 'confide-provisioner',
        CONFIDE_USER_POOL_ID: 'eu-west-2_AbCdEf123',
        CONFIDE_COGNITO_ENDPOINT: cognito.endpoint,
      });
    } finally {
      await cognito.stop();
    }

    // Assess: four refusals, each for its reason; then the valid one invites; its replay is refused.
    const answers = run.results.map((result) => (result.ok ? result.value : result)) as {
      ok: boolean;
      error?: { code: string; reason?: string };
    }[];
    expect(
      answers.map((answer) => (answer.ok ? 'ok' : `${answer.error?.code} ${answer.error?.reason}`)),
    ).toEqual([
      'FORBIDDEN missing',
      'FORBIDDEN expired',
      'FORBIDDEN signature',
      'FORBIDDEN input',
      'ok',
      'FORBIDDEN replayed',
    ]);
    expect(cognito.calls.filter((call) => call.operation === 'AdminCreateUser')).toHaveLength(1);
    // The log says why, by reason and ids; never the address.
    expect(run.output).toContain('provisioner request refused');
    for (const reason of ['missing', 'expired', 'signature', 'input', 'replayed']) {
      expect(run.output).toContain(`"reason":"${reason}"`);
    }
    expect(run.output).not.toContain(intruder);
    // Each refusal is also the `tampering-refused` alarm's metric (EMF: namespace Confide, service confide-provisioner;
    // issue 20); the valid invitation is not.
    const tampering = run.output
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"TamperingRefused"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(tampering.map((line) => line.reason)).toEqual([
      'missing',
      'expired',
      'signature',
      'input',
      'replayed',
    ]);
    for (const line of tampering) {
      expect(line).toMatchObject({
        _aws: {
          CloudWatchMetrics: [
            {
              Namespace: 'Confide',
              Dimensions: [['service']],
              Metrics: [{ Name: 'TamperingRefused', Unit: 'Count' }],
            },
          ],
        },
        service: 'confide-provisioner',
        TamperingRefused: 1,
      });
    }
    // The organisation's audit log has the refusals and the invitation, by the admin's and the member's ids.
    const events2 = await api.services.auditLog.bySubject(scope, staff.staffId);
    const provisioner = events2.filter((event) => event.operation === 'provisioner.inviteStaff');
    expect(provisioner.map((event) => event.outcome).sort()).toEqual([
      'COMPLETED',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    expect(provisioner.find((event) => event.outcome === 'COMPLETED')?.actor.id).toBe(org.adminStaffId);
  });
});
