import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CancelKeyDeletionCommand } from '@aws-sdk/client-kms';
import { asOrgId } from '@confide/domain';
import { KmsCheckpointSigner, localCheckpointKey } from '@confide/service-verifier/anchored-verify';
import { runVerifier } from '@confide/service-verifier/handler';
import { FileCheckpointStore, platformKey, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { offboardWithTwoOperators } from '../support/platform-fixtures';
import { scanTable } from '../support/table-scan';
import { ownTablesForFile, testApi } from '../support/test-api';

/**
 * The scheduled verifier takes the organisations to verify from the platform registry, which is not signed: an
 * organisation whose registry entry was deleted below the application dropped out of every later run, and the run
 * reported no failure, so a log tampered with after that went unreported. An organisation the checkpoint bucket
 * knows and the registry does not is now a failure of the run.
 */
describe('the scheduled verifier', () => {
  const tables = ownTablesForFile();
  const api = testApi({ tables });
  const checkpoints = mkdtempSync(join(tmpdir(), 'confide-registry-checkpoints-'));
  afterAll(() => rmSync(checkpoints, { recursive: true, force: true }));

  it('fails the run for an organisation it checkpointed that is no longer in the registry', async () => {
    // Prepare: two organisations verified and checkpointed by a scheduled run.
    const [kept, dropped] = [await onboardTestOrganisation(api), await onboardTestOrganisation(api)];
    const signer = new KmsCheckpointSigner(
      api.services.kms,
      await localCheckpointKey(api.services.kms, 'alias/confide-audit-checkpoints/registry-test'),
    );
    const deps = { services: api.services, store: new FileCheckpointStore(checkpoints), signer, pauseMs: 50 };
    const first = await runVerifier(deps, {});
    expect(first).toMatchObject({ organisations: 2, failed: 0 });

    // Act: the registry's entry of one of them deleted below the application; the next scheduled run.
    await api.services.dynamo.send(
      new DeleteItemCommand({
        TableName: tables.data,
        Key: { pk: { S: platformKey.organisations }, sk: { S: `ORG#${dropped.orgId}` } },
      }),
    );
    const next = await runVerifier(deps, {});

    // Assess: the other is verified as before; the one gone from the registry is a failure, named.
    expect(next.failed).toBe(1);
    expect(next.results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ orgId: kept.orgId, ok: true }),
        expect.objectContaining({ orgId: dropped.orgId, ok: false }),
      ]),
    );
  });

  it('verifies a checkpointed organisation marked offboarded below the application while its key is enabled, and passes by one offboarded', async () => {
    // Prepare: two organisations verified and checkpointed by a scheduled run, one with an audited change.
    const [rewritten, offboarded] = [await onboardTestOrganisation(api), await onboardTestOrganisation(api)];
    const published = await api.graphql(
      'mutation ($t: String!) { publishConfidentialityPolicy(title: $t) { id } }',
      { token: rewritten.adminToken, variables: { t: 'Confidentiality policy 2026' } },
    );
    expect(published.errors).toBeUndefined();
    const signer = new KmsCheckpointSigner(
      api.services.kms,
      await localCheckpointKey(api.services.kms, 'alias/confide-audit-checkpoints/registry-test'),
    );
    const deps = { services: api.services, store: new FileCheckpointStore(checkpoints), signer, pauseMs: 50 };
    const first = await runVerifier(deps, {});
    expect(first.results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ orgId: rewritten.orgId, ok: true }),
        expect.objectContaining({ orgId: offboarded.orgId, ok: true }),
      ]),
    );

    // Act: one offboarded by two operators (its key scheduled for deletion); the other's status rewritten
    // OFFBOARDED with one write to the table; the next scheduled run.
    const done = await offboardWithTwoOperators(api, offboarded.orgId, 7);
    expect(done.data?.offboardOrganisation.status).toBe('OFFBOARDED');
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: tables.data,
        Key: { pk: { S: tenantScope(rewritten.orgId).key('ORG') }, sk: { S: 'PROFILE' } },
        UpdateExpression: 'SET #status = :off',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':off': { S: 'OFFBOARDED' } },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    const next = await runVerifier(deps, {});
    // Then one of the rewritten organisation's audit events deleted below the application, and the next run.
    const [chained] = await scanTable(api.services.dynamo, {
      TableName: tables.data,
      FilterExpression: 'begins_with(pk, :audit) AND attribute_exists(chainSeq)',
      ExpressionAttributeValues: { ':audit': { S: `${tenantScope(rewritten.orgId).key('AUDIT')}#` } },
      ConsistentRead: true,
    });
    if (!chained?.pk || !chained.sk) throw new Error('no chained audit event');
    await api.services.dynamo.send(
      new DeleteItemCommand({ TableName: tables.data, Key: { pk: chained.pk, sk: chained.sk } }),
    );
    const tampered = await runVerifier(deps, {});

    // Assess: the rewritten one is still verified (its key opens its audit), and the deletion is caught; the one
    // genuinely offboarded is passed by, as before.
    expect(next.results).toContainEqual(expect.objectContaining({ orgId: rewritten.orgId, ok: true }));
    expect(tampered.results).toContainEqual(expect.objectContaining({ orgId: rewritten.orgId, ok: false }));
    expect(tampered.failed).toBeGreaterThanOrEqual(1);
    expect(next.results.filter((result) => result.orgId === offboarded.orgId)).toEqual([]);
  });

  it('passes by an offboarded organisation whose key deletion an operator cancelled: the key is left disabled', async () => {
    // Prepare: an organisation verified and checkpointed, then offboarded by two operators; an operator cancels the key's
    // deletion to keep its records readable for an export (infra/README.md), which leaves the key disabled.
    const org = await onboardTestOrganisation(api);
    const signer = new KmsCheckpointSigner(
      api.services.kms,
      await localCheckpointKey(api.services.kms, 'alias/confide-audit-checkpoints/registry-test'),
    );
    const deps = { services: api.services, store: new FileCheckpointStore(checkpoints), signer, pauseMs: 50 };
    expect((await runVerifier(deps, {})).results).toContainEqual(
      expect.objectContaining({ orgId: org.orgId, ok: true }),
    );
    const done = await offboardWithTwoOperators(api, org.orgId, 7);
    expect(done.data?.offboardOrganisation.status).toBe('OFFBOARDED');
    const stored = await api.services.directory.storedOrganisation(asOrgId(org.orgId));
    await api.services.kms.send(new CancelKeyDeletionCommand({ KeyId: stored?.kmsKeyArn }));

    // Act
    const next = await runVerifier(deps, {});

    // Assess: not a failure (only KMS rights disable a key), so the alarm stays free to report a real one.
    expect(next.results.filter((result) => result.orgId === org.orgId)).toEqual([]);
  });

  it('counts a run whose checkpoint listing fails as failed, and still answers what it verified', async () => {
    // Prepare: a store whose listing fails (S3 unreachable, say).
    const org = await onboardTestOrganisation(api);
    const signer = new KmsCheckpointSigner(
      api.services.kms,
      await localCheckpointKey(api.services.kms, 'alias/confide-audit-checkpoints/registry-test'),
    );
    const files = new FileCheckpointStore(checkpoints);
    const store = {
      latest: (orgId: string) => files.latest(orgId),
      put: (signed: Parameters<FileCheckpointStore['put']>[0]) => files.put(signed),
      organisations: () => Promise.reject(new Error('Injected: listing refused')),
    };

    // Act
    const run = await runVerifier({ services: api.services, store, signer, pauseMs: 50 }, {});

    // Assess: the organisations were verified, and the run says it failed.
    expect(run.failed).toBeGreaterThanOrEqual(1);
    expect(run.results).toEqual(
      expect.arrayContaining([expect.objectContaining({ orgId: org.orgId, ok: true })]),
    );
  });
});
