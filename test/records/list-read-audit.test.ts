import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { verifyAuditLog } from '@confide/api';
import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { capacityUnits } from '../../bench/capacity-units';
import { expectNoErrors, type Person } from '../support/care-fixtures';
import { carriesAudit, failingDynamoClient } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import { errorsOf, type ServiceWorld, seedClients, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 18, decision 0042: a caseload of 50 is audited as one chained list event and an entry per person, within 60
 * write units and one write round trip, and "who looked at this person", the staff member's report and verify all
 * still see each person's read. A fault in either half withholds the response.
 */

const CASELOAD = '{ caseload(first: 50) { edges { node { name phone } } } }';
const ACCESS_LOG = `query ($id: ID!) { accessLog(serviceUserId: $id, first: 20) { edges { node {
  actorId action operation fields relationship outcome
} } } }`;
const STAFF_REPORT = `query ($s: ID!) { staffAccessReport(staffId: $s, first: 100) { edges { node {
  action operation fields
} } } }`;

/**
 * Holds a client's reads of the key table (a caseload's people's keys, read with their profiles) until an entry ahead
 * is sent: the caseload then always decides while its people's reads are in flight, whatever the machine's load, and
 * writes its entries ahead (decision 0053). Runs before the failing client's own middleware.
 */
function holdKeyReadsUntilAhead(client: DynamoDBClient, keyTable: string): void {
  let release: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => {
    release = resolve;
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, unknown> };
      if (context.commandName === 'BatchWriteItemCommand' && JSON.stringify(input).includes('"AHEAD"'))
        release();
      if (context.commandName === 'BatchGetItemCommand' && input.RequestItems?.[keyTable]) await sent;
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'holdKeyReadsUntilAhead' },
  );
}

const keyOf = (item: Record<string, AttributeValue>) => ({
  pk: item.pk as AttributeValue,
  sk: item.sk as AttributeValue,
});

