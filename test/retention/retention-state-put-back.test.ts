import { type AttributeValue, DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { toEpochSeconds } from '@confide/domain';
import { integrityKeyFrom, integrityMac } from '@confide/keys';
import { keyQuarantineKey, retentionStateKey, type TenantScope, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { ADA, expectNoErrors } from '../support/care-fixtures';
import { rawItem, rawPut, rawUpdate } from '../support/raw-table';
import type { TestApi } from '../support/test-api';
import {
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  DAY_MS,
  keyQuarantine,
  outlive,
  partitionItems,
  type RetentionWorld,
  readClient,
  retentionApi,
  retentionWorld,
  runRetention,
  subjectKeyItem,
  sweepUntilGone,
  tombstones,
} from './retention-support';

/**
 * Decision 0141: a subject's retention state (`TOMBSTONE#<subject>` / `RETENTION_STATE`) is what the retention handler
 * trusts to explain an expiry, and a key quarantine's record what it trusts to end a recovered key. Someone who can
 * write the table, and kept a genuine earlier copy of either, puts it back: the state from before a legal hold or a
 * reopening, the quarantine from before the key's recovery. Its MAC verifies; the handler must put the later one back
 * and record the rollback, so that no moved expiry destroys a held record or a recovered key.
 */

const PLACE_HOLD = `mutation ($id: ID!) { placeLegalHold(serviceUserId: $id, reason: "Claim 24-0117") { placedAt } }`;
const REOPEN = `mutation ($input: ReopenCaseInput!) { reopenCase(input: $input) { caseStatus } }`;

const profileKey = (scope: TenantScope, clientId: string) => ({
  pk: scope.key('CLIENT', clientId),
  sk: 'PROFILE',
});

/** A closed case, dated by the rules, with its retention state (SCHEDULED) as it stood then. */
async function closedCase(api: TestApi) {
  const world = await retentionWorld(api);
  const { id, clientId } = await clientWithRecords(api, world);
  expectNoErrors(await closeCase(api, world.manager, id));
  const scope = tenantScope(world.org.orgId);
  const scheduled = await rawItem(api, retentionStateKey(scope, clientId));
  if (!scheduled) throw new Error('no retention state');
  expect(scheduled.state?.S).toBe('SCHEDULED');
  return { world, id, clientId, scope, scheduled };
}

/**
 * Past the case's genuine date (the hold or the reopening still in force), someone who can write the table moves the
 * profile's expiry into the past; TTL (the local sweep) takes it.
 */
async function expiryMovedOnceDue(
  api: TestApi,
  clock: { now(): Date },
  world: RetentionWorld,
  scope: TenantScope,
  clientId: string,
): Promise<void> {
  await rawUpdate(api, profileKey(scope, clientId), 'SET expiresAt = :at', {
    ':at': { N: String(toEpochSeconds(clock.now()) - 60) },
  });
  await runRetention(api, world.org.orgId);
}

/** The client's whole record is still there and reads, its key kept, nothing tombstoned. */
async function expectRecordKept(
  api: TestApi,
  world: RetentionWorld,
  client: { id: string; clientId: string; itemsBefore: number },
): Promise<void> {
  expect(await subjectKeyItem(api, world.org.orgId, client.clientId)).toBeDefined();
  expect((await partitionItems(api, world.org.orgId, client.clientId)).length).toBe(client.itemsBefore);
  expect(await tombstones(api, world.org.orgId, client.clientId)).toEqual([]);
  const view = await readClient(api, world.manager.token, client.id);
  expectNoErrors(view);
  expect(view.data?.serviceUser.name).toBe(ADA.name);
}

describe('retention: a retention state put back below the API (decision 0141)', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('the SCHEDULED state from before a legal hold, put back, is unscheduled again: the held record outlives a moved expiry', async () => {
    // Prepare: a closed case under a legal hold placed through the API; years pass, the hold still on.
    const { world, id, clientId, scope, scheduled } = await closedCase(api);
    expectNoErrors(await api.graphql(PLACE_HOLD, { token: world.ig.token, variables: { id } }));
    const itemsBefore = (await partitionItems(api, world.org.orgId, clientId)).length;
    outlive(clock);
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

    // Act: someone who can write the table puts the state from before the hold back (its MAC is genuine); the stream
    // reaches the handler. Then they move the profile's expiry into the past.
    await rawPut(api, scheduled);
    await runRetention(api, world.org.orgId);
    const state = await api.services.retention.states.read(scope, clientId);
    await expiryMovedOnceDue(api, clock, world, scope, clientId);

    // Assess: the held record is all there: the state said UNSCHEDULED again, so the removal explained nothing.
    await expectRecordKept(api, world, { id, clientId, itemsBefore });
    expect(state.state).toBe('UNSCHEDULED');
    const view = await readClient(api, world.manager.token, id);
    expect(view.data?.serviceUser.retention?.legalHold).toBe(true);
    const incidents = await api.services.integrityIncidents.list(scope);
    expect(incidents.map((incident) => [incident.kind, incident.itemKind, incident.restored]).sort()).toEqual(
      [
        ['ROLLED_BACK', 'RETENTION_STATE', true],
        ['UNEXPLAINED_REMOVAL', 'PROFILE', true],
      ],
    );
    expect(incidents.every((incident) => incident.subjectId === clientId)).toBe(true);
  });

  it('the SCHEDULED state from before a reopening, put back, is unscheduled again, an incident', async () => {
    // Prepare: a closed case reopened through the API.
    const { world, id, clientId, scope, scheduled } = await closedCase(api);
    const current = await readClient(api, world.manager.token, id);
    expectNoErrors(
      await api.graphql(REOPEN, {
        token: world.manager.token,
        variables: { input: { serviceUserId: id, expectedVersion: current.data?.serviceUser.version } },
      }),
    );
    const itemsBefore = (await partitionItems(api, world.org.orgId, clientId)).length;
    outlive(clock);
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

    // Act
    await rawPut(api, scheduled);
    await runRetention(api, world.org.orgId);
    const state = await api.services.retention.states.read(scope, clientId);
    await expiryMovedOnceDue(api, clock, world, scope, clientId);

    // Assess
    expect(state.state).toBe('UNSCHEDULED');
    await expectRecordKept(api, world, { id, clientId, itemsBefore });
    const incidents = await api.services.integrityIncidents.list(scope);
    expect(incidents.map((incident) => [incident.kind, incident.itemKind]).sort()).toEqual([
      ['ROLLED_BACK', 'RETENTION_STATE'],
      ['UNEXPLAINED_REMOVAL', 'PROFILE'],
    ]);
  });

  it('the SCHEDULED state put back after the current one was deleted is unscheduled again, an incident', async () => {
    // Prepare: a closed case under a legal hold, years on.
    const { world, id, clientId, scope, scheduled } = await closedCase(api);
    expectNoErrors(await api.graphql(PLACE_HOLD, { token: world.ig.token, variables: { id } }));
    const itemsBefore = (await partitionItems(api, world.org.orgId, clientId)).length;
    outlive(clock);
    await runRetention(api, world.org.orgId);

    // Act: the current state deleted and the earlier copy written in its place: a removal and an insert, no update.
    const key = retentionStateKey(scope, clientId);
    await api.services.dynamo.send(
      new DeleteItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      }),
    );
    await rawPut(api, scheduled);
    await runRetention(api, world.org.orgId);
    const state = await api.services.retention.states.read(scope, clientId);
    await expiryMovedOnceDue(api, clock, world, scope, clientId);

    // Assess
    expect(state.state).toBe('UNSCHEDULED');
    await expectRecordKept(api, world, { id, clientId, itemsBefore });
    const incidents = await api.services.integrityIncidents.list(scope);
    expect(incidents.map((incident) => [incident.kind, incident.itemKind, incident.restored]).sort()).toEqual(
      [
        ['UNEXPLAINED_REMOVAL', 'PROFILE', true],
        ['UNEXPLAINED_REMOVAL', 'RETENTION_STATE', true],
      ],
    );
  });

  it('a state written before it carried a count is accepted, counted from its next write, and put right when put back', async () => {
    // Prepare: a client whose state is as an earlier version wrote it (SCHEDULED, no count, the v1 MAC), written where
    // there was none (an insert, which the handler is not given).
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const key = retentionStateKey(scope, clientId);
    expect(await rawItem(api, key)).toBeUndefined();
    const at = clock.now().toISOString();
    const expiresAt = toEpochSeconds(clock.now()) + 3600;
    const integrityKey = integrityKeyFrom(await api.services.keys.beaconKey(scope.orgId), scope.orgId);
    const legacy: Record<string, AttributeValue> = {
      pk: { S: key.pk },
      sk: { S: key.sk },
      orgId: { S: scope.orgId },
      subjectId: { S: clientId },
      state: { S: 'SCHEDULED' },
      scheduledExpiry: { N: String(expiresAt) },
      at: { S: at },
      mac: {
        S: integrityMac(integrityKey, [
          'confide.retention-state.v1',
          scope.orgId,
          clientId,
          'SCHEDULED',
          expiresAt,
          at,
        ]),
      },
    };
    await rawPut(api, legacy);
    expect(await api.services.retention.states.read(scope, clientId)).toEqual({
      state: 'SCHEDULED',
      expiresAt,
    });

    // A legal hold through the API writes over it, with a count.
    expectNoErrors(await api.graphql(PLACE_HOLD, { token: world.ig.token, variables: { id } }));
    const held = await rawItem(api, key);
    expect(held?.state?.S).toBe('UNSCHEDULED');
    // Counted from 0: the hold's transaction wrote 1, its clearing of the items after it (decision 0074) 2.
    expect(held?.stateVersion?.N).toBe('2');
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

    // Act: the state from before the hold put back.
    await rawPut(api, legacy);
    await runRetention(api, world.org.orgId);

    // Assess
    expect((await api.services.retention.states.read(scope, clientId)).state).toBe('UNSCHEDULED');
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({
        kind: 'ROLLED_BACK',
        subjectId: clientId,
        itemKind: 'RETENTION_STATE',
        restored: true,
      }),
    ]);
  });

  it('a hold recorded before the count: the SCHEDULED state from before it, put back, is unscheduled again, an incident', async () => {
    // Prepare: both states as an earlier version wrote them (no count, the v1 MAC): SCHEDULED at closure, then
    // UNSCHEDULED when a legal hold was placed, before this version was deployed.
    const world = await retentionWorld(api);
    const { clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const key = retentionStateKey(scope, clientId);
    const integrityKey = integrityKeyFrom(await api.services.keys.beaconKey(scope.orgId), scope.orgId);
    const legacy = (state: 'SCHEDULED' | 'UNSCHEDULED', at: string, expiresAt?: number) => ({
      pk: { S: key.pk },
      sk: { S: key.sk },
      orgId: { S: scope.orgId },
      subjectId: { S: clientId },
      state: { S: state },
      ...(expiresAt === undefined ? {} : { scheduledExpiry: { N: String(expiresAt) } }),
      at: { S: at },
      mac: {
        S: integrityMac(integrityKey, [
          'confide.retention-state.v1',
          scope.orgId,
          clientId,
          state,
          expiresAt ?? '',
          at,
        ]),
      },
    });
    const scheduled = legacy(
      'SCHEDULED',
      new Date(clock.now().getTime() - 60_000).toISOString(),
      toEpochSeconds(clock.now()) + 3600,
    );
    await rawPut(api, scheduled);
    await rawPut(api, legacy('UNSCHEDULED', clock.now().toISOString()));
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);

    // Act: the state from before the hold put back (its MAC is genuine, its count as absent as the current one's).
    await rawPut(api, scheduled);
    await runRetention(api, world.org.orgId);

    // Assess
    expect((await api.services.retention.states.read(scope, clientId)).state).toBe('UNSCHEDULED');
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({
        kind: 'ROLLED_BACK',
        subjectId: clientId,
        itemKind: 'RETENTION_STATE',
        restored: true,
      }),
    ]);
  });
});

