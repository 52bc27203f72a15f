import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { newOrgId } from '@confide/domain';
import { attr, TenantKeyError, TenantTable, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { localStack } from '../support/test-api';

const storeSource = join(__dirname, '../../packages/store/src');

/**
 * Files of packages/store/src that talk to DynamoDB themselves, each with why: the gateway, and items outside any
 * tenant (the PLATFORM# registry). The list only shrinks: a file that stops must leave it (the test fails on a stale
 * entry too).
 */
const NOT_YET_THROUGH_THE_GATEWAY: Record<string, string> = {
  'tenant-table.ts': 'the gateway itself',
  'lean-dynamodb.ts':
    'the client the gateway sends through (decision 0069): it sends the calls it is given, and makes none of its own',
  'batch-get.ts': "the gateway's (and the per-request ItemLoader's) batched reads",
  'organisation-directory.ts':
    'PLATFORM# registry only (slugs, the organisation list, and onboarding’s registry-and-profile transaction, a platform act): the process’s own client; tenant items go through the gateway',
  'operators.ts':
    'PLATFORM# items outside any tenant (the platform operators): the api role keeps direct access to them',
  'platform-audit.ts': 'PLATFORM# items outside any tenant: the api role keeps direct access to them',
  'records/partner-agencies.ts':
    'PLATFORM# items only: clientBinding reads PLATFORM#CLIENT#, and bindClient (the provisioner) writes it in one transaction with the partner items; the rest goes through the gateway',
};

const DIRECT_CALL = /\.send\(|new [A-Z][A-Za-z]*Command\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the table gateway (issue 16 capability 4, decision 0031)', () => {
  it('no store file sends to DynamoDB except through the gateway or a named, shrinking allow-list', () => {
    const direct = sourceFiles(storeSource)
      .filter((path) => DIRECT_CALL.test(readFileSync(path, 'utf8')))
      .map((path) => relative(storeSource, path).split('\\').join('/'))
      .sort();
    expect(direct.filter((file) => !(file in NOT_YET_THROUGH_THE_GATEWAY))).toEqual([]);
    // A migrated file leaves the list: nothing on it may be clean.
    expect(Object.keys(NOT_YET_THROUGH_THE_GATEWAY).filter((file) => !direct.includes(file))).toEqual([]);
  });

  describe('against DynamoDB Local', () => {
    const stack = localStack();
    const dynamo = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: stack.region });
    const table = stack.tables.data;

    it('refuses keys, index keys and query partitions of another organisation before anything is sent', async () => {
      const mine = new TenantTable(tenantScope(newOrgId()), dynamo, table);
      const other = tenantScope(newOrgId());
      const foreign = other.key('BREACHES');
      await expect(mine.get({ pk: foreign, sk: 'x' })).rejects.toThrow(TenantKeyError);
      await expect(mine.put({ pk: attr.s(foreign), sk: attr.s('x') })).rejects.toThrow(TenantKeyError);
      await expect(
        mine.put({ pk: attr.s(mine.key('BREACHES')), sk: attr.s('x'), gsi1pk: attr.s(foreign) }),
      ).rejects.toThrow(TenantKeyError);
      await expect(
        mine.update(
          { pk: mine.key('BREACHES'), sk: 'x' },
          { UpdateExpression: 'SET gsi1pk = :g', ExpressionAttributeValues: { ':g': attr.s(foreign) } },
        ),
      ).rejects.toThrow(TenantKeyError);
      await expect(
        mine.update(
          { pk: mine.key('BREACHES'), sk: 'x' },
          {
            UpdateExpression: 'SET #g = :g',
            ExpressionAttributeNames: { '#g': 'gsi1pk' },
            ExpressionAttributeValues: { ':g': attr.s(mine.key('X')) },
          },
        ),
      ).rejects.toThrow(TenantKeyError);
      await expect(
        mine.query({
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': attr.s(foreign) },
        }),
      ).rejects.toThrow(TenantKeyError);
      await expect(
        mine.query({ KeyConditionExpression: 'sk = :s', ExpressionAttributeValues: {} }),
      ).rejects.toThrow(TenantKeyError);
      await expect(
        mine.transactWrite([{ Delete: { Key: { pk: attr.s(foreign), sk: attr.s('x') } } }]),
      ).rejects.toThrow(TenantKeyError);
      // A bare prefix of the organisation is no key of it either.
      await expect(mine.get({ pk: `ORG#${mine.scope.orgId}#`, sk: 'x' })).rejects.toThrow();
    });

    it('writes under relative keys, maps a failed condition to a result, and leaves expired items out of reads', async () => {
      const gateway = new TenantTable(tenantScope(newOrgId()), dynamo, table);
      const now = new Date();
      const past = Math.floor(now.getTime() / 1000) - 60;
      const pk = gateway.key('GATEWAY');
      expect(await gateway.put({ pk: attr.s(pk), sk: attr.s('live'), v: attr.n(1) })).toEqual({
        written: true,
        attributes: undefined,
      });
      await gateway.put({ pk: attr.s(pk), sk: attr.s('old'), expiresAt: attr.n(past) });
      expect(
        await gateway.put(
          { pk: attr.s(pk), sk: attr.s('live') },
          { ConditionExpression: 'attribute_not_exists(pk)' },
        ),
      ).toEqual({ written: false });

      const raw = await dynamo.send(
        new GetItemCommand({ TableName: table, Key: { pk: attr.s(pk), sk: attr.s('old') } }),
      );
      expect(raw.Item).toBeDefined();
      expect(await gateway.get({ pk: 'GATEWAY', sk: 'old' }, { now })).toBeUndefined();
      expect((await gateway.get({ pk: 'GATEWAY', sk: 'live' }, { now }))?.v).toEqual(attr.n(1));
      expect((await gateway.queryPrefix('GATEWAY', '', now)).map((item) => item.sk?.S)).toEqual(['live']);
      expect(
        (
          await gateway.batchGet(
            [
              { pk: 'GATEWAY', sk: 'old' },
              { pk: 'GATEWAY', sk: 'live' },
            ],
            { now },
          )
        ).length,
      ).toBe(1);

      const updated = await gateway.update(
        { pk: 'GATEWAY', sk: 'live' },
        {
          UpdateExpression: 'SET v = v + :one',
          ConditionExpression: 'v = :one',
          ExpressionAttributeValues: { ':one': attr.n(1) },
          ReturnValues: 'ALL_NEW',
        },
      );
      expect(updated.written && updated.attributes?.v).toEqual(attr.n(2));
      expect(
        await gateway.update(
          { pk: 'GATEWAY', sk: 'live' },
          {
            UpdateExpression: 'SET v = :one',
            ConditionExpression: 'v = :one',
            ExpressionAttributeValues: { ':one': attr.n(1) },
          },
        ),
      ).toEqual({ written: false });

      const cancelled = await gateway.transactWrite([
        { Put: { Item: { pk: attr.s(pk), sk: attr.s('t') } } },
        {
          ConditionCheck: {
            Key: { pk: attr.s(pk), sk: attr.s('live') },
            ConditionExpression: 'v = :one',
            ExpressionAttributeValues: { ':one': attr.n(1) },
          },
        },
      ]);
      expect(cancelled).toEqual({ written: false, reasons: ['None', 'ConditionalCheckFailed'] });
      // An item that asks for its old image on a failed condition gets it back with the cancellation.
      const withOld = await gateway.transactWrite([
        {
          Put: {
            Item: { pk: attr.s(pk), sk: attr.s('live'), v: attr.n(9) },
            ConditionExpression: 'v = :one',
            ExpressionAttributeValues: { ':one': attr.n(1) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]);
      expect(withOld.written).toBe(false);
      expect(withOld.reasons).toEqual(['ConditionalCheckFailed']);
      expect(withOld.items?.[0]?.v).toEqual(attr.n(2));
      expect(await gateway.get({ pk: 'GATEWAY', sk: 't' })).toBeUndefined();
      expect(await gateway.delete({ pk: 'GATEWAY', sk: 'live' })).toEqual({
        written: true,
        attributes: undefined,
      });
    });

    it('reads a raw write of another organisation nowhere through this one’s gateway', async () => {
      const a = new TenantTable(tenantScope(newOrgId()), dynamo, table);
      const b = tenantScope(newOrgId());
      await dynamo.send(
        new PutItemCommand({ TableName: table, Item: { pk: attr.s(b.key('BREACHES')), sk: attr.s('1') } }),
      );
      await expect(a.queryPrefix(b.key('BREACHES'), '', new Date())).rejects.toThrow(TenantKeyError);
      expect(await a.queryPrefix('BREACHES', '', new Date())).toEqual([]);
    });

    it('deletes many items of its organisation in batches, and nothing at all when one key is another’s', async () => {
      const mine = new TenantTable(tenantScope(newOrgId()), dynamo, table);
      const other = tenantScope(newOrgId());
      const keys = Array.from({ length: 30 }, (_, index) => ({ pk: 'MANY', sk: `item#${index}` }));
      for (const key of keys) await mine.put({ pk: attr.s(mine.key('MANY')), sk: attr.s(key.sk) });
      await dynamo.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: attr.s(other.key('MANY')), sk: attr.s('item#0') },
        }),
      );
      await expect(mine.batchDelete([...keys, { pk: other.key('MANY'), sk: 'item#0' }])).rejects.toThrow(
        TenantKeyError,
      );
      expect(await mine.queryPrefix('MANY', 'item#', new Date())).toHaveLength(30);
      await mine.batchDelete(keys);
      expect(await mine.queryPrefix('MANY', 'item#', new Date())).toEqual([]);
      const foreign = await dynamo.send(
        new GetItemCommand({
          TableName: table,
          Key: { pk: attr.s(other.key('MANY')), sk: attr.s('item#0') },
        }),
      );
      expect(foreign.Item).toBeDefined();
    });

    it('puts many items of its organisation in batches, and nothing at all when one item (or its index key) is another’s', async () => {
      const mine = new TenantTable(tenantScope(newOrgId()), dynamo, table);
      const other = tenantScope(newOrgId());
      const items = Array.from({ length: 60 }, (_, index) => ({
        pk: attr.s(mine.key('BATCH')),
        sk: attr.s(`item#${index}`),
      }));
      await expect(
        mine.batchPut([...items, { pk: attr.s(other.key('BATCH')), sk: attr.s('item#0') }]),
      ).rejects.toThrow(TenantKeyError);
      await expect(
        mine.batchPut([...items, { ...items[0], gsi1pk: attr.s(other.key('INDEX')), gsi1sk: attr.s('x') }]),
      ).rejects.toThrow(TenantKeyError);
      expect(await mine.queryPrefix('BATCH', 'item#', new Date())).toEqual([]);
      await mine.batchPut(items, { concurrency: 3 });
      expect(await mine.queryPrefix('BATCH', 'item#', new Date())).toHaveLength(60);
    });

    it('refuses a batch that names one item twice, before writing any of it, saying which two', async () => {
      const mine = new TenantTable(tenantScope(newOrgId()), dynamo, table);
      const keys = Array.from({ length: 40 }, (_, index) => ({ pk: 'TWICE', sk: `item#${index}` }));
      const items = keys.map((key) => ({ pk: attr.s(mine.key(key.pk)), sk: attr.s(key.sk) }));
      const first = items[0] as (typeof items)[number];
      // In two different calls of 25, where DynamoDB would not see the doubling, and in one.
      for (const doubled of [
        [...items, { ...first, note: attr.s('second') }],
        [first, ...items],
      ]) {
        await expect(mine.batchPut(doubled)).rejects.toThrow(/items 1 and (2|41) of the batch/);
      }
      await expect(mine.batchDelete([...keys, { pk: 'TWICE', sk: 'item#3' }])).rejects.toThrow(
        /items 4 and 41 of the batch/,
      );
      expect(await mine.queryPrefix('TWICE', 'item#', new Date())).toEqual([]);
    });
  });
});