describe('a caseload of 50, audited as a list', () => {
  const api = testApi();
  let world: ServiceWorld & { worker: Person; ig: Person; clients: { clientId: string; globalId: string }[] };

  beforeAll(async () => {
    const base = await serviceWorld(api);
    const worker = await addStaff(api, base.org, ['SUPPORT_WORKER']);
    const ig = await addStaff(api, base.org, ['IG_LEAD']);
    const clients = await seedClients(api, base.org.orgId, base.serviceId, 50, {
      allocateTo: worker.staffId,
    });
    world = { ...base, worker, ig, clients };
  });

  const verify = () => verifyAuditLog(api.services, tenantScope(world.org.orgId));

  it('costs at most 60 write units in one write round trip, and each person’s read is still found', async () => {
    // Prepare
    const { client, writes } = failingDynamoClient(api);
    const recorded = testApi({ dynamo: client });
    expectNoErrors(await recorded.graphql('{ __typename }', { token: world.worker.token }));
    writes.length = 0;
    const before = (await verify()).checked;

    // Act
    const result = await recorded.graphql<{ caseload: { edges: unknown[] } }>(CASELOAD, {
      token: world.worker.token,
    });

    // Assess: the audit's write units by AWS's rules, every write call carrying audit items
    expectNoErrors(result);
    expect(result.data?.caseload.edges).toHaveLength(50);
    expect(writes.every(carriesAudit), JSON.stringify(writes.map((w) => w.commandName))).toBe(true);
    const units = writes.reduce(
      (sum, call) => sum + capacityUnits(call.commandName, call.input, {}).writeUnits,
      0,
    );
    expect(units).toBeGreaterThanOrEqual(50);
    expect(units).toBeLessThanOrEqual(60);
    // …verify counts 50 more events, all sound
    expect(await verify()).toEqual({ ok: true, checked: before + 50, problems: 0 });

    // …"who looked at this person" for the first and the last client
    for (const person of [world.clients[0], world.clients[49]]) {
      const log = await api.graphql<{ accessLog: { edges: { node: Record<string, unknown> }[] } }>(
        ACCESS_LOG,
        {
          token: world.ig.token,
          variables: { id: person?.globalId },
        },
      );
      expectNoErrors(log);
      expect(log.data?.accessLog.edges.map((edge) => edge.node)).toContainEqual({
        actorId: world.worker.staffId,
        action: 'READ',
        operation: 'caseload',
        fields: ['ServiceUser.name', 'ServiceUser.phone'],
        relationship: 'ALLOCATED',
        outcome: 'ALLOWED',
      });
    }
    // …the staff member's report lists each person's read, not the list
    const report = await api.graphql<{ staffAccessReport: { edges: { node: { operation: string } }[] } }>(
      STAFF_REPORT,
      { token: world.ig.token, variables: { s: world.worker.globalId } },
    );
    expectNoErrors(report);
    const caseloadReads = report.data?.staffAccessReport.edges.filter((e) => e.node.operation === 'caseload');
    expect(caseloadReads).toHaveLength(50);
  });

  it('records as read exactly the people a page shows, even when the entries written ahead for the others stay', async () => {
    // Prepare: a worker with 6 people, a page of 3; the others' entries, written ahead (decision 0053), cannot be
    // taken back, so only the readers and verify keep them from being a read
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const people = await seedClients(api, world.org.orgId, world.serviceId, 6, {
      allocateTo: worker.staffId,
    });
    const { client, writes } = failingDynamoClient(
      api,
      (call) =>
        call.commandName === 'BatchWriteItemCommand' && JSON.stringify(call.input).includes('DeleteRequest'),
    );
    const broken = testApi({ dynamo: client });
    expectNoErrors(await broken.graphql('{ __typename }', { token: worker.token }));
    holdKeyReadsUntilAhead(client, api.services.config.tables.keys);
    const before = await verify();

    // Act
    const page = await broken.graphql<{
      caseload: { edges: { node: { id: string } }[] };
    }>('{ caseload(first: 3) { edges { node { id name } } } }', { token: worker.token });

    // Assess: written ahead for all 6; verify finds 3 reads more and nothing wrong; the 3 shown are each one read, the
    // 3 others none
    expectNoErrors(page);
    expect(await verify()).toEqual({ ...before, checked: before.checked + 3 });
    const shown = new Set(page.data?.caseload.edges.map((edge) => edge.node.id));
    expect(shown.size).toBe(3);
    expect(writes.filter((call) => JSON.stringify(call.input).includes('"AHEAD"'))).toHaveLength(1);
    for (const person of people) {
      const log = await api.graphql<{ accessLog: { edges: { node: Record<string, unknown> }[] } }>(
        ACCESS_LOG,
        {
          token: world.ig.token,
          variables: { id: person.globalId },
        },
      );
      expectNoErrors(log);
      const reads = log.data?.accessLog.edges.filter((edge) => edge.node.actorId === worker.staffId) ?? [];
      expect(reads.map((edge) => edge.node)).toEqual(
        shown.has(person.globalId)
          ? [
              {
                actorId: worker.staffId,
                action: 'READ',
                operation: 'caseload',
                fields: ['ServiceUser.name'],
                relationship: 'ALLOCATED',
                outcome: 'ALLOWED',
              },
            ]
          : [],
      );
    }
    const report = await api.graphql<{ staffAccessReport: { edges: { node: { operation: string } }[] } }>(
      STAFF_REPORT,
      { token: world.ig.token, variables: { s: worker.globalId } },
    );
    expectNoErrors(report);
    expect(report.data?.staffAccessReport.edges.filter((e) => e.node.operation === 'caseload')).toHaveLength(
      3,
    );
    // …though the entries of the 3 not shown are still in their partitions
    const left = await Promise.all(
      people
        .filter((person) => !shown.has(person.globalId))
        .map(async (person) =>
          (
            await api.services.dynamo.send(
              new QueryCommand({
                TableName: api.services.config.tables.data,
                KeyConditionExpression: 'pk = :pk',
                ExpressionAttributeValues: {
                  ':pk': { S: tenantScope(world.org.orgId).key('AUDIT', 'SUBJECT', person.clientId) },
                },
              }),
            )
          ).Items?.filter((item) => item.operation?.S !== 'accessLog') // the IG lead's readings of their log
            .map((item) => item.outcome?.S),
        ),
    );
    expect(left).toEqual([['AHEAD'], ['AHEAD'], ['AHEAD']]);
  });

  it('answers with every read recorded when the entries written ahead fail: the flush writes them as before', async () => {
    // Prepare
    const { client, failures } = failingDynamoClient(
      api,
      (call) =>
        call.commandName === 'BatchWriteItemCommand' && JSON.stringify(call.input).includes('"AHEAD"'),
    );
    const broken = testApi({ dynamo: client });
    expectNoErrors(await broken.graphql('{ __typename }', { token: world.worker.token }));
    holdKeyReadsUntilAhead(client, api.services.config.tables.keys);
    const before = await verify();

    // Act
    const result = await broken.graphql<{ caseload: { edges: unknown[] } }>(CASELOAD, {
      token: world.worker.token,
    });

    // Assess: the write ahead was made and failed; the response came with the 50 reads recorded in full entries
    expect(failures()).toBeGreaterThan(0);
    expectNoErrors(result);
    expect(result.data?.caseload.edges).toHaveLength(50);
    expect(await verify()).toEqual({ ...before, checked: before.checked + 50 });
    const log = await api.graphql<{ accessLog: { edges: { node: Record<string, unknown> }[] } }>(ACCESS_LOG, {
      token: world.ig.token,
      variables: { id: world.clients[7]?.globalId },
    });
    expectNoErrors(log);
    expect(log.data?.accessLog.edges[0]?.node).toEqual({
      actorId: world.worker.staffId,
      action: 'READ',
      operation: 'caseload',
      fields: ['ServiceUser.name', 'ServiceUser.phone'],
      relationship: 'ALLOCATED',
      outcome: 'ALLOWED',
    });
  });

  it('names an entry deleted or altered in a person’s partition', async () => {
    // Prepare: a fresh caseload read, then two of its entries tampered with in the table
    expectNoErrors(await api.graphql(CASELOAD, { token: world.worker.token }));
    const dynamo = api.services.dynamo;
    const table = api.services.config.tables.data;
    const entriesOf = async (clientId: string) =>
      (
        await dynamo.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: {
              ':pk': { S: tenantScope(world.org.orgId).key('AUDIT', 'SUBJECT', clientId) },
            },
          }),
        )
      ).Items?.filter((item) => item.listEventId) ?? [];
    const newest = (items: Record<string, AttributeValue>[]) =>
      items.sort((a, b) => (b.sk?.S ?? '').localeCompare(a.sk?.S ?? ''))[0] as Record<string, AttributeValue>;
    const deleted = newest(await entriesOf(world.clients[10]?.clientId ?? ''));
    const altered = newest(await entriesOf(world.clients[20]?.clientId ?? ''));

    // Act
    await dynamo.send(new DeleteItemCommand({ TableName: table, Key: keyOf(deleted) }));
    await dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: keyOf(altered),
        UpdateExpression: 'SET relationship = :r',
        ExpressionAttributeValues: { ':r': { S: 'INVESTIGATION' } },
      }),
    );
    const result = await verify();

    // Assess
    expect(result).toMatchObject({ ok: false, problems: 2 });
    const named = [deleted.eventId?.S, altered.eventId?.S];
    expect(named).toContain(result.firstBadEvent);
    // Put back as it was, so the other tests of this organisation verify clean
    await dynamo.send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: [{ PutRequest: { Item: deleted } }, { PutRequest: { Item: altered } }] },
      }),
    );
    expect(await verify()).toMatchObject({ ok: true, problems: 0 });
  });

  it('withholds the response and leaves no read anyone sees when the list event cannot be written', async () => {
    // Prepare
    const { client, writes } = failingDynamoClient(
      api,
      (call) => call.commandName === 'TransactWriteItemsCommand' && carriesAudit(call),
    );
    const broken = testApi({ dynamo: client });
    const before = await verify();

    // Act
    const result = await broken.graphql(CASELOAD, { token: world.worker.token });

    // Assess: withheld; the entries sent beside it were taken back; the log verifies as before
    expect(result.data).toBeNull();
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: undefined }]);
    expect(result.text).not.toContain('Seeded Client');
    expect(writes.some((call) => call.commandName === 'BatchWriteItemCommand')).toBe(true);
    expect(await verify()).toEqual(before);
  });

  it('leaves no read anyone sees when the list event and one of its entry batches fail together', async () => {
    // Prepare: the manager's list of the service's 50 people (entries written with the list event, decision 0042);
    // the list event's transaction fails, and so does one of the two entry batches while the other lands.
    let entryBatches = 0;
    const { client } = failingDynamoClient(
      api,
      (call) =>
        carriesAudit(call) &&
        (call.commandName === 'TransactWriteItemsCommand' ||
          (call.commandName === 'BatchWriteItemCommand' && ++entryBatches === 2)),
    );
    // Every call the request started is waited for before assessing: a batch still in flight would land after.
    const started: Promise<unknown>[] = [];
    client.middlewareStack.add(
      (next) => (args) => {
        const sent = next(args);
        started.push(sent.catch(() => undefined));
        return sent;
      },
      { step: 'initialize', name: 'startedCalls', priority: 'low' },
    );
    const broken = testApi({ dynamo: client });

    // Act
    const result = await broken.graphql(
      'query ($s: ID!) { serviceUsers(serviceId: $s, first: 50) { edges { node { name } } } }',
      { token: world.manager.token, variables: { s: world.serviceId } },
    );

    // Assess: withheld, and no person's audit shows the manager's list as a read
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: undefined }]);
    expect(entryBatches).toBeGreaterThanOrEqual(2);
    await Promise.all(started);
    const scope = tenantScope(world.org.orgId);
    const shown = await Promise.all(
      world.clients.map(async ({ clientId }) =>
        (await api.services.auditLog.bySubject(scope, clientId)).filter(
          (event) => event.actor.id === world.manager.staffId && event.operation === 'serviceUsers',
        ),
      ),
    );
    expect(shown.flat()).toEqual([]);
  });

  it('withholds the response, and verify reports the missing entries, when the entries cannot be written', async () => {
    // Prepare
    const { client } = failingDynamoClient(
      api,
      (call) => call.commandName === 'BatchWriteItemCommand' && carriesAudit(call),
    );
    const broken = testApi({ dynamo: client });

    // Act
    const result = await broken.graphql(CASELOAD, { token: world.worker.token });

    // Assess: withheld; the chained list names 50 people whose entries are missing: verify says so
    expect(result.data).toBeNull();
    expect(errorsOf(result)).toEqual([{ code: 'INTERNAL', path: undefined }]);
    const verified = await verify();
    expect(verified).toMatchObject({ ok: false, problems: 50 });
    expect(verified.reason).toMatch(/^deleted: entry \d+ of /);
  });
});
