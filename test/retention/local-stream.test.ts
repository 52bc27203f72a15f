import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LOCAL_CREDENTIALS, LocalStreamPoller } from '@confide/local';
import { ItemLoader, processRetentionRecords, type RetentionStreamRecord, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import {
  clientWithRecords,
  closeAndOutlive,
  closeCase,
  closeLocalRetentions,
  localRetention,
  outlive,
  retentionApi,
  retentionWorld,
  tombstones,
} from './retention-support';

describe('the local stream poller', () => {
  const { api, clock } = retentionApi();
  const streams = new DynamoDBStreamsClient({
    region: api.stack.region,
    endpoint: api.stack.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  afterAll(() => {
    streams.destroy();
    closeLocalRetentions();
  });

  it('retries a failed record from where it failed, without duplicating what was already done', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    // The client's data items: its partition, reference, identity and blind-index entries (the sweep also
    // takes the organisation's audit events that expired meanwhile; those leave no tombstone).
    const scope = tenantScope(world.org.orgId);
    const loader = new ItemLoader(api.services.dynamo, api.services.keys);
    const client = await api.services.serviceUsers.get(scope, clientId, loader);
    const key = await api.services.keys.subjectKey(world.org.orgId, clientId);
    if (!client || !key) throw new Error('no client');
    const clientItems = (await api.services.retention.clientItems(scope, client, key)).length;
    outlive(clock);
    const { deleted } = await localRetention(api, world.org.orgId).sweep();
    expect(deleted).toBeGreaterThan(clientItems);

    const prefix = `ORG#${world.org.orgId}#`;
    const mine = (record: RetentionStreamRecord) => record.dynamodb?.Keys?.pk?.S?.startsWith(prefix) === true;
    let failNext = true;
    let deliveries = 0;
    const poller = new LocalStreamPoller({
      streams,
      dynamo: api.services.dynamo,
      table: api.stack.tables.data,
      accept: mine,
      process: async (records) => {
        deliveries += records.length;
        // A note's deletion (the stream also carries notes' updates, decision 0118: their dating at closure).
        const note = records.find(
          (record) => record.eventName === 'REMOVE' && record.dynamodb?.OldImage?.sk?.S?.startsWith('NOTE#'),
        );
        if (failNext && note) {
          failNext = false;
          const rest = records.filter((record) => record !== note);
          const result = await processRetentionRecords(rest, {
            dynamo: api.services.dynamo,
            dataTable: api.stack.tables.data,
            keys: api.services.keys,
            organisationKeys: api.services.organisationKeys,
            clock,
          });
          return {
            batchItemFailures: [
              ...result.batchItemFailures,
              { itemIdentifier: note.dynamodb?.SequenceNumber ?? '' },
            ],
          };
        }
        return processRetentionRecords(records, {
          dynamo: api.services.dynamo,
          dataTable: api.stack.tables.data,
          keys: api.services.keys,
          organisationKeys: api.services.organisationKeys,
          clock,
        });
      },
    });

    const first = await poller.pollOnce();
    expect(first.failed).toBe(1);
    const afterFirst = await tombstones(api, world.org.orgId, clientId);
    expect(afterFirst.filter((tombstone) => tombstone.kind === 'NOTE').length).toBe(1);

    const second = await poller.pollOnce();
    expect(second.failed).toBe(0);
    expect(second.handled).toBeGreaterThan(0);
    const afterSecond = await tombstones(api, world.org.orgId, clientId);
    expect(afterSecond.filter((tombstone) => tombstone.kind === 'NOTE').length).toBe(2);
    // Every data item (the key item is kept in quarantine, and is not in the stream anyway).
    expect(afterSecond.length).toBe(clientItems);
    expect(new Set(afterSecond.map((tombstone) => tombstone.kind))).toEqual(
      new Set([
        'PROFILE',
        'NOTE',
        'NOTE_VERSION',
        'CONSENT',
        'ALLOCATION',
        'REFERENCE',
        'IDENTITY',
        'BEACON',
      ]),
    );

    // Caught up: a further poll hands nothing over.
    const delivered = deliveries;
    expect((await poller.pollOnce()).handled).toBe(0);
    expect(deliveries).toBe(delivered);
  });

  it('gives a record up after the attempts allowed and moves on', async () => {
    const world = await retentionWorld(api);
    const { id } = await clientWithRecords(api, world);
    await closeAndOutlive(api, clock, world.manager, id);
    await localRetention(api, world.org.orgId).sweep();
    const prefix = `ORG#${world.org.orgId}#`;
    const abandoned: unknown[] = [];
    const poller = new LocalStreamPoller({
      streams,
      dynamo: api.services.dynamo,
      table: api.stack.tables.data,
      accept: (record) => record.dynamodb?.Keys?.pk?.S?.startsWith(prefix) === true,
      maxAttempts: 2,
      log: (message, detail) => {
        if (message === 'retention.record-abandoned') abandoned.push(detail);
      },
      process: async (records) => ({
        batchItemFailures: records
          // The profile's removal (its updates reach the handler too, decision 0119).
          .filter((record) => record.eventName === 'REMOVE' && record.dynamodb?.OldImage?.sk?.S === 'PROFILE')
          .map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' })),
      }),
    });
    expect((await poller.pollOnce()).abandoned).toBe(0);
    expect((await poller.pollOnce()).abandoned).toBe(1);
    expect(abandoned.length).toBe(1);
    expect((await poller.pollOnce()).failed).toBe(0);
  });
});
