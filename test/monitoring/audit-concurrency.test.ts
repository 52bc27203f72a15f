import {
  DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { verifyAuditLog } from '@confide/api';
import type { OrgId } from '@confide/domain';
import {
  type AuditEvent,
  AuditLog,
  CHAIN_SHARDS,
  ChainLeases,
  MAX_AUDIT_CONFLICT_RETRIES,
  tenantScope,
} from '@confide/store';
import { describe, expect, it } from 'vitest';
import { addStaff } from '../support/fixtures';
import { seedClients, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * The audit's hash chains under concurrent writers (docs/decisions/0012): 200 concurrent GraphQL requests of one
 * process leave 1,000 events that verify clean, each request within the two-write budget; writers in different
 * processes (each with its own chain leases, as separate Lambda containers have) never fork a chain — a writer
 * that meets another retries beyond its budget, on the head it met, then on another chain — and fail closed, writing
 * nothing, only when they keep meeting others.
 */

/** An AuditLog as another process would have it: same table and keys, its own chain leases. */
function otherProcess(api: TestApi, leases: ChainLeases = new ChainLeases()): AuditLog {
  return new AuditLog(api.services.dynamo, api.services.config.tables.data, api.services.keys, () => leases);
}

/** Another process whose first write goes to `shard` (its random choice of chain is pinned). */
function processWritingTo(api: TestApi, shard: number): AuditLog {
  return otherProcess(api, new ChainLeases(undefined, () => shard / CHAIN_SHARDS));
}

/**
 * Another process whose audit calls meet others: `beforeCall` runs with each TransactWriteItems call's items just
 * before it leaves (it may write as a third process would, or throw as DynamoDB would).
 */
function processMeetingOthers(
  api: TestApi,
  beforeCall: (items: readonly TransactWriteItem[]) => Promise<void>,
  leases: ChainLeases = new ChainLeases(),
): { log: AuditLog; client: DynamoDBClient } {
  const client = new DynamoDBClient({
    region: api.services.config.region,
    endpoint: api.services.config.endpoints.dynamodb,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        await beforeCall((args.input as TransactWriteItemsCommandInput).TransactItems ?? []);
      }
      return next(args);
    },
    { step: 'initialize', name: 'meetingOtherProcesses' },
  );
  return {
    log: new AuditLog(client, api.services.config.tables.data, api.services.keys, () => leases),
    client,
  };
}

/** The chain an audit call extends: its last item is the chain's head. */
function chainOf(items: readonly TransactWriteItem[]): number {
  const headKey = items.at(-1)?.Put?.Item?.pk?.S ?? '';
  return Number(/#CHAIN#(\d+)$/.exec(headKey)?.[1]);
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

  /** The organisation's audit chains, verified. */
  const verified = (orgId: OrgId) => verifyAuditLog(api.services, tenantScope(orgId));

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
    const before = (await verified(world.org.orgId)).checked;
    api.services.counters.reset();

    // Act
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, request) =>
        api.graphql(query, { token: worker.token, variables: variablesFor(request) }),
      ),
    );
    const writes = api.services.counters.snapshot()['DynamoDB.TransactWriteItems'] ?? 0;
    const result = await verified(world.org.orgId);

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
    const before = (await verified(orgId)).checked;
    await first.write(events(orgId, 'req-first-1', world.manager.staffId, ['su-a']));
    await second.write(events(orgId, 'req-second-1', world.manager.staffId, ['su-b']));
    api.services.counters.reset();

    // Act: the first process still believes chain 0's head is its own last write
    await first.write(events(orgId, 'req-first-2', world.manager.staffId, ['su-a', 'su-b']));
    const writes = api.services.counters.snapshot()['DynamoDB.TransactWriteItems'];
    const result = await verified(orgId);

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
    const before = (await verified(orgId)).checked;
    api.services.counters.reset();

    // Act: the first process's next request
    const written = await write(first, 'req-idle-3').then(
      (calls) => calls,
      (error: unknown) => error,
    );

    // Assess: the stale head costs one call; the second extends the head the refusal returned
    expect(written).toBe(2);
    expect(api.services.counters.snapshot()['DynamoDB.TransactWriteItems']).toBe(2);
    expect(await verified(orgId)).toEqual({
      ok: true,
      checked: before + 1,
      problems: 0,
    });
  });

  it('lets a mutation through when another process moved every chain head this process remembers', async () => {
    // Prepare: this process (the API) serves a mutation, so it remembers the head of the chain it wrote; another
    // process (a second Lambda container) then extends every chain of the organisation
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    const createService = (name: string) =>
      api.graphql('mutation ($name: String!) { createService(name: $name) { id } }', {
        token: world.senior.token,
        variables: { name },
      });
    expect((await createService('Outreach')).errors).toBeUndefined();
    for (let shard = 0; shard < CHAIN_SHARDS; shard++) {
      const other = processWritingTo(api, shard);
      await other.write(events(orgId, `req-other-${shard}`, world.manager.staffId, ['su-a']));
    }
    const before = (await verified(orgId)).checked;
    api.services.counters.reset();

    // Act: a mutation, whose events are written with its change before it runs (one call, in the steady state)
    const created = await createService('Day centre');

    // Assess: the stale head costs one call more; the change and its events are written, and the chains verify
    expect(created.errors).toBeUndefined();
    expect(api.services.counters.snapshot()['DynamoDB.TransactWriteItems']).toBe(2);
    const result = await verified(orgId);
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(before);
  });

  it('fails closed, writing nothing, when another process moves its chain before every attempt', async () => {
    // Prepare: just before each of the first process's audit calls leaves, another process extends that call's
    // chain, so every head the first extends is stale
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    let overtaken = 0;
    const { log: first, client } = processMeetingOthers(api, async (items) => {
      const other = processWritingTo(api, chainOf(items));
      overtaken++;
      await other.write(events(orgId, `req-other-${overtaken}`, world.manager.staffId, ['su-b']));
    });
    const before = (await verified(orgId)).checked;

    // Act
    const attempt = first.write(events(orgId, 'req-first-1', world.manager.staffId, ['su-a']), {
      maxCalls: 1,
    });

    // Assess: the planned call and each retry met another write; the first process's event is nowhere
    await expect(attempt).rejects.toThrow('An audit write was cancelled.');
    expect(overtaken).toBe(1 + MAX_AUDIT_CONFLICT_RETRIES);
    const result = await verified(orgId);
    expect(result).toEqual({ ok: true, checked: before + overtaken, problems: 0 });
    client.destroy();
  });

  it('reads the head of the chain it moves to, when another process keeps writing its own', async () => {
    // Prepare: the first process (pinned to the lowest chains) knows the heads of chains 0 and 1 from two writes at
    // once; other processes then extend both, so both heads it remembers are stale
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    let meeting = false;
    let calls = 0;
    const { log: first, client } = processMeetingOthers(
      api,
      async (items) => {
        if (!meeting) return;
        calls++;
        // Another process writes the first two calls' chain just before each leaves
        if (calls <= 2) {
          await processWritingTo(api, chainOf(items)).write(
            events(orgId, `req-busy-${calls}`, world.manager.staffId, ['su-b']),
          );
        }
      },
      new ChainLeases(undefined, () => 0),
    );
    const write = (log: AuditLog, requestId: string) =>
      log.write(events(orgId, requestId, world.manager.staffId, ['su-a']));
    await Promise.all([write(first, 'req-idle-1'), write(first, 'req-idle-2')]);
    for (const shard of [0, 1]) await write(processWritingTo(api, shard), `req-other-${shard}`);
    const before = (await verified(orgId)).checked;
    meeting = true;

    // Act
    const used = await write(first, 'req-idle-3');

    // Assess: the stale head, the head the refusal returned (overtaken again), then the other chain's head as it is
    // in the table, not as this process remembered it (that would have cost a fourth call)
    expect(used).toBe(3);
    expect(calls).toBe(3);
    expect(await verified(orgId)).toEqual({
      ok: true,
      checked: before + 3,
      problems: 0,
    });
    client.destroy();
  });

  it('moves to another chain when another process’s transaction is writing the head at that moment', async () => {
    // Prepare: DynamoDB cancels a transaction that meets another in flight on the same item (TransactionConflict).
    // DynamoDB Local runs transactions one at a time and never does, so the first audit call is cancelled that way
    // before it leaves.
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    const chains: number[] = [];
    const { log, client } = processMeetingOthers(api, async (items) => {
      chains.push(chainOf(items));
      if (chains.length > 1) return;
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: {},
        CancellationReasons: items.map((_, n) =>
          n === items.length - 1
            ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
            : { Code: 'None' },
        ),
      });
    });
    const before = (await verified(orgId)).checked;

    // Act
    const calls = await log.write(events(orgId, 'req-1', world.manager.staffId, ['su-a']), { maxCalls: 1 });

    // Assess
    expect(calls).toBe(2);
    expect(chains).toHaveLength(2);
    expect(chains[1]).not.toBe(chains[0]);
    expect(await verified(orgId)).toEqual({
      ok: true,
      checked: before + 1,
      problems: 0,
    });
    client.destroy();
  });

  it('never forks a chain, and refuses no write, when six processes write at once', async () => {
    // Prepare
    const world = await serviceWorld(api);
    const orgId = world.org.orgId;
    const processes = Array.from({ length: 6 }, () => otherProcess(api));
    const before = (await verified(orgId)).checked;

    // Act: each process writes 20 requests one after another, as a Lambda container serves them
    const refused = await Promise.all(
      processes.map(async (log, process) => {
        const errors: unknown[] = [];
        for (let request = 0; request < 20; request++) {
          await log
            .write(
              events(orgId, `req-${process}-${request}`, world.manager.staffId, ['su-a', 'su-b', 'su-c']),
            )
            .catch((error: unknown) => errors.push(error));
        }
        return errors;
      }),
    );
    const result = await verified(orgId);

    // Assess: a write that met another process retried (on the head it met, then on another chain)
    expect(refused.flat()).toEqual([]);
    expect(result).toEqual({ ok: true, checked: before + 120 * 3, problems: 0 });
  });
});
