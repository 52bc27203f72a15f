import { verifyAuditLog } from '@confide/api';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { monitoringWorld, readClients } from '../monitoring/monitoring-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { testApi } from '../support/test-api';

/**
 * Exactness under load (issue 16, capability 3): verify run while the organisation is busy must not cry wolf. It
 * used to read the chain heads first and the events after, so an event written in between stood "beyond the chain's
 * head" and a healthy log failed verification.
 */
describe('audit verify while the organisation is busy', () => {
  const api = testApi();

  it('passes every run made while ordinary reads are being audited', async () => {
    // Prepare
    const world = await monitoringWorld(api, 3);
    await readClients(api, world.worker, world.clients, 'Support visit');
    let reading = true;
    const readers = Array.from({ length: 6 }, async () => {
      let reads = 0;
      while (reading) {
        await readClients(api, world.worker, world.clients, `Visit ${reads++}`);
      }
      return reads;
    });

    // Act
    const results = [];
    try {
      for (let run = 0; run < 8; run++) {
        results.push(await verifyAuditLog(api.services, tenantScope(world.org.orgId)));
      }
    } finally {
      reading = false;
    }
    const reads = await Promise.all(readers);
    const after = await verifyAuditLog(api.services, tenantScope(world.org.orgId));

    // Assess
    expect(reads.reduce((a, b) => a + b, 0)).toBeGreaterThan(8);
    expect(results.filter((result) => !result.ok).map((result) => result.reason)).toEqual([]);
    expect(after.ok).toBe(true);
  });

  it('passes when an event is written between its read of the chain heads and its read of the events', async () => {
    // Prepare: a read audited exactly after verify has read the heads, whatever the machine's speed
    const world = await monitoringWorld(api, 2);
    await readClients(api, world.worker, world.clients, 'Support visit');
    const meanwhile = interleavingDynamoClient(
      api,
      (call) =>
        call.commandName === 'BatchGetItemCommand' && JSON.stringify(call.input).includes('#AUDIT#CHAIN#'),
      () => readClients(api, world.worker, world.clients, 'Visit in between'),
      { afterRead: true },
    );

    // Act
    const result = await verifyAuditLog(
      testApi({ dynamo: meanwhile.client }).services,
      tenantScope(world.org.orgId),
    );

    // Assess
    expect(meanwhile.interleaved()).toBe(true);
    expect(result.ok, result.reason).toBe(true);
  });
});
