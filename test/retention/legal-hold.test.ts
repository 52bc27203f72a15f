import { addYears, toEpochSeconds } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { ADA, expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import type { TestApi } from '../support/test-api';
import {
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  expectCode,
  localRetention,
  partitionItems,
  proposeErasure,
  readClient,
  retentionApi,
  retentionWorld,
  subjectKeyItem,
} from './retention-support';

const PLACE = `mutation ($id: ID!, $reason: String!) { placeLegalHold(serviceUserId: $id, reason: $reason) {
  serviceUserId reference placedAt placedBy reason liftedAt
} }`;
const LIFT = `mutation ($id: ID!, $reason: String!) { liftLegalHold(serviceUserId: $id, reason: $reason) {
  serviceUserId liftedAt liftReason
} }`;
const HOLDS = '{ legalHolds { edges { node { serviceUserId reference reason } } pageInfo { hasNextPage } } }';

function hold(api: TestApi, token: string, id: string, reason = 'Material to county court claim 24-0117') {
  return api.graphql<{
    placeLegalHold: { serviceUserId: string; reason: string | null; liftedAt: string | null };
  }>(PLACE, { token, variables: { id, reason } });
}

function lift(api: TestApi, token: string, id: string, reason = 'Proceedings concluded') {
  return api.graphql<{
    liftLegalHold: { serviceUserId: string; liftedAt: string | null; liftReason: string | null };
  }>(LIFT, { token, variables: { id, reason } });
}

describe('retention: legal holds', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('keeps everything readable past the date; lifting schedules the records again', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world, { dateOfBirth: '1975-04-01' });
    const closedAt = clock.now();
    expectNoErrors(await closeCase(api, world.manager, id));
    const expiresAt = addYears(closedAt, 8);

    // Placed by the service's manager before the date: every item and the key lose their expiry.
    const placed = await hold(api, world.manager.token, id);
    expectNoErrors(placed);
    expect(placed.data?.placeLegalHold).toMatchObject({
      serviceUserId: id,
      reason: 'Material to county court claim 24-0117',
      liftedAt: null,
    });
    for (const item of await partitionItems(api, world.org.orgId, clientId))
      expect(item.expiresAt).toBeUndefined();
    expect((await subjectKeyItem(api, world.org.orgId, clientId))?.expiresAt).toBeUndefined();
    const view = await readClient(api, world.manager.token, id);
    expect(view.data?.serviceUser.retention).toEqual({ expiresAt: null, basis: null, legalHold: true });
    // Audited against the person, with the reason as the stated purpose. (Audit events are kept for the audit
    // period, hold or not: this one is past it by the time the hold is lifted below — decision 0017.)
    const placing = await api.services.auditLog.bySubject(tenantScope(world.org.orgId), clientId);
    expect(
      placing.find((event) => event.operation === 'placeLegalHold' && event.action === 'ADMIN'),
    ).toMatchObject({
      purpose: 'Material to county court claim 24-0117',
    });

    // Past the date, and after the sweeper: still all there.
    clock.set(addYears(expiresAt, 1));
    await localRetention(api, world.org.orgId).runOnce();
    const held = await readClient(api, world.manager.token, id);
    expectNoErrors(held);
    expect(held.data?.serviceUser.name).toBe(ADA.name);
    expect(held.data?.serviceUser.notes?.edges.length).toBe(2);

    // Listed for governance, with its reason; placing it again changes nothing.
    const listed = await api.graphql<{
      legalHolds: { edges: { node: { serviceUserId: string; reason: string } }[] };
    }>(HOLDS, { token: world.ig.token });
    expectNoErrors(listed);
    expect(listed.data?.legalHolds.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ serviceUserId: id, reason: 'Material to county court claim 24-0117' }),
    ]);
    // The list names the person and opens the reason sealed under their key: the person's audit records the read,
    // and the reason's as a read of their CONSENT data (decision 0152).
    const reads = (await api.services.auditLog.bySubject(tenantScope(world.org.orgId), clientId)).filter(
      (event) => event.operation === 'legalHolds',
    );
    expect(reads.map((event) => [event.action, event.actor.id, event.fields])).toEqual([
      ['READ', world.ig.staffId, ['LegalHold.reason']],
      ['READ', world.ig.staffId, ['LegalHold']],
    ]);
    expectNoErrors(await hold(api, world.ig.token, id, 'Second request'));
    const again = await api.graphql<{ legalHolds: { edges: unknown[] } }>(HOLDS, { token: world.ig.token });
    expect(again.data?.legalHolds.edges.length).toBe(1);

    // A hold blocks erasure: not even proposed.
    expectCode(await proposeErasure(api, world.ig.token, id, 'Erasure request'), 'CONFLICT');
    expect(await subjectKeyItem(api, world.org.orgId, clientId)).toBeDefined();

    // Only governance roles lift it; lifting after the date would let the records expire at once, which is an
    // erasure in effect: refused on this routine path, and the records stay held and readable.
    expectCode(await lift(api, world.manager.token, id), 'FORBIDDEN');
    const lifted = await lift(api, world.ig.token, id);
    expectCode(lifted, 'FORBIDDEN');
    const stillHeld = await readClient(api, world.manager.token, id);
    expectNoErrors(stillHeld);
    expect(stillHeld.data?.serviceUser.retention?.legalHold).toBe(true);

    // Both refusals are audited; the IG lead's names the rule and carries the reason given.
    const events = await api.services.auditLog.bySubject(tenantScope(world.org.orgId), clientId);
    const liftRefusals = events.filter(
      (event) => event.operation === 'liftLegalHold' && event.action === 'DENIED',
    );
    expect(liftRefusals).toContainEqual(
      expect.objectContaining({
        rule: 'retention.immediate-expiry-is-erasure',
        purpose: 'Proceedings concluded',
        actor: expect.objectContaining({ id: world.ig.staffId }),
      }),
    );
    expect(liftRefusals).toContainEqual(
      expect.objectContaining({ actor: expect.objectContaining({ id: world.manager.staffId }) }),
    );
    // The first placing, nine years before, is past the audit period now (only the repeated one is returned).
    expect(
      events
        .filter((event) => event.operation === 'placeLegalHold' && event.action === 'ADMIN')
        .map((event) => event.purpose),
    ).toEqual(['Second request']);
  });

  it('lifting before the date restores the original schedule', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world, { dateOfBirth: '1975-04-01' });
    const closedAt = clock.now();
    expectNoErrors(await closeCase(api, world.manager, id));
    const senior = world.senior;
    expectNoErrors(await hold(api, senior.token, id));
    clock.advanceYears(2);
    expectNoErrors(await lift(api, senior.token, id));
    const view = await readClient(api, world.manager.token, id);
    expectNoErrors(view);
    const expiresAt = addYears(closedAt, 8);
    expect(view.data?.serviceUser.retention).toEqual({
      expiresAt: expiresAt.toISOString(),
      basis: 'AFTER_CLOSURE',
      legalHold: false,
    });
    for (const item of await partitionItems(api, world.org.orgId, clientId)) {
      expect(item.expiresAt?.N).toBe(String(toEpochSeconds(expiresAt)));
    }
    clock.set(expiresAt);
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');
  });

  it('refuses callers without the role, and hides the person from those without a relationship', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const { id } = await clientWithRecords(api, world);
    const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    expectCode(await hold(api, stranger.token, id), 'NOT_FOUND');
    expectCode(await hold(api, world.worker.token, id), 'FORBIDDEN');
    expectCode(await lift(api, world.ig.token, id), 'CONFLICT');
    expectCode(await api.graphql(HOLDS, { token: world.manager.token }), 'FORBIDDEN');
    expectCode(await hold(api, world.manager.token, id, '  '), 'BAD_USER_INPUT');
    // A hold on an open case: closing it later schedules nothing until the hold is lifted.
    expectNoErrors(await hold(api, world.manager.token, id));
    const closed = await closeCase(api, world.manager, id);
    expectNoErrors(closed);
    expect(closed.data?.closeCase.retention).toEqual({ expiresAt: null, basis: null, legalHold: true });
  });
});
