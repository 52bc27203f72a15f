import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { heldClient, retentionWorld } from '../retention/retention-support';
import { codes } from '../support/care-fixtures';
import { onboardTestOrganisation } from '../support/fixtures';
import {
  exportWaived,
  OFFBOARD_MUTATION,
  type OffboardResult,
  offboardWithTwoOperators,
} from '../support/platform-fixtures';
import { testApi } from '../support/test-api';

/**
 * Offboarding takes two operators (issue 14), and an export of the charity's records or a waiver first (decision
 * 0034; only an export while records are under a legal hold). Someone who can write the table but holds no key
 * (decision 0030's threat) plants the first operator's request in another operator's name, so that one operator alone
 * offboards the charity; or plants an export that never happened, so that held records are destroyed. Both carry a
 * MAC under the organisation's integrity key (decisions 0101, 0103): the planted ones fail closed and offboard nothing.
 */

describe('a pending offboarding written in the table', () => {
  const api = testApi();

  it('does not let one operator offboard alone in another operator’s name', async () => {
    // Prepare: an organisation whose export was waived, and a request "by operator-2" put straight into the table.
    const org = await onboardTestOrganisation(api);
    await exportWaived(api, org.orgId);
    const now = Math.floor(Date.now() / 1000);
    await api.services.dynamo.send(
      new PutItemCommand({
        TableName: api.stack.tables.data,
        Item: {
          pk: { S: `PLATFORM#OFFBOARDING#${org.orgId}` },
          sk: { S: 'PENDING' },
          orgId: { S: org.orgId },
          proposedBy: { S: 'operator-2' },
          proposedAt: { S: new Date(now * 1000).toISOString() },
          window: { N: '7' },
          expiresAt: { N: String(now + 3600) },
        },
      }),
    );

    // Act: operator-1 "approves" it.
    const result: OffboardResult = await api.graphql(OFFBOARD_MUTATION, {
      token: await api.operatorToken(),
      variables: { input: { organisationId: org.orgId } },
    });

    // Assess: refused closed; the organisation is still active; the planted request is an incident.
    expect(codes(result)).toEqual(['INTERNAL']);
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('ACTIVE');
    expect(await api.services.integrityIncidents.list(tenantScope(org.orgId))).toEqual([
      expect.objectContaining({ kind: 'TAMPERED_STATE', subjectId: org.orgId, itemKind: 'OFFBOARDING' }),
    ]);
    const platform = await api.services.platformAudit.list({ organisationId: org.orgId });
    expect(platform.map((event) => event.outcome)).toContain('INTEGRITY_FAILURE');
  });

  it('a request made through the API still waits for, and is run by, a second operator', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    await exportWaived(api, org.orgId);
    const variables = { input: { organisationId: org.orgId } };

    // Act
    const first: OffboardResult = await api.graphql(OFFBOARD_MUTATION, {
      token: await api.operatorToken(),
      variables,
    });
    const again: OffboardResult = await api.graphql(OFFBOARD_MUTATION, {
      token: await api.operatorToken(),
      variables,
    });
    const second: OffboardResult = await api.graphql(OFFBOARD_MUTATION, {
      token: await api.secondOperatorToken(),
      variables,
    });

    // Assess
    expect(codes(first)).toEqual(['APPROVAL_REQUIRED']);
    expect(codes(again)).toEqual(['FORBIDDEN']);
    expect(second.errors).toBeUndefined();
    expect(second.data?.offboardOrganisation.status).toBe('OFFBOARDED');
    expect(await api.services.integrityIncidents.list(tenantScope(org.orgId))).toEqual([]);
  });
});

describe('an export record written in the table', () => {
  const api = testApi();

  it('does not stand in for the export that held records must have before offboarding', async () => {
    // Prepare: a person under a legal hold, so that offboarding needs a real export; an "EXPORTED" record put straight
    // into the organisation's partition instead.
    const world = await retentionWorld(api);
    await heldClient(api, world);
    const scope = tenantScope(world.org.orgId);
    const at = new Date().toISOString();
    await api.services.dynamo.send(
      new PutItemCommand({
        TableName: api.stack.tables.data,
        Item: {
          pk: { S: scope.key('EXPORTS') },
          sk: { S: `EXPORT#${at}#exp_forged` },
          orgId: { S: world.org.orgId },
          exportId: { S: 'exp_forged' },
          at: { S: at },
          kind: { S: 'EXPORTED' },
          by: { S: 'operator-1' },
          serviceUsers: { N: '1' },
          notes: { N: '0' },
          manifestDigest: { S: 'a'.repeat(64) },
        },
      }),
    );

    // Act: two operators offboard.
    const result = await offboardWithTwoOperators(api, world.org.orgId, 7, { exported: false });

    // Assess: refused closed; the held records are still there to export; the forged record is an incident.
    expect(codes(result)).toEqual(['INTERNAL']);
    expect((await api.services.directory.organisation(world.org.orgId))?.status).toBe('ACTIVE');
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({ kind: 'TAMPERED_STATE', itemKind: 'EXPORT' }),
    ]);
  });
});
