import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { IMPORT_RECORDS_LIFETIME_DAYS, ImportRecords, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';

/**
 * An import's own records (decision 0032: a row identity per source row, a run item per run) are kept only as long as
 * an interrupted import may be run again (decision 0082). A row identity links a keyed HMAC of the source system's id
 * to the client it became; kept for ever, it outlived the person's own records, their erasure included.
 */

const DAY_MS = 86_400_000;

describe("an import's row identities and run items", () => {
  const api = testApi();

  it('carry an expiry, are gone once it passes, and a row can then be claimed again', async () => {
    // Prepare: a run and a row claimed, written and done by an import at the clock's time
    const org = await onboardTestOrganisation(api);
    const scope = tenantScope(org.orgId);
    const clock = new MovableClock();
    const { dynamo, config, keys } = api.services;
    const records = new ImportRecords(dynamo, config.tables.data, keys, clock);
    const rowKey = await records.rowKey(scope, 'legacy-crm', 'CLIENT', 'C-1001');
    await records.startRun(scope, {
      runId: 'run-1',
      serviceId: 'svc_x',
      operatorId: 'op',
      sourceSystem: 'legacy-crm',
    });
    const claimedAt = await records.claim(scope, 'run-1', [{ rowKey, clientId: 'cli_a' }]);
    await records.done(scope, [
      { rowKey, recordId: 'cli_a', clientId: 'cli_a', runId: 'run-1', claimedAt: String(claimedAt) },
    ]);
    const expiryOf = async (pk: string, sk: string) =>
      (
        await dynamo.send(
          new GetItemCommand({ TableName: config.tables.data, Key: { pk: { S: pk }, sk: { S: sk } } }),
        )
      ).Item?.expiresAt?.N;
    const expected = String(Math.floor(clock.now().getTime() / 1000) + IMPORT_RECORDS_LIFETIME_DAYS * 86_400);

    // Act: the lifetime passes
    const rowExpiry = await expiryOf(scope.key('IMPORT-ROW', rowKey), 'IMPORT-ROW');
    const runExpiry = await expiryOf(scope.key('IMPORT-RUN', 'run-1'), 'IMPORT-RUN');
    const before = await records.rows(scope, [rowKey]);
    clock.advanceMs(IMPORT_RECORDS_LIFETIME_DAYS * DAY_MS + 1000);
    const after = await records.rows(scope, [rowKey]);
    const runAfter = await records.run(scope, 'run-1');
    const claimedAgain = await records.claim(scope, 'run-2', [{ rowKey, clientId: 'cli_b' }]);

    // Assess
    expect(rowExpiry).toBe(expected);
    expect(runExpiry).toBe(expected);
    expect(before.get(rowKey)).toMatchObject({ state: 'DONE', clientId: 'cli_a' });
    expect(after.size).toBe(0);
    expect(runAfter).toBeUndefined();
    expect(claimedAgain).not.toBe(false);
    expect((await records.rows(scope, [rowKey])).get(rowKey)).toMatchObject({
      state: 'CLAIMED',
      clientId: 'cli_b',
    });
  });
});
