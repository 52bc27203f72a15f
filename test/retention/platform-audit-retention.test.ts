import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { addYears, newOrgId, toEpochSeconds } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';

/**
 * The platform audit log (operators' and the provisioner's actions, naming organisations and operators' subjects) is
 * an audit record like the access audit: kept eight years, the policies' default, then gone (DATA-PROTECTION.md,
 * Retention). It had no expiry at all.
 */
describe('platform audit retention', () => {
  it('keeps each event eight years: it carries its expiry, and is not listed once past it', async () => {
    // Prepare
    const clock = new MovableClock();
    const api = testApi({ clock });
    const organisationId = newOrgId();

    // Act
    const event = await api.services.platformAudit.record({
      actor: { kind: 'OPERATOR', id: 'operator-1' },
      operation: 'test.retention',
      organisationId,
      outcome: 'COMPLETED',
      rule: undefined,
      requestId: undefined,
    });
    const listedNow = await api.services.platformAudit.list({ organisationId });
    clock.set(new Date(addYears(new Date(event.at), 8).getTime() + 1000));
    const listedAfter = await api.services.platformAudit.list({ organisationId });

    // Assess
    const { Items: stored = [] } = await api.services.dynamo.send(
      new QueryCommand({
        TableName: api.stack.tables.data,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: {
          ':pk': { S: 'PLATFORM#AUDIT' },
          ':sk': { S: `${event.at}#${event.eventId}` },
        },
      }),
    );
    expect(stored.map((item) => item.expiresAt?.N)).toEqual([
      String(toEpochSeconds(addYears(new Date(event.at), 8))),
    ]);
    expect(listedNow.map((listed) => listed.eventId)).toEqual([event.eventId]);
    expect(listedAfter).toEqual([]);
  });
});
