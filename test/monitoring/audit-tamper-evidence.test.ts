import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { verifyAuditLog } from '@confide/api';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../cli/support/run-cli';
import { ownTablesForFile, type TestApi, testApi } from '../support/test-api';
import {
  auditItems,
  type Item,
  type MonitoringWorld,
  monitoringWorld,
  readClients,
} from './monitoring-fixtures';

/**
 * Tamper evidence (DATA-PROTECTION.md "Access audit"; docs/decisions/0012): the access audit is hash-chained,
 * so altering one stored event, deleting one, or inserting a forged one — each with raw DynamoDB calls, as
 * someone with table access but without the organisation's keys would — is detected by verify, which names the
 * first bad event. `confide audit verify` runs the same function.
 */

const execFileAsync = promisify(execFile);

/** A world whose audit holds a few dozen events: six requests reading three clients each, with a purpose. */
async function auditedWorld(api: TestApi): Promise<MonitoringWorld & { events: Item[] }> {
  const world = await monitoringWorld(api, 3);
  for (let request = 0; request < 6; request++) {
    await readClients(api, world.worker, world.clients, `Support visit ${request}`);
  }
  const events = await auditItems(api, world.org.orgId);
  return { ...world, events };
}

const verify = (api: TestApi, world: MonitoringWorld) =>
  verifyAuditLog(api.services, tenantScope(world.org.orgId));

const eventIdOf = (item: Item) => item.eventId?.S ?? '';
const seqOf = (item: Item) => Number(item.chainSeq?.N);

/** A READ event from the middle of its chain (neither the first nor the last position). */
function middleEvent(events: Item[]): Item {
  const reads = events.filter((item) => item.action?.S === 'READ');
  const byShard = new Map<string, Item[]>();
  for (const item of reads) {
    const shard = item.chainShard?.N ?? '';
    byShard.set(shard, [...(byShard.get(shard) ?? []), item]);
  }
  const longest = [...byShard.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const sorted = longest.sort((a, b) => seqOf(a) - seqOf(b));
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle || sorted.length < 3) throw new Error('Expected a chain of at least three reads');
  return middle;
}

const keyOf = (item: Item) => ({ pk: item.pk as { S: string }, sk: item.sk as { S: string } });

async function runCli(api: TestApi, slug: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
  writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(api.stack));
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [cliEntry(), 'audit', 'verify', '--org', slug],
      { env: { ...process.env, CONFIDE_DATA_DIR: dataDir }, timeout: 170_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('audit verify', () => {
  const api = testApi({ tables: ownTablesForFile() });
  const table = api.services.config.tables.data;

  it('passes an untouched log, counting every event', async () => {
    // Prepare
    const world = await auditedWorld(api);

    // Act
    const result = await verify(api, world);

    // Assess
    expect(world.events.length).toBeGreaterThanOrEqual(18);
    expect(result).toEqual({ ok: true, checked: world.events.length, problems: 0 });
  });

  it('names an event altered in the table (its purpose rewritten)', async () => {
    // Prepare
    const world = await auditedWorld(api);
    const target = middleEvent(world.events);

    // Act
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: keyOf(target),
        UpdateExpression: 'SET purpose = :p',
        ExpressionAttributeValues: { ':p': { S: 'Routine check' } },
      }),
    );
    const result = await verify(api, world);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.firstBadEvent).toBe(eventIdOf(target));
    expect(result.reason).toMatch(/^altered/);
    expect(result.problems).toBe(1);
  });

  it('names an event deleted from the middle of its chain', async () => {
    // Prepare
    const world = await auditedWorld(api);
    const target = middleEvent(world.events);

    // Act
    await api.services.dynamo.send(new DeleteItemCommand({ TableName: table, Key: keyOf(target) }));
    const result = await verify(api, world);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.firstBadEvent).toBe(eventIdOf(target));
    expect(result.reason).toMatch(/^deleted/);
    expect(result.checked).toBe(world.events.length - 1);
  });

  it('names the last event of a chain when it is deleted', async () => {
    // Prepare
    const world = await auditedWorld(api);
    const shard = middleEvent(world.events).chainShard?.N;
    const last = world.events
      .filter((item) => item.chainShard?.N === shard)
      .sort((a, b) => seqOf(b) - seqOf(a))[0] as Item;

    // Act
    await api.services.dynamo.send(new DeleteItemCommand({ TableName: table, Key: keyOf(last) }));
    const result = await verify(api, world);

    // Assess
    expect(result).toMatchObject({ ok: false, firstBadEvent: eventIdOf(last) });
    expect(result.reason).toMatch(/^deleted/);
  });

  it('names a forged event inserted with a copied chain position, and one inserted with none', async () => {
    // Prepare: copies of a genuine event under new ids, saying someone else read the record
    const world = await auditedWorld(api);
    const template = middleEvent(world.events);
    const scope = tenantScope(world.org.orgId);
    const forge = (suffix: string, withChain: boolean): Item => {
      // Consistent in every key, as a forger who read the code would make it.
      const eventId = `forged-${suffix}.0`;
      const at = template.at?.S ?? '';
      const dayShard = String((createHash('sha256').update(eventId).digest()[0] ?? 0) % 8);
      const { chainShard, chainSeq, chainPrev, chainMac, ...rest } = template;
      return {
        ...rest,
        ...(withChain ? { chainShard, chainSeq, chainPrev, chainMac } : {}),
        sk: { S: `${at}#${eventId}` },
        gsi1pk: { S: scope.key('AUDIT', 'ACTOR', world.ig.staffId) },
        gsi1sk: { S: `${at}#${eventId}` },
        gsi2pk: { S: scope.key('AUDIT', 'DAY', at.slice(0, 10), dayShard) },
        gsi2sk: { S: `${at}#${eventId}` },
        eventId: { S: eventId },
        requestId: { S: `forged-${suffix}` },
        actorId: { S: world.ig.staffId },
      };
    };
    const results = [];

    // Act
    for (const [suffix, withChain] of [
      ['a', true],
      ['b', false],
    ] as const) {
      const forged = forge(suffix, withChain);
      await api.services.dynamo.send(new PutItemCommand({ TableName: table, Item: forged }));
      results.push(await verify(api, world));
      await api.services.dynamo.send(new DeleteItemCommand({ TableName: table, Key: keyOf(forged) }));
    }

    // Assess
    expect(results.map((result) => [result.ok, result.firstBadEvent])).toEqual([
      [false, 'forged-a.0'],
      [false, 'forged-b.0'],
    ]);
    expect(results[0]?.reason).toMatch(/^inserted: a second event claims/);
    expect(results[1]?.reason).toMatch(/^inserted: the event is in no chain/);
    // Removing the forgeries leaves a clean log again.
    expect((await verify(api, world)).ok).toBe(true);
  });

  it('runs as `confide audit verify --org`: exit 0 when clean, non-zero naming the first bad event when not', async () => {
    // Prepare
    const world = await auditedWorld(api);
    const target = middleEvent(world.events);

    // Act
    const clean = await runCli(api, world.org.slug);
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: keyOf(target),
        UpdateExpression: 'SET outcome = :o',
        ExpressionAttributeValues: { ':o': { S: 'FORBIDDEN' } },
      }),
    );
    const tampered = await runCli(api, world.org.slug);

    // Assess
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`Audit log of ${world.org.slug} verified: ${world.events.length} events`);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toContain(`first bad event ${eventIdOf(target)}`);
  });
});
