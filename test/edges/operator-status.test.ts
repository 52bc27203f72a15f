import { type OperatorAccounts, runProvisionerEvent, signAssertion } from '@confide/api/provisioning';
import { LOCAL_OPERATOR_IDS } from '@confide/local';
import { describe, expect, it } from 'vitest';
import { failingDynamoClient } from '../support/failing-dynamo';
import { OPERATOR_ONLY_QUERY, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

function codes(result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

/**
 * The operators' users of a user pool as the provisioner sees them: `user` looks one up; the subjects it was asked to
 * disable and enable, in order, are in `calls`. The wire protocol is exercised by the built-artifact tests.
 */
function operatorPool(
  user: (username: string) => { subject: string; inGroup: boolean } | undefined,
): OperatorAccounts & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    operator: async (username) => user(username),
    disable: async (subject) => calls.push(`disable ${subject}`) > 0,
    enable: async (subject) => calls.push(`enable ${subject}`) > 0,
  };
}

describe("an operator's status is re-checked on the server (issue 17 item 6, decision 0026)", () => {
  const api = testApi();
  const operatorToken = (operatorId: string) =>
    api.token({ sub: operatorId, 'cognito:groups': ['confide-operators'] });
  const newOperatorId = () => `op-${Math.random().toString(36).slice(2, 10)}`;

  it('refuses a token in the operators group whose subject has no stored operator record', async () => {
    const token = await operatorToken(newOperatorId());

    const result = await api.graphql(OPERATOR_ONLY_QUERY, { token });

    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('admits a registered ACTIVE operator, and refuses them once a second operator suspended them', async () => {
    const operatorId = newOperatorId();
    await api.services.operators.register(operatorId, 'deployment');
    const token = await operatorToken(operatorId);
    expect(codes(await api.graphql(OPERATOR_ONLY_QUERY, { token }))).toEqual([]);

    const suspended = await api.services.operators.suspend(operatorId, 'local-operator', 'req-suspend-1');

    expect(suspended.status).toBe('SUSPENDED');
    expect(codes(await api.graphql(OPERATOR_ONLY_QUERY, { token }))).toEqual(['UNAUTHENTICATED']);
    const events = await api.services.platformAudit.list({ limit: 200 });
    expect(
      events.find((event) => event.operation === 'suspendOperator' && event.requestId === 'req-suspend-1'),
    ).toMatchObject({ actor: { kind: 'OPERATOR', id: 'local-operator' }, outcome: 'COMPLETED' });
  });

  it('does not let an operator suspend themself, nor a suspended or unknown operator suspend anyone', async () => {
    const operatorId = newOperatorId();
    const other = newOperatorId();
    await api.services.operators.register(operatorId, 'deployment');
    await api.services.operators.register(other, 'deployment');

    await expect(api.services.operators.suspend(operatorId, operatorId, 'req-self')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      api.services.operators.suspend(operatorId, newOperatorId(), 'req-unknown'),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await api.services.operators.suspend(other, 'local-operator', 'req-other');
    await expect(api.services.operators.suspend(operatorId, other, 'req-suspended')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await api.services.operators.status(operatorId))?.status).toBe('ACTIVE');
  });

  it('the local stack and tests have their operators seeded ACTIVE', async () => {
    for (const operatorId of LOCAL_OPERATOR_IDS) {
      expect((await api.services.operators.status(operatorId))?.status).toBe('ACTIVE');
    }
    expect(codes(await api.graphql(OPERATOR_ONLY_QUERY, { token: await api.operatorToken() }))).toEqual([]);
  });
});

describe('suspending an operator through the API (decision 0106)', () => {
  const api = testApi();
  const operatorToken = (operatorId: string) =>
    api.token({ sub: operatorId, 'cognito:groups': ['confide-operators'] });
  const newOperatorId = () => `op-${Math.random().toString(36).slice(2, 10)}`;
  const SUSPEND = `mutation ($operatorId: String!) {
    suspendOperator(operatorId: $operatorId) { operatorId status changedBy changedAt }
  }`;

  it('a second operator suspends one at once; the suspended operator’s token is refused from the next request', async () => {
    // Prepare: an operator who is leaving, signed in.
    const leaving = newOperatorId();
    await api.services.operators.register(leaving, 'deployment');
    const leavingToken = await operatorToken(leaving);
    expect(codes(await api.graphql(OPERATOR_ONLY_QUERY, { token: leavingToken }))).toEqual([]);

    // Act
    const result = await api.graphql<{ suspendOperator: Record<string, unknown> }>(SUSPEND, {
      token: await api.operatorToken(),
      variables: { operatorId: leaving },
    });

    // Assess: suspended by the operator who asked, recorded in the platform audit, refused at once.
    expect(codes(result)).toEqual([]);
    expect(result.data?.suspendOperator).toMatchObject({
      operatorId: leaving,
      status: 'SUSPENDED',
      changedBy: 'operator-1',
    });
    expect(codes(await api.graphql(OPERATOR_ONLY_QUERY, { token: leavingToken }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    const events = await api.services.platformAudit.list({ limit: 500 });
    expect(
      events
        .filter((event) => event.operation === 'suspendOperator' && event.subjectId === leaving)
        .map((event) => event.outcome),
    ).toEqual(['COMPLETED', 'ALLOWED']);
  });

  it('refuses oneself, an unknown or already suspended operator, bad input and anyone but an operator; changing nothing', async () => {
    // Prepare
    const operatorId = newOperatorId();
    await api.services.operators.register(operatorId, 'deployment');
    const suspended = newOperatorId();
    await api.services.operators.register(suspended, 'deployment');
    await api.services.operators.suspend(suspended, 'local-operator', undefined);
    const ask = async (target: string, token: string) =>
      codes(await api.graphql(SUSPEND, { token, variables: { operatorId: target } }));

    // Act
    const self = await ask(operatorId, await operatorToken(operatorId));
    const unknown = await ask(newOperatorId(), await api.operatorToken());
    const again = await ask(suspended, await api.operatorToken());
    const blank = await ask(' ', await api.operatorToken());
    const tooLong = await ask('x'.repeat(200), await api.operatorToken());
    const freeText = await ask('ops one@platform.example', await api.operatorToken());
    const noToken = codes(await api.graphql(SUSPEND, { variables: { operatorId } }));

    // Assess
    expect(self).toEqual(['FORBIDDEN']);
    expect(unknown).toEqual(['NOT_FOUND']);
    expect(again).toEqual(['CONFLICT']);
    expect(blank).toEqual(['BAD_USER_INPUT']);
    expect(tooLong).toEqual(['BAD_USER_INPUT']);
    expect(freeText).toEqual(['BAD_USER_INPUT']);
    expect(noToken).toEqual(['UNAUTHENTICATED']);
    expect((await api.services.operators.status(operatorId))?.status).toBe('ACTIVE');
  });

  it('refuses a staff member, even an organisation admin', async () => {
    const operatorId = newOperatorId();
    await api.services.operators.register(operatorId, 'deployment');
    const org = await onboardTestOrganisation(api);

    const result = await api.graphql(SUSPEND, { token: org.adminToken, variables: { operatorId } });

    expect(codes(result)).toEqual(['FORBIDDEN']);
    expect((await api.services.operators.status(operatorId))?.status).toBe('ACTIVE');
  });

  it('a reactivation whose write faults leaves the operator suspended and is recorded as FAILED (decision 0113)', async () => {
    // Prepare: a suspended operator of the pool's group; the provisioner's write of their status fails.
    const operatorId = newOperatorId();
    await api.services.operators.register(operatorId, 'deployment');
    await api.services.operators.suspend(operatorId, 'local-operator', undefined);
    const failing = failingDynamoClient(
      api,
      (call) =>
        JSON.stringify(call.input).includes(`PLATFORM#OPERATOR#${operatorId}`) &&
        JSON.stringify(call.input).includes('"ACTIVE"'),
    );
    const provisioner = testApi({ dynamo: failing.client });
    const operators = operatorPool(() => ({ subject: operatorId, inGroup: true }));

    // Act
    const answer = runProvisionerEvent(
      provisioner.services,
      { action: 'reactivateOperator', input: { username: 'ops.back@platform.example' } },
      undefined,
      undefined,
      { requestId: `req-${operatorId}`, operators },
    );

    // Assess: the fault surfaces (a function error), nothing changed, and the platform audit says so.
    await expect(answer).rejects.toThrow('Injected failure');
    expect(failing.failures()).toBe(1);
    expect((await api.services.operators.status(operatorId))?.status).toBe('SUSPENDED');
    // Their user was enabled before the write (decision 0128): still refused, as the status says, until done again.
    expect(operators.calls).toEqual([`enable ${operatorId}`]);
    const events = (await api.services.platformAudit.list({ limit: 500 })).filter(
      (event) => event.requestId === `req-${operatorId}`,
    );
    expect(events.map((event) => event.outcome).sort()).toEqual(['ALLOWED', 'FAILED']);
  });
});

describe("a suspended operator's user in the pool is disabled, on another active operator's signed word (decision 0128)", () => {
  const api = testApi();
  const newOperatorId = () => `op-${Math.random().toString(36).slice(2, 10)}`;
  /** The provisioner event the api sends after a suspension, signed for `actor` (an operator unless said). */
  const disableEvent = async (operatorId: string, actor: string, kind: 'OPERATOR' | 'STAFF' = 'OPERATOR') => {
    const input = { operatorId };
    const assertion = await signAssertion(api.services, {
      organisationId: '',
      action: 'disableOperatorSignIn',
      target: operatorId,
      input,
      actor: { kind, id: actor },
    });
    return { action: 'disableOperatorSignIn', input, assertion };
  };

  it('disables the suspended operator’s user; refuses an unsigned request, the operator themself, a suspended or staff signer, an active operator and bad input, disabling nothing else', async () => {
    // Prepare: a suspended operator, an active one, and a suspended operator who might sign for another.
    const [suspended, active, alsoSuspended] = [newOperatorId(), newOperatorId(), newOperatorId()];
    for (const operatorId of [suspended, active, alsoSuspended])
      await api.services.operators.register(operatorId, 'deployment');
    await api.services.operators.suspend(suspended, 'local-operator', undefined);
    await api.services.operators.suspend(alsoSuspended, 'local-operator', undefined);
    const pool = operatorPool(() => undefined);
    const requestId = `req-${suspended}`;
    const run = (event: unknown) =>
      runProvisionerEvent(api.services, event, undefined, undefined, { requestId, operators: pool });

    // Act
    const done = await run(await disableEvent(suspended, 'local-operator'));
    const unsigned = await run({ action: 'disableOperatorSignIn', input: { operatorId: suspended } });
    const bySelf = await run(await disableEvent(suspended, suspended));
    const bySuspended = await run(await disableEvent(suspended, alsoSuspended));
    const byStaff = await run(await disableEvent(suspended, 'stf_someone', 'STAFF'));
    const ofActive = await run(await disableEvent(active, 'local-operator'));
    const freeText = await run({
      ...(await disableEvent('ops one@platform.example', 'local-operator')),
      input: { operatorId: 'ops one@platform.example' },
    });

    // Assess: one user disabled, by subject; each refusal with its code or reason; recorded on the platform.
    expect(done).toEqual({
      ok: true,
      action: 'disableOperatorSignIn',
      operatorId: suspended,
      disabled: true,
    });
    expect(unsigned).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'missing' } });
    for (const refused of [bySelf, bySuspended, byStaff]) {
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'actor' } });
    }
    expect(ofActive).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', field: ['input', 'operatorId'] },
    });
    expect(freeText).toMatchObject({
      ok: false,
      error: { code: 'BAD_USER_INPUT', field: ['input', 'operatorId'] },
    });
    expect(pool.calls).toEqual([`disable ${suspended}`]);
    expect((await api.services.operators.status(active))?.status).toBe('ACTIVE');
    const events = (await api.services.platformAudit.list({ limit: 500 })).filter(
      (event) => event.requestId === requestId && event.operation === 'provisioner.disableOperatorSignIn',
    );
    expect(events.map((event) => [event.outcome, event.subjectId]).sort()).toEqual([
      ['COMPLETED', suspended],
      ['FORBIDDEN', suspended],
      ['FORBIDDEN', suspended],
      ['FORBIDDEN', suspended],
      ['FORBIDDEN', suspended],
    ]);
  });

  it('reactivating enables the operator’s user; an active one’s is not touched', async () => {
    // Prepare
    const [suspended, active] = [newOperatorId(), newOperatorId()];
    for (const operatorId of [suspended, active])
      await api.services.operators.register(operatorId, 'deployment');
    await api.services.operators.suspend(suspended, 'local-operator', undefined);
    const pool = operatorPool((username) => ({ subject: username, inGroup: true }));
    const reactivate = (subject: string) =>
      runProvisionerEvent(
        api.services,
        { action: 'reactivateOperator', input: { username: subject } },
        undefined,
        undefined,
        { operators: pool },
      );

    // Act
    const back = await reactivate(suspended);
    const already = await reactivate(active);

    // Assess
    expect(back).toEqual({ ok: true, action: 'reactivateOperator', operatorId: suspended });
    expect(already).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(pool.calls).toEqual([`enable ${suspended}`]);
    expect((await api.services.operators.status(suspended))?.status).toBe('ACTIVE');
  });
});
