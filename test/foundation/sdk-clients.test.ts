import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { newOrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { testApi } from '../support/test-api';

/** Whether a client's middleware stack still holds the SDK's logger middleware. */
const hasLoggerMiddleware = (client: DynamoDBClient | KMSClient): boolean =>
  client.middlewareStack.identify().some((entry) => entry.startsWith('loggerMiddleware'));

/**
 * The api's SDK clients run without the SDK's logger middleware (issue 18, decision 0038): Confide never gives the SDK
 * a logger, and the middleware would still run on every call (copying the input through its schema on every failed
 * one). Real clients against the local stack: the middleware is gone and calls, failed ones too, still work.
 */
describe("the api's SDK clients", () => {
  it('have no logger middleware, and DynamoDB and KMS calls still answer (and fail) as before', async () => {
    // Prepare
    const { services } = testApi();

    // Act
    const table = await services.dynamo.send(
      new DescribeTableCommand({ TableName: services.config.tables.data }),
    );
    const key = await services.kms.send(new CreateKeyCommand({ Description: 'sdk-clients test' }));
    const dataKey = await services.kms.send(
      new GenerateDataKeyCommand({ KeyId: key.KeyMetadata?.KeyId ?? '', KeySpec: 'AES_256' }),
    );
    const missing = await services.kms
      .send(new DescribeKeyCommand({ KeyId: 'alias/confide/test/no-such-organisation' }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    // Assess
    expect(hasLoggerMiddleware(services.dynamo)).toBe(false);
    expect(hasLoggerMiddleware(services.kms)).toBe(false);
    expect(table.Table?.TableName).toBe(services.config.tables.data);
    expect(dataKey.Plaintext?.byteLength).toBe(32);
    expect((missing as Error | undefined)?.name).toBe('NotFoundException');
    // The request counters' middleware, added beside it, is still there.
    expect(services.counters.snapshot()).toMatchObject({
      'DynamoDB.DescribeTable': 1,
      'KMS.CreateKey': 1,
      'KMS.GenerateDataKey': 1,
    });
  });

  it("has no logger middleware on each organisation's assumed clients either (as deployed, decision 0031)", () => {
    // Prepare: the api as CDK configures it, with per-organisation clients (no call is made, so no STS is needed).
    const { services } = testApi({
      env: { CONFIDE_TENANT_ACCESS_ROLE_ARN: 'arn:aws:iam::000000000000:role/confide-test-tenant-access' },
    });
    const orgId = newOrgId();

    // Act
    const dynamo = services.tenantClients.forOrg(orgId);
    const kms = (services.tenantClients as { kmsForOrg?: (id: typeof orgId) => KMSClient }).kmsForOrg?.(
      orgId,
    );

    // Assess
    expect(dynamo).not.toBe(services.dynamo);
    expect(kms).toBeDefined();
    expect(hasLoggerMiddleware(dynamo)).toBe(false);
    expect(hasLoggerMiddleware(kms as KMSClient)).toBe(false);
  });
});
