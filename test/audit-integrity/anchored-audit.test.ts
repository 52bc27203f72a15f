import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { type AuditEvent, AuditLog, ChainLeases, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { auditItems, type Item, monitoringWorld, readClients } from '../monitoring/monitoring-fixtures';
import { testApi } from '../support/test-api';
import { auditCli } from './audit-integrity-fixtures';

/**
 * An anchored audit (issue 16, capability 3; docs/decisions/0029): `confide audit verify` signs every chain's head
 * and length into a checkpoint outside the table after a clean run, and each later run checks that every chain
 * only grew from it. Someone with write access to the data table alone (raw SDK calls here, as such an insider
 * would make them) can no longer delete a whole chain, or cut a chain's tail and put back a genuine older head,
 * without verify failing.
 */

const keyOf = (item: Item) => ({ pk: item.pk as { S: string }, sk: item.sk as { S: string } });
const seqOf = (item: Item) => Number(item.chainSeq?.N);
const headKey = (orgId: string, shard: string) => ({
  pk: { S: tenantScope(orgId as never).key('AUDIT', 'CHAIN', shard.padStart(2, '0')) },
  sk: { S: 'HEAD' },
});

describe('an anchored audit: chains only grow from the last checkpoint', () => {
  const api = testApi();
  const table = api.services.config.tables.data;

  it('fails verify when a whole chain (its events and its head) is deleted after a checkpoint', async () => {
    // Prepare: an audited organisation, verified once (the run that leaves a checkpoint)
    const world = await monitoringWorld(api, 3);
    for (let request = 0; request < 4; request++) {
      await readClients(api, world.worker, world.clients, `Support visit ${request}`);
    }
    const verify = auditCli(api);
    const first = await verify(world.org.slug);
    const events = await auditItems(api, world.org.orgId);
    const shard = events.find((item) => item.action?.S === 'READ')?.chainShard?.N ?? '';
    const chain = events.filter((item) => item.chainShard?.N === shard);

    // Act: delete every event of the chain and its head, as one with table access could
    for (const item of chain) {
      await api.services.dynamo.send(new DeleteItemCommand({ TableName: table, Key: keyOf(item) }));
    }
    await api.services.dynamo.send(
      new DeleteItemCommand({ TableName: table, Key: headKey(world.org.orgId, shard) }),
    );
    const tampered = await verify(world.org.slug);

    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(chain.length).toBeGreaterThanOrEqual(3);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toContain(`chain ${shard} `);
    expect(tampered.stderr).toMatch(/deleted: chain \d+ is gone/);
  });

  it('fails verify when a chain’s tail is deleted and a genuine older head put back', async () => {
    // Prepare: the heads as they stand, then more reads (most land on the chain this process keeps warm), verified
    const world = await monitoringWorld(api, 3);
    await readClients(api, world.worker, world.clients, 'Support visit');
    const before = await auditItems(api, world.org.orgId);
    const shards = [...new Set(before.map((item) => item.chainShard?.N ?? ''))];
    const oldHeads = new Map<string, Item>();
    for (const shard of shards) {
      const head = await api.services.dynamo.send(
        new GetItemCommand({ TableName: table, Key: headKey(world.org.orgId, shard), ConsistentRead: true }),
      );
      if (head.Item) oldHeads.set(shard, head.Item);
    }
    for (let request = 0; request < 4; request++) {
      await readClients(api, world.worker, world.clients, `Follow-up ${request}`);
    }
    const verify = auditCli(api);
    const first = await verify(world.org.slug);
    const after = await auditItems(api, world.org.orgId);
    const [shard, oldHead] = [...oldHeads].find(([s, head]) =>
      after.some((item) => item.chainShard?.N === s && seqOf(item) > Number(head.seq?.N)),
    ) ?? ['', undefined];
    const tail = after.filter(
      (item) => item.chainShard?.N === shard && seqOf(item) > Number(oldHead?.seq?.N),
    );

    // Act: cut the chain back to where it stood and restore its genuine head of then
    for (const item of tail) {
      await api.services.dynamo.send(new DeleteItemCommand({ TableName: table, Key: keyOf(item) }));
    }
    await api.services.dynamo.send(new PutItemCommand({ TableName: table, Item: oldHead as Item }));
    const tampered = await verify(world.org.slug);

    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(tail.length).toBeGreaterThanOrEqual(3);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toContain(`rolled back: the head of chain ${shard} `);
  });

  it('fails verify when a chain is cut back, its older head restored and the chain written on past the checkpoint', async () => {
    // Prepare: a checkpoint over a chain that grew after the head we keep
    const world = await monitoringWorld(api, 3);
    await readClients(api, world.worker, world.clients, 'Support visit');
    const before = await auditItems(api, world.org.orgId);
    const shard = before.find((item) => item.action?.S === 'READ')?.chainShard?.N ?? '';
    const oldHead = (
      await api.services.dynamo.send(
        new GetItemCommand({ TableName: table, Key: headKey(world.org.orgId, shard), ConsistentRead: true }),
      )
    ).Item as Item;
    for (let request = 0; request < 3; request++) {
      await readClients(api, world.worker, world.clients, `Follow-up ${request}`);
    }
    const verify = auditCli(api);
    const first = await verify(world.org.slug);
    const after = await auditItems(api, world.org.orgId);
    const tail = after.filter((item) => item.chainShard?.N === shard && seqOf(item) > Number(oldHead.seq?.N));
    for (const item of tail) {
      await api.services.dynamo.send(new DeleteItemCommand({ TableName: table, Key: keyOf(item) }));
    }
    await api.services.dynamo.send(new PutItemCommand({ TableName: table, Item: oldHead }));

    // Act: another process (a fresh container) extends the restored head, past the checkpointed length
    const fresh = new AuditLog(
      api.services.dynamo,
      table,
      api.services.keys,
      () => new ChainLeases(undefined, () => (Number(shard) + 0.5) / 32),
    );
    await fresh.write(
      Array.from({ length: tail.length + 2 }, (_, index) =>
        readEvent(world.org.orgId, `req-after-${index}`, world.worker.staffId, world.clients[0] ?? ''),
      ),
    );
    const tampered = await verify(world.org.slug);

    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(tail.length).toBeGreaterThanOrEqual(3);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toContain(`altered: chain ${shard} at position`);
    expect(tampered.stderr).toContain('is not the chain the checkpoint');
  });

  it('fails verify when the latest checkpoint is replaced by one its key did not sign', async () => {
    // Prepare: a checkpoint, then a later one forged to record nothing (as if every chain were new)
    const world = await monitoringWorld(api, 2);
    await readClients(api, world.worker, world.clients, 'Support visit');
    const verify = auditCli(api);
    const first = await verify(world.org.slug);
    const folder = join(api.stack.dataDir, 'audit-checkpoints', world.org.orgId);
    const [name] = readdirSync(folder);
    const genuine = JSON.parse(readFileSync(join(folder, name ?? ''), 'utf8'));

    // Act
    const forged = {
      ...genuine,
      checkpoint: { ...genuine.checkpoint, at: '2999-01-01T00:00:00.000Z', chains: [], events: 0 },
    };
    writeFileSync(join(folder, '2999-01-01T00-00-00-000Z.json'), JSON.stringify(forged));
    const tampered = await verify(world.org.slug);

    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toContain('the latest checkpoint does not carry a valid signature');
  });

  it('stays clean across runs while the chains only grow', async () => {
    // Prepare
    const world = await monitoringWorld(api, 2);
    const verify = auditCli(api);
    await readClients(api, world.worker, world.clients, 'Support visit');

    // Act
    const first = await verify(world.org.slug);
    await readClients(api, world.worker, world.clients, 'Another visit');
    const second = await verify(world.org.slug);

    // Assess
    expect([first.code, second.code], `${first.stderr}${second.stderr}`).toEqual([0, 0]);
    expect(second.stdout).toMatch(/verified: \d+ events, no problems/);
  });
});

function readEvent(orgId: OrgId, requestId: string, actorId: string, subjectId: string): AuditEvent {
  return {
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
  };
}