describe('retention: a key quarantine’s recovery taken back below the API (decision 0141)', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  /** An expired case whose key an operator recovered from quarantine, with the quarantine record from before. */
  async function recoveredKey() {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, clientId);
    const scope = tenantScope(world.org.orgId);
    const quarantined = await rawItem(api, keyQuarantineKey(scope, clientId));
    if (!quarantined) throw new Error('no key quarantine');
    clock.advanceMs(DAY_MS);
    expect(await api.services.retention.recoverQuarantinedKey(scope, clientId)).toBe(true);
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);
    return { world, clientId, scope, quarantined };
  }

  /** After the grace period: the recovered key is still there, the record still recovered, one incident put right. */
  async function expectKeyKept(
    world: RetentionWorld,
    scope: TenantScope,
    clientId: string,
    kind: 'ROLLED_BACK' | 'UNEXPLAINED_REMOVAL' = 'ROLLED_BACK',
  ): Promise<void> {
    expect(await keyQuarantine(api, world.org.orgId, clientId)).toBeUndefined();
    clock.advanceMs(31 * DAY_MS);
    await runRetention(api, world.org.orgId);
    await runRetention(api, world.org.orgId);
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeDefined();
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({
        kind,
        subjectId: clientId,
        itemKind: 'KEY_QUARANTINE',
        restored: true,
      }),
    ]);
  }

  it('the record from before the recovery, put back, is recovered again: the key outlives the grace period', async () => {
    const { world, clientId, scope, quarantined } = await recoveredKey();

    // Act: someone who can write the table puts the quarantine from before the recovery back (its MAC is genuine).
    await rawPut(api, quarantined);
    await runRetention(api, world.org.orgId);

    // Assess
    await expectKeyKept(world, scope, clientId);
  });

  it('the recovery taken off the record by one raw write is put back: the key outlives the grace period', async () => {
    const { world, clientId, scope, quarantined } = await recoveredKey();

    // Act: the recovery's mark taken off and the quarantine's expiry put back on.
    await rawUpdate(api, keyQuarantineKey(scope, clientId), 'SET expiresAt = :at REMOVE recoveredAt', {
      ':at': quarantined.expiresAt as AttributeValue,
    });
    await runRetention(api, world.org.orgId);

    // Assess
    await expectKeyKept(world, scope, clientId);
  });

  it('the record from before the recovery, written in place of the deleted recovered one, is put right', async () => {
    const { world, clientId, scope, quarantined } = await recoveredKey();

    // Act: the recovered record deleted and the earlier copy written in its place: a removal and an insert.
    const key = keyQuarantineKey(scope, clientId);
    await api.services.dynamo.send(
      new DeleteItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      }),
    );
    await rawPut(api, quarantined);
    await runRetention(api, world.org.orgId);

    // Assess
    await expectKeyKept(world, scope, clientId, 'UNEXPLAINED_REMOVAL');
  });
});
