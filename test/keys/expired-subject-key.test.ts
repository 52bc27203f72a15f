import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, expectNoErrors } from '../support/care-fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * DATA-PROTECTION.md, Retention: "every read filters items whose expiresAt has passed, so nothing expired is ever
 * returned". A person's data key gets its own expiry when their case closes (the records' expiry, plus the
 * quarantine's margin): once it has passed, the key opens nothing, whether or not DynamoDB's TTL has deleted it yet —
 * the stated purposes sealed under it in the audit read as erased.
 */

describe('a subject key past its expiry', () => {
  const api = testApi();

  it('opens nothing once its expiry has passed, before TTL deletes it', async () => {
    // Prepare: a read with a stated purpose, sealed under the person's key
    const { org, worker, client } = await allocatedPerson(api);
    expectNoErrors(
      await api.graphql(
        'query ($id: ID!) @purpose(reason: "Canary-purpose: planning the visit") { serviceUser(id: $id) { name } }',
        { token: worker.token, variables: { id: client } },
      ),
    );
    const scope = tenantScope(org.orgId);
    const clientId = localIdOf(client);
    const before = await api.services.auditLog.bySubject(scope, clientId);
    expect(JSON.stringify(before)).toContain('Canary-purpose');

    // Act: the key's expiry passes; DynamoDB has not deleted it yet
    const { table, key } = api.services.keys.subjectKeyLocation(org.orgId, clientId);
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 60) } },
      }),
    );
    const after = await api.services.auditLog.bySubject(scope, clientId);

    // Assess
    expect(JSON.stringify(after)).not.toContain('Canary-purpose');
    expect(after.find((event) => event.operation === 'serviceUser')?.purpose).toBe('erased');
    expect(await api.services.keys.subjectKey(org.orgId, clientId)).toBeUndefined();
  });
});
