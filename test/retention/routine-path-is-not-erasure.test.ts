import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_RETENTION_RULES, toEpochSeconds } from '@confide/domain';
import { type Item, KEY_QUARANTINE_DAYS, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { ADA, expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import type { TestApi } from '../support/test-api';
import {
  approvalIdOf,
  approve,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  DAY_MS,
  expectCode,
  keyQuarantine,
  localRetention,
  outlive,
  partitionItems,
  proposeErasure,
  readClient,
  retentionApi,
  retentionWorld,
  subjectKeyItem,
  sweepPastQuarantine,
  sweepUntilGone,
  tombstones,
} from './retention-support';

/**
 * Issue 14, side door 3: routine closure must not destroy a record. A closure date far back, a rule change or a
 * rescheduling that would let items expire at once is an erasure in effect and is refused on the routine path;
 * erasure itself takes two people; and a key removed by routine expiry stays recoverable for a grace period.
 */

const RESCHEDULE = `mutation ($after: String!) { rescheduleRetention(after: $after) { complete } }`;

async function closeAt(api: TestApi, token: string, id: string, closedAt: string, version: number) {
  return api.graphql(
    'mutation ($input: CloseCaseInput!) { closeCase(input: $input) { caseStatus closedAt } }',
    { token, variables: { input: { serviceUserId: id, expectedVersion: version, closedAt } } },
  );
}

/** The record as the manager reads it, with its items' expiries straight from the table. */
async function untouched(api: TestApi, token: string, id: string, orgId: string, clientId: string) {
  const view = await readClient(api, token, id);
  expectNoErrors(view);
  expect(view.data?.serviceUser).toMatchObject({ name: ADA.name, caseStatus: 'OPEN', closedAt: null });
  for (const item of await partitionItems(api, orgId as never, clientId))
    expect(item.expiresAt).toBeUndefined();
  expect((await subjectKeyItem(api, orgId as never, clientId))?.expiresAt).toBeUndefined();
  return view.data?.serviceUser.version ?? 0;
}

describe('side door 3: routine closure never destroys a record', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('closeCase refuses a closure date more than 30 days back (BAD_USER_INPUT naming closedAt); the record stays readable', async () => {
    // Prepare: noon UTC, so "later today" exists whenever the test runs
    const today = new Date(clock.now());
    today.setUTCHours(12, 0, 0, 0);
    clock.set(today);
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const version = await untouched(api, world.manager.token, id, world.org.orgId, clientId);

    // Act: a mistyped year, a date 31 days back, a date tomorrow
    const mistyped = await closeAt(api, world.manager.token, id, '2001-01-01T00:00:00Z', version);
    const late = await closeAt(
      api,
      world.manager.token,
      id,
      new Date(today.getTime() - 31 * DAY_MS).toISOString(),
      version,
    );
    const tomorrow = await closeAt(
      api,
      world.manager.token,
      id,
      new Date(today.getTime() + DAY_MS).toISOString(),
      version,
    );

    // Assess: each refused naming the field, nothing changed
    for (const refused of [mistyped, late, tomorrow]) {
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0]?.extensions?.field).toEqual(['input', 'closedAt']);
    }
    expect(mistyped.errors?.[0]?.message).toMatch(/30 days/);
    expect(await untouched(api, world.manager.token, id, world.org.orgId, clientId)).toBe(version);
    // A sweep long after still finds the record whole.
    clock.advanceYears(1);
    await localRetention(api, world.org.orgId).runOnce();
    await untouched(api, world.manager.token, id, world.org.orgId, clientId);
    expect(await tombstones(api, world.org.orgId, clientId)).toEqual([]);

    // A later time today counts as now.
    clock.set(today);
    const laterToday = await closeAt(
      api,
      world.manager.token,
      id,
      new Date(today.getTime() + 6 * 60 * 60 * 1000).toISOString(),
      version,
    );
    expectNoErrors(laterToday);
    expect(laterToday.data).toEqual({ closeCase: { caseStatus: 'CLOSED', closedAt: today.toISOString() } });
  });

  it('rescheduleRetention that would let items expire at once is refused on the routine path, pointing to erasure', async () => {
    // Prepare: a case closed seven years ago under the default eight years, and rules shortened to six years
    // behind the API's back (as a rule change left part-done would leave them)
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    const organisation = await api.services.directory.organisation(world.org.orgId);
    await api.services.directory.setRetention(
      world.org.orgId,
      { ...DEFAULT_RETENTION_RULES, clientYearsAfterClosure: 6 },
      organisation?.version ?? 0,
    );
    clock.advanceYears(7);

    // Act
    const refused = await api.graphql(RESCHEDULE, { token: world.org.adminToken, variables: { after: '' } });

    // Assess: FORBIDDEN, the record readable with its old schedule, the refusal audited with its rule
    expectCode(refused, 'FORBIDDEN');
    const view = await readClient(api, world.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.name).toBe(ADA.name);
    const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), world.org.adminStaffId);
    expect(events).toContainEqual(
      expect.objectContaining({
        operation: 'rescheduleRetention',
        action: 'DENIED',
        rule: 'retention.immediate-expiry-is-erasure',
      }),
    );
    const items = await partitionItems(api, world.org.orgId, clientId);
    expect(items.length).toBeGreaterThan(0);
  });

  it('eraseServiceUser by one IG lead is only pending until a second IG lead approves it', async () => {
    // Prepare
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const secondIg = await addStaff(api, world.org, ['IG_LEAD']);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));

    // Act: the IG lead proposes
    const proposed = await proposeErasure(api, world.ig.token, id);

    // Assess: pending, nothing destroyed; the proposer cannot approve their own; the second IG lead sees it
    expectCode(proposed, 'APPROVAL_REQUIRED');
    expect(proposed.data?.eraseServiceUser ?? null).toBeNull();
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeDefined();
    expectNoErrors(await readClient(api, world.manager.token, id));
    expectCode(await approve(api, world.ig.token, approvalIdOf(proposed)), 'FORBIDDEN');
    const pending = await api.graphql<{ pendingChanges: { id: string; operation: string }[] }>(
      '{ pendingChanges { id operation } }',
      { token: secondIg.token },
    );
    expect(pending.data?.pendingChanges).toEqual([
      { id: approvalIdOf(proposed), operation: 'eraseServiceUser' },
    ]);

    // Act / Assess: approved by the second IG lead, the erasure runs at once
    expectNoErrors(await approve(api, secondIg.token, approvalIdOf(proposed)));
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeUndefined();
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');
    expect(await api.services.tombstones.erasure(tenantScope(world.org.orgId), clientId)).toMatchObject({
      erasedBy: world.ig.staffId,
      approvedBy: secondIg.staffId,
    });
  });

  it(`keeps a key removed by expiry in quarantine: recoverable for ${KEY_QUARANTINE_DAYS} days, gone after`, async () => {
    // Prepare: two clients; a copy of each one's items taken before they expire (a backup)
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const { orgId } = world.org;
    const kept = await clientWithRecords(api, world);
    const lost = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, kept.id));
    expectNoErrors(await closeCase(api, world.manager, lost.id));
    const backups = new Map<string, Item[]>([
      [kept.clientId, await partitionItems(api, orgId, kept.clientId)],
      [lost.clientId, await partitionItems(api, orgId, lost.clientId)],
    ]);
    outlive(clock);

    // Act: expiry and the sweep (TTL's stand-in) take both records
    await sweepUntilGone(api, orgId, kept.clientId);
    await sweepUntilGone(api, orgId, lost.clientId);

    // Assess: each key is in quarantine, not deleted, until the grace period ends
    for (const { clientId } of [kept, lost]) {
      expect(await subjectKeyItem(api, orgId, clientId)).toBeDefined();
      const quarantine = await keyQuarantine(api, orgId, clientId);
      expect(quarantine?.deleteAfter).toBe(
        toEpochSeconds(clock.now()) + KEY_QUARANTINE_DAYS * (DAY_MS / 1000),
      );
    }

    // Within the grace period: still there after further sweeps, and recoverable through the store
    clock.advanceMs(10 * DAY_MS);
    await localRetention(api, orgId).runOnce();
    expect(await subjectKeyItem(api, orgId, kept.clientId)).toBeDefined();
    const scope = tenantScope(orgId);
    expect(await api.services.retention.recoverQuarantinedKey(scope, kept.clientId)).toBe(true);
    expect(await api.services.retention.recoverQuarantinedKey(scope, kept.clientId)).toBe(false);
    expect(await keyQuarantine(api, orgId, kept.clientId)).toBeUndefined();
    // The backup restored (with its schedule taken off): the record reads again under the recovered key.
    await restore(api, backups.get(kept.clientId) ?? []);
    const recovered = await readClient(api, world.manager.token, kept.id);
    expectNoErrors(recovered);
    expect(recovered.data?.serviceUser.name).toBe(ADA.name);

    // After the grace period: the unrecovered key is gone (a SUBJECT_KEY tombstone says when), the recovered
    // one stays; the other backup is unreadable now.
    await sweepPastQuarantine(api, clock, orgId, lost.clientId);
    expect(await subjectKeyItem(api, orgId, lost.clientId)).toBeUndefined();
    expect(await keyQuarantine(api, orgId, lost.clientId)).toBeUndefined();
    expect(
      (await tombstones(api, orgId, lost.clientId)).filter((tombstone) => tombstone.kind === 'SUBJECT_KEY'),
    ).toEqual([expect.objectContaining({ reason: 'EXPIRED' })]);
    expect(await subjectKeyItem(api, orgId, kept.clientId)).toBeDefined();
    expect(
      (await tombstones(api, orgId, kept.clientId)).filter((tombstone) => tombstone.kind === 'SUBJECT_KEY'),
    ).toEqual([]);
    expect(await api.services.retention.recoverQuarantinedKey(scope, lost.clientId)).toBe(false);
    await restore(api, backups.get(lost.clientId) ?? []);
    const gone = await readClient(api, world.manager.token, lost.id);
    expect(gone.errors?.length ?? 0).toBeGreaterThan(0);
    expect(gone.text).not.toContain(ADA.name);
  });
});

/** Puts copied items back, without their schedule (an operator's restore of a recovered record). */
async function restore(api: TestApi, items: readonly Item[]): Promise<void> {
  for (const item of items) {
    const { expiresAt: _expiresAt, gsi2pk: _pk, gsi2sk: _sk, retentionBasis: _basis, ...rest } = item;
    await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: rest }));
  }
}
