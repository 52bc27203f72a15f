import { addYears, toEpochSeconds } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { ADA, expectNoErrors } from '../support/care-fixtures';
import { loaderOf } from '../support/records-fixtures';
import {
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  DAY_MS,
  expectCode,
  keyQuarantine,
  partitionItems,
  readClient,
  retentionApi,
  retentionWorld,
  subjectKeyItem,
  sweepPastQuarantine,
  sweepUntilGone,
  tombstones,
} from './retention-support';

describe('retention: closed cases expire on schedule', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('expires an adult’s records 8 years after closure: readable before, gone after (even unswept), tombstoned after the sweep', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world, { dateOfBirth: '1980-12-10' });
    const closedAt = clock.now();
    const closed = await closeCase(api, world.manager, id);
    expectNoErrors(closed);
    const expiresAt = addYears(closedAt, 8);
    expect(closed.data?.closeCase.retention).toEqual({
      expiresAt: expiresAt.toISOString(),
      basis: 'AFTER_CLOSURE',
      legalHold: false,
    });

    // Every item of the client carries the schedule: partition, reference, identity, beacons and the key.
    const items = await partitionItems(api, world.org.orgId, clientId);
    const kinds = new Set(items.map((item) => item.sk?.S?.split('#')[0]));
    expect(kinds).toEqual(new Set(['PROFILE', 'NOTE', 'NOTEV', 'CONSENT', 'ALLOC']));
    for (const item of items) expect(item.expiresAt?.N).toBe(String(toEpochSeconds(expiresAt)));
    // The key expires later: the handler keeps it in quarantine for the grace period first (30 days, and 3 days'
    // margin for TTL's own lag).
    expect((await subjectKeyItem(api, world.org.orgId, clientId))?.expiresAt?.N).toBe(
      String(toEpochSeconds(expiresAt) + 33 * 86_400),
    );

    // A day before: everything reads normally.
    clock.set(new Date(expiresAt.getTime() - DAY_MS));
    const before = await readClient(api, world.manager.token, id);
    expectNoErrors(before);
    expect(before.data?.serviceUser.name).toBe(ADA.name);
    expect(before.data?.serviceUser.notes?.edges.map((edge) => edge.node.body).sort()).toEqual([
      'Reviewed inhaler technique.',
      'Walked to the library and back.',
    ]);
    expect(before.data?.serviceUser.consents).toEqual([{ scope: 'GP' }]);

    // At the date: nothing is returned, although nothing has been deleted yet.
    clock.set(expiresAt);
    const after = await readClient(api, world.manager.token, id);
    expectCode(after, 'NOT_FOUND');
    expect(after.text).not.toContain(ADA.name);
    expect(after.text).not.toContain('library');
    const caseload = await api.graphql<{ caseload: { edges: unknown[] } }>(
      '{ caseload { edges { node { id } } } }',
      {
        token: world.worker.token,
      },
    );
    expect(caseload.data?.caseload.edges).toEqual([]);
    const search = await api.graphql<{ searchServiceUsers: unknown[] }>(
      'query ($nhs: String) { searchServiceUsers(nhsNumber: $nhs) { id } }',
      { token: world.manager.token, variables: { nhs: ADA.nhsNumber } },
    );
    expect(search.data?.searchServiceUsers).toEqual([]);
    const scope = tenantScope(world.org.orgId);
    expect(
      await api.services.serviceUsers.idByReference(
        scope,
        items.find((i) => i.sk?.S === 'PROFILE')?.reference?.S ?? '',
      ),
    ).toBeUndefined();
    expect(await api.services.caseNotes.list(scope, clientId, loaderOf(api))).toEqual([]);
    expect(await api.services.consents.list(scope, clientId)).toEqual([]);
    expect((await partitionItems(api, world.org.orgId, clientId)).length).toBe(items.length);

    // The sweeper deletes, the stream handler leaves tombstones, and the key is gone.
    const left = await sweepUntilGone(api, world.org.orgId, clientId);
    expect(new Set(left.map((tombstone) => tombstone.kind))).toEqual(
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
    expect(
      left.every((tombstone) => tombstone.reason === 'EXPIRED' && tombstone.subjectId === clientId),
    ).toBe(true);
    expect(JSON.stringify(left)).not.toContain(ADA.name);
    // The key is kept in quarantine for the grace period (recoverable), not deleted with the last item.
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeDefined();
    expect(await keyQuarantine(api, world.org.orgId, clientId)).toMatchObject({ subjectId: clientId });

    // Running it all again adds nothing.
    const again = await sweepUntilGone(api, world.org.orgId, clientId);
    expect(again.length).toBe(left.length);

    // After the grace period the key goes, leaving a tombstone of its own.
    await sweepPastQuarantine(api, clock, world.org.orgId, clientId);
    expect(await keyQuarantine(api, world.org.orgId, clientId)).toBeUndefined();
    expect(
      (await tombstones(api, world.org.orgId, clientId)).filter(
        (tombstone) => tombstone.kind === 'SUBJECT_KEY',
      ),
    ).toEqual([expect.objectContaining({ reason: 'EXPIRED', subjectId: clientId })]);
  });

  it('keeps a child’s records until the 25th birthday when that is later than 8 years after closure', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const year = clock.now().getUTCFullYear();
    const dateOfBirth = `${year - 12}-01-02`;
    const { id, clientId } = await clientWithRecords(api, world, { dateOfBirth });
    const closed = await closeCase(api, world.manager, id);
    expectNoErrors(closed);
    const birthday25 = new Date(`${year + 13}-01-02T00:00:00.000Z`);
    expect(closed.data?.closeCase.retention).toEqual({
      expiresAt: birthday25.toISOString(),
      basis: 'CHILD_AGE',
      legalHold: false,
    });

    // Eight years on (the adult date) it is still there; the day before the 25th birthday too.
    clock.advanceYears(8);
    clock.advanceMs(DAY_MS);
    expectNoErrors(await readClient(api, world.manager.token, id));
    clock.set(new Date(birthday25.getTime() - 1000));
    const eve = await readClient(api, world.manager.token, id);
    expectNoErrors(eve);
    expect(eve.data?.serviceUser.name).toBe(ADA.name);

    clock.set(birthday25);
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');
    const left = await sweepUntilGone(api, world.org.orgId, clientId);
    expect(left.some((tombstone) => tombstone.kind === 'PROFILE' && tombstone.reason === 'EXPIRED')).toBe(
      true,
    );
    expect(await keyQuarantine(api, world.org.orgId, clientId)).toBeDefined();
    await sweepPastQuarantine(api, clock, world.org.orgId, clientId);
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeUndefined();
  });

  it('keeps a child who was nearly adult for 8 years after closure, the later date', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const closedAt = clock.now();
    // 17 at closure: the 25th birthday falls before closure + 8 years.
    const dob = addYears(closedAt, -17);
    const dateOfBirth = dob.toISOString().slice(0, 10);
    const { id } = await clientWithRecords(api, world, { dateOfBirth });
    const closed = await closeCase(api, world.manager, id);
    expect(closed.data?.closeCase.retention).toEqual({
      expiresAt: addYears(closedAt, 8).toISOString(),
      basis: 'AFTER_CLOSURE',
      legalHold: false,
    });
  });

  it('reopening a case takes the schedule off every item', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    const closedView = await readClient(api, world.manager.token, id);
    const reopened = await api.graphql<{
      reopenCase: { caseStatus: string; retention: { expiresAt: string | null } };
    }>(
      'mutation ($input: ReopenCaseInput!) { reopenCase(input: $input) { caseStatus retention { expiresAt } } }',
      {
        token: world.manager.token,
        variables: { input: { serviceUserId: id, expectedVersion: closedView.data?.serviceUser.version } },
      },
    );
    expectNoErrors(reopened);
    expect(reopened.data?.reopenCase).toEqual({ caseStatus: 'OPEN', retention: { expiresAt: null } });
    for (const item of await partitionItems(api, world.org.orgId, clientId))
      expect(item.expiresAt).toBeUndefined();
    expect((await subjectKeyItem(api, world.org.orgId, clientId))?.expiresAt).toBeUndefined();
    clock.advanceYears(30);
    expectNoErrors(await readClient(api, world.manager.token, id));
  });

  it('schedules a case closed late (within the 30 days allowed) from its closure date', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const { id } = await clientWithRecords(api, world);
    const closedAt = new Date(clock.now().getTime() - 29 * DAY_MS);
    const closed = await closeCase(api, world.manager, id, closedAt);
    expectNoErrors(closed);
    expect(closed.data?.closeCase).toMatchObject({
      name: ADA.name,
      caseStatus: 'CLOSED',
      closedAt: closedAt.toISOString(),
      retention: { expiresAt: addYears(closedAt, 8).toISOString(), basis: 'AFTER_CLOSURE', legalHold: false },
    });
  });
});
