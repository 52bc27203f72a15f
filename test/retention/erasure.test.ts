import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type Item, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { ADA, expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import {
  approvalIdOf,
  approve,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  codesOf,
  eraseWithApproval,
  expectCode,
  localRetention,
  partitionItems,
  proposeErasure,
  readClient,
  retentionApi,
  retentionWorld,
  subjectKeyItem,
  sweepUntilGone,
} from './retention-support';

describe('retention: erasure', () => {
  const { api } = retentionApi();
  afterAll(closeLocalRetentions);

  it('crypto-shreds at once: nothing is readable, not even items restored from a copy taken before', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const { orgId } = world.org;

    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);

    // Only the IG lead proposes, and only a closed case is erased (checked when proposed, and when approved).
    expectCode(await proposeErasure(api, world.ig.token, id), 'CONFLICT');
    expectNoErrors(await closeCase(api, world.manager, id));
    expectCode(await proposeErasure(api, world.manager.token, id), 'FORBIDDEN');

    // A "backup": every item of the partition and the reference, copied with plain Get/Put.
    const partition = await partitionItems(api, orgId, clientId);
    const reference = partition.find((item) => item.sk?.S === 'PROFILE')?.reference?.S ?? '';
    const referenceItem = (
      await api.services.dynamo.send(
        new GetItemCommand({
          TableName: api.stack.tables.data,
          Key: { pk: { S: tenantScope(orgId).key('REFERENCE', reference) }, sk: { S: 'REFERENCE' } },
        }),
      )
    ).Item as Item;
    const backup = [...partition, referenceItem];
    expect(backup.length).toBeGreaterThan(6);

    // One IG lead's word is not enough: the erasure waits for a second person, and nothing is destroyed yet.
    const proposed = await proposeErasure(api, world.ig.token, id);
    expectCode(proposed, 'APPROVAL_REQUIRED');
    expect(await subjectKeyItem(api, orgId, clientId)).toBeDefined();
    expectNoErrors(await readClient(api, world.manager.token, id));
    expectCode(await approve(api, world.ig.token, approvalIdOf(proposed)), 'FORBIDDEN');
    expectCode(await approve(api, world.manager.token, approvalIdOf(proposed)), 'FORBIDDEN');
    expect(await subjectKeyItem(api, orgId, clientId)).toBeDefined();
    const approved = await approve(api, guardian.token, approvalIdOf(proposed));
    expectNoErrors(approved);
    expect(approved.data?.approveChange.status).toBe('APPROVED');
    const erasure = await api.services.tombstones.erasure(tenantScope(orgId), clientId);
    const itemsRemoved = backup.length;

    // Immediately: the key is gone, the person is not found.
    expect(await subjectKeyItem(api, orgId, clientId)).toBeUndefined();
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');
    expect((await partitionItems(api, orgId, clientId)).length).toBe(0);

    // Restore the copy: the items are back, their ciphertext is not readable by anyone.
    for (const item of backup) {
      await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: item }));
    }
    for (const token of [world.manager.token, world.worker.token, world.ig.token]) {
      const restored = await readClient(api, token, id);
      expect(restored.errors?.length ?? 0).toBeGreaterThan(0);
      for (const code of codesOf(restored)) expect(['NOT_FOUND', 'INTERNAL', 'FORBIDDEN']).toContain(code);
      expect(restored.text).not.toContain(ADA.name);
      expect(restored.text).not.toContain('library');
      expect(restored.text).not.toContain('inhaler');
      expect(restored.data?.serviceUser?.name ?? null).toBeNull();
    }
    const note = partition.find((item) => item.sk?.S?.startsWith('NOTE#'));
    const noteId = Buffer.from(`CareNote:${clientId}.${note?.noteId?.S}`).toString('base64');
    const direct = await api.graphql('query ($id: ID!) { caseNote(id: $id) { ... on CareNote { body } } }', {
      token: world.worker.token,
      variables: { id: noteId },
    });
    expect(direct.text).not.toContain('library');

    // The erasure record and the audit event remain; the stream handler tombstoned what was deleted.
    const scope = tenantScope(orgId);
    expect(erasure).toMatchObject({
      subjectId: clientId,
      erasedBy: world.ig.staffId,
      approvedBy: guardian.staffId,
    });
    const events = await api.services.auditLog.bySubject(scope, clientId);
    expect(
      events.find((event) => event.operation === 'eraseServiceUser' && event.action === 'ADMIN'),
    ).toMatchObject({
      action: 'ADMIN',
      // The reason was sealed under the person's key: shredded with it (issue 17 item 2).
      purpose: 'erased',
    });
    // The stream handler's tombstones: one per deleted item, ERASED, written once however often it runs.
    const KINDS = [
      'PROFILE',
      'NOTE',
      'NOTE_VERSION',
      'CONSENT',
      'ALLOCATION',
      'REFERENCE',
      'IDENTITY',
      'BEACON',
    ];
    let list = await api.services.tombstones.list(scope, clientId);
    for (
      let attempt = 0;
      attempt < 10 && new Set(list.map((tombstone) => tombstone.kind)).size < KINDS.length;
      attempt++
    ) {
      await localRetention(api, orgId).drainStream();
      list = await api.services.tombstones.list(scope, clientId);
    }
    await localRetention(api, orgId).drainStream();
    const settled = list.length;
    list = await api.services.tombstones.list(scope, clientId);
    expect(list.length).toBe(settled);
    expect(list.length).toBeGreaterThanOrEqual(itemsRemoved);
    expect(list.every((tombstone) => tombstone.reason === 'ERASED')).toBe(true);
    expect(new Set(list.map((tombstone) => tombstone.kind))).toEqual(new Set(KINDS));
  });

  it('leaves no consent behind that a request read the person for before the erasure and wrote after it', async () => {
    // Prepare: a recordConsent that has read the person's profile and key (so it passed every check) but not yet
    // written when the erasure runs and its partition is swept.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const { orgId } = world.org;
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const key = await api.services.keys.subjectKey(orgId, clientId);
    if (!key) throw new Error('The person has a key before the erasure.');
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));
    await sweepUntilGone(api, orgId, clientId);

    // Act: the late write
    const late = api.services.consents.record(tenantScope(orgId), clientId, key, {
      scope: 'FAMILY',
      method: 'SIGNED_FORM',
      givenBy: 'CLIENT',
      managerInvolved: false,
      classifications: [],
      purposes: [],
      recordedBy: world.manager.staffId,
      sealed: {},
    });

    // Assess: refused as a person no longer held, and nothing in the erased partition
    await expect(late).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await partitionItems(api, orgId, clientId)).toEqual([]);
  });

  it('leaves no release behind that a request read the person for before the erasure and wrote after it', async () => {
    // Prepare: a release that has read the person's profile, key and note (so it passed every check) but not yet
    // written when the erasure runs and its partition is swept.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const { orgId } = world.org;
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const key = await api.services.keys.subjectKey(orgId, clientId);
    if (!key) throw new Error('The person has a key before the erasure.');
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));
    await sweepUntilGone(api, orgId, clientId);

    // Act: the late write of a release alone (no item outside the person's partition)
    const late = api.services.disclosures.append(tenantScope(orgId), key, {
      requestId: 'late-release',
      clientId,
      sequence: 3,
      kind: 'RELEASED',
      by: world.manager.staffId,
      partnerId: 'partner-late',
      itemIds: ['note-late'],
      grantExpiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      released: [
        {
          noteId: 'note-late',
          kind: 'DAILY_SUPPORT',
          recordedAt: '2026-11-30T10:00:00.000Z',
          version: 1,
          amendedAt: undefined,
          body: 'A note read before the erasure',
        },
      ],
    });

    // Assess: refused, and nothing in the erased partition
    await expect(late).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await partitionItems(api, orgId, clientId)).toEqual([]);
  });

  it('refuses erasure while a safeguarding investigation is open', async () => {
    const world = await retentionWorld(api);
    const { id } = await clientWithRecords(api, world);
    const lead = await addStaff(api, world.org, ['SAFEGUARDING_LEAD']);
    const opened = await api.graphql(
      'mutation ($ids: [ID!]!, $lead: ID!) { openSafeguardingInvestigation(serviceUserIds: $ids, investigatorId: $lead) }',
      { token: world.manager.token, variables: { ids: [id], lead: lead.globalId } },
    );
    expectNoErrors(opened);
    expectNoErrors(await closeCase(api, world.manager, id));
    expectCode(await proposeErasure(api, world.ig.token, id), 'CONFLICT');
    expectNoErrors(await readClient(api, world.manager.token, id));
  });

  it('waits, when proposed and when approved, until an emergency access to the person has been reviewed', async () => {
    // Prepare: a closed case, an erasure proposed, then someone with no relationship breaks the glass.
    const world = await retentionWorld(api);
    const { id } = await clientWithRecords(api, world);
    const [stranger, guardian] = await Promise.all([
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
    ]);
    expectNoErrors(await closeCase(api, world.manager, id));
    const proposedBefore = await proposeErasure(api, world.ig.token, id);
    expectCode(proposedBefore, 'APPROVAL_REQUIRED');
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY, detail: "Collapsed at the day centre") { id } }',
        { token: stranger.token, variables: { id } },
      ),
    );

    // Act: the erasure approved, and proposed again, while the review is pending.
    const approvedDuring = await approve(api, guardian.token, approvalIdOf(proposedBefore));
    const proposedDuring = await proposeErasure(api, world.ig.token, id);

    // Assess: both wait; the review can still be completed, and the erasure then goes ahead.
    expectCode(approvedDuring, 'CONFLICT');
    expectCode(proposedDuring, 'CONFLICT');
    expectNoErrors(await readClient(api, world.manager.token, id));
    const pending = await api.graphql<{ emergencyAccessReviews: { id: string }[] }>(
      '{ emergencyAccessReviews(status: "PENDING") { id } }',
      { token: guardian.token },
    );
    const [review] = pending.data?.emergencyAccessReviews ?? [];
    expectNoErrors(
      await api.graphql(
        'mutation ($r: ID!) { completeEmergencyAccessReview(reviewId: $r, outcome: JUSTIFIED) { id } }',
        { token: guardian.token, variables: { r: review?.id } },
      ),
    );
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');
  });

  describe('an erasure whose proposer could no longer propose it', () => {
    async function proposedThenApproved(
      change: (world: Awaited<ReturnType<typeof retentionWorld>>, id: string) => Promise<void>,
    ) {
      const world = await retentionWorld(api);
      const { id } = await clientWithRecords(api, world);
      const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
      expectNoErrors(await closeCase(api, world.manager, id));
      const proposed = await proposeErasure(api, world.ig.token, id);
      expectCode(proposed, 'APPROVAL_REQUIRED');
      await change(world, id);
      const approved = await approve(api, guardian.token, approvalIdOf(proposed));
      return { world, id, approved };
    }

    it('is not run once the proposer is no longer an IG lead', async () => {
      // Prepare and act: the IG lead proposes, an admin takes the role away, the Guardian approves.
      const { world, id, approved } = await proposedThenApproved(async (world) => {
        for (const mutation of [
          'assignRoles(input: { staffId: $id, roles: [VOLUNTEER] })',
          'removeRoles(input: { staffId: $id, roles: [IG_LEAD] })',
        ]) {
          expectNoErrors(
            await api.graphql(`mutation ($id: ID!) { ${mutation} { roles } }`, {
              token: world.org.adminToken,
              variables: { id: world.ig.globalId },
            }),
          );
        }
      });

      // Assess: two people with the authority did not both ask for it, so nothing is erased.
      expectCode(approved, 'CONFLICT');
      expectNoErrors(await readClient(api, world.manager.token, id));
    });

    it('is not run once a conflict of interest hides the person from the proposer', async () => {
      // Prepare and act: the IG lead proposes, the manager declares the IG lead a relative, the Guardian approves.
      const { world, id, approved } = await proposedThenApproved(async (world, id) => {
        expectNoErrors(
          await api.graphql(
            'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: RELATIVE) }',
            { token: world.manager.token, variables: { c: id, s: world.ig.globalId } },
          ),
        );
      });

      // Assess
      expectCode(approved, 'CONFLICT');
      expectNoErrors(await readClient(api, world.manager.token, id));
    });
  });
});
