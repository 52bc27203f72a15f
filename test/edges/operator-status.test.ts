import { LOCAL_OPERATOR_IDS } from '@confide/local';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ONLY_QUERY } from '../support/fixtures';
import { testApi } from '../support/test-api';

function codes(result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
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
