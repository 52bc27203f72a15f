import { verifyAuditLog } from '@confide/api';
import type { OrgId } from '@confide/domain';
import { type AuditEvent, AuditLog, ChainLeases, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { addStaff } from '../support/fixtures';
import { seedClients, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * The audit's hash chains under concurrent writers (docs/decisions/0012): 200 concurrent GraphQL requests of one
 * process leave 1,000 events that verify clean, each request within the two-write budget; writers in different
 * processes (each with its own chain leases, as separate Lambda containers have) never fork a chain — a writer
 * that meets another retries on the head it met, within the budget.
 */

/** An AuditLog as another process would have it: same table and keys, its own chain leases. */
function otherProcess(api: TestApi, leases: ChainLeases = new ChainLeases()): AuditLog {
  return new AuditLog(api.services.dynamo, api.services.config.tables.data, api.services.keys, () => leases);
}

function events(orgId: OrgId, requestId: string, actorId: string, subjects: readonly string[]): AuditEvent[] {
  return subjects.map((subjectId) => ({
    orgId,
    requestId,
    at: new Date().toISOString(),
    actor: { kind: 'STAFF', id: actorId, roles: ['SUPPORT_WORKER'] },
    action: 'READ',
    operation: 'serviceUser',
    subjectId,
    fields: ['ServiceUser.name'],
    classifications: ['IDENTIFYING'],
    relationship: 'ALLOCATED',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: 'matrix.allocated-support-worker',
  }));
}

describe('the audit chains under concurrent writers', () => {
  const api = testApi();

  it('verify clean after 1,000 events from 200 concurrent requests, each request one write call', async () => {
    // Prepare: ten clients allocated to one worker; each request reads five of them
    const world = await serviceWorld(api);
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const clients = await seedClients(api, world.org.orgId, world.serviceId, 10, {
      allocateTo: worker.staffId,
    });
    const query = `query ($a: ID!, $b: ID!, $c: ID!, $d: ID!, $e: ID!) {
      a: serviceUser(id: $a) { reference } b: serviceUser(id: $b) { reference } c: serviceUser(id: $c) { reference }
      d: serviceUser(id: $d) { reference } e: serviceUser(id: $e) { reference }
    }`;
    const variablesFor = (request: number) =>
      Object.fromEntries(
        ['a', 'b', 'c', 'd', 'e'].map((name, index) => [
          name,
          clients[(request + index * 2) % clients.length]?.globalId,
        ]),
      );
    const before = (await verifyAuditLog(api.services, tenantScope(world.org.orgId))).checked;
    api.services.counters.reset();

    // Act
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, request) =>
        api.graphql(query, { token: worker.token, variables: variablesFor(request) }),
      ),
    );
    const writes = api.services.counters.snapshot()['DynamoDB.TransactWriteItems'] ?? 0;
    const result = await verifyAuditLog(api.services, tenantScope(world.org.orgId));

    // Assess
    expect(results.filter((r) => r.errors !== undefined).map((r) => r.text)).toEqual([]);
    // One process never conflicts with itself: one write call per request, none retried.
    expect(writes).toBe(200);
    expect(result).toEqual({ ok: true, checked: before + 1000, problems: 0 });
  });

  it('retries a writer that meets another process on its chain on the head it met, within the budget', async () => {
    // Prepare: two processes that both start on chain 0 (their random choice is pinned)
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    const first = otherProcess(api, new ChainLeases(undefined, () => 0));
    const second = otherProcess(api, new ChainLeases(undefined, () => 0));
    const before = (await verifyAuditLog(api.services, tenantScope(orgId))).checked;
    await first.write(events(orgId, 'req-first-1', world.manager.staffId, ['su-a']));
    await second.write(events(orgId, 'req-second-1', world.manager.staffId, ['su-b']));
    api.services.counters.reset();

    // Act: the first process still believes chain 0's head is its own last write
    await first.write(events(orgId, 'req-first-2', world.manager.staffId, ['su-a', 'su-b']));
    const writes = api.services.counters.snapshot()['DynamoDB.TransactWriteItems'];
    const result = await verifyAuditLog(api.services, tenantScope(orgId));

    // Assess
    expect(writes).toBe(2);
    expect(result).toEqual({ ok: true, checked: before + 4, problems: 0 });
  });

  it('writes within the budget when every head a process remembers went stale while it was idle', async () => {
    // Prepare: the first process (an idle Lambda container) knows the heads of chains 0 and 1 from two writes at
    // once; the second (a busy container) then extends both chains (their random choice is pinned to the lowest)
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    const first = otherProcess(api, new ChainLeases(undefined, () => 0));
    const second = otherProcess(api, new ChainLeases(undefined, () => 0));
    const write = (log: AuditLog, requestId: string) =>
      log.write(events(orgId, requestId, world.manager.staffId, ['su-a']));
    await Promise.all([write(first, 'req-idle-1'), write(first, 'req-idle-2')]);
    await Promise.all([write(second, 'req-busy-1'), write(second, 'req-busy-2')]);
    const before = (await verifyAuditLog(api.services, tenantScope(orgId))).checked;
    api.services.counters.reset();

    // Act: the first process's next request
    const written = await write(first, 'req-idle-3').then(
      (calls) => calls,
      (error: unknown) => error,
    );

    // Assess: the stale head costs one call; the second extends the head the refusal returned
    expect(written).toBe(2);
    expect(api.services.counters.snapshot()['DynamoDB.TransactWriteItems']).toBe(2);
    expect(await verifyAuditLog(api.services, tenantScope(orgId))).toEqual({
      ok: true,
      checked: before + 1,
      problems: 0,
    });
  });

  it('fails closed, writing nothing, when a write allowed a single call meets another process', async () => {
    // Prepare: as above, but the write may use only one call (a mutation's flush before its data write)
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    const first = otherProcess(api, new ChainLeases(undefined, () => 0));
    const second = otherProcess(api, new ChainLeases(undefined, () => 0));
    await first.write(events(orgId, 'req-one-1', world.manager.staffId, ['su-a']));
    await second.write(events(orgId, 'req-two-1', world.manager.staffId, ['su-b']));
    const before = (await verifyAuditLog(api.services, tenantScope(orgId))).checked;
    api.services.counters.reset();

    // Act
    const attempt = first.write(events(orgId, 'req-one-2', world.manager.staffId, ['su-a']), { maxCalls: 1 });

    // Assess
    await expect(attempt).rejects.toThrow();
    expect(api.services.counters.snapshot()['DynamoDB.TransactWriteItems']).toBe(1);
    expect(await verifyAuditLog(api.services, tenantScope(orgId))).toEqual({
      ok: true,
      checked: before,
      problems: 0,
    });
  });

  it('never forks a chain when six processes write at once; a write that cannot fit the budget writes nothing', async () => {
    // Prepare
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    const processes = Array.from({ length: 6 }, () => otherProcess(api));
    const before = (await verifyAuditLog(api.services, tenantScope(orgId))).checked;

    // Act: each process writes 20 requests one after another, as a Lambda container serves them
    const outcomes = await Promise.all(
      processes.map(async (log, process) => {
        let failed = 0;
        for (let request = 0; request < 20; request++) {
          await log
            .write(
              events(orgId, `req-${process}-${request}`, world.manager.staffId, ['su-a', 'su-b', 'su-c']),
            )
            .catch(() => failed++);
        }
        return failed;
      }),
    );
    const failed = outcomes.reduce((sum, count) => sum + count, 0);
    const result = await verifyAuditLog(api.services, tenantScope(orgId));

    // Assess: every written event verifies; at most a rare write failed closed (and then wrote nothing)
    expect(failed).toBeLessThanOrEqual(6);
    expect(result).toEqual({ ok: true, checked: before + (120 - failed) * 3, problems: 0 });
  });
});
