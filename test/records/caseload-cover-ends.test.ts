import { describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';

/**
 * The caseload is "the service users the caller is allocated to (primary or current cover)" (schema; JRH: cover
 * for sickness and holidays ends). When a cover allocation's end time passes, the client leaves the caseload —
 * also for a caller who still sees the client some other way (the service's manager, every worker under
 * GROUP_WIDE): the caseload is the minimum-necessary view of one's own allocations, not of everyone one may see.
 */

const CASELOAD = '{ caseload { edges { node { id } } } }';
type Caseload = { caseload: { edges: { node: { id: string } }[] } };

const HOUR_MS = 3_600_000;

describe('a cover allocation that has ended', () => {
  // The cover's end passes when the test moves the clock, not after a wait: a busy machine cannot make it end early.
  const clock = new MovableClock();
  const api = testApi({ clock });
  /** A cover end an hour from the test clock's now, and a way to step past it. */
  const coverEnd = () => {
    const endsAt = new Date(clock.now().getTime() + HOUR_MS);
    return { endsAt: endsAt.toISOString(), pass: () => clock.set(new Date(endsAt.getTime() + 1000)) };
  };

  it('leaves the caseload of a manager who covered, though they still see the client', async () => {
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const client = await registerServiceUser(api, manager, serviceId);
    const cover = coverEnd();
    await allocate(api, manager, client, manager, 'COVER', cover.endsAt);

    const during = await api.graphql<Caseload>(CASELOAD, { token: manager.token });
    expectNoErrors(during);
    expect(during.data?.caseload.edges.map((edge) => edge.node.id)).toEqual([client]);

    cover.pass();
    const after = await api.graphql<Caseload>(CASELOAD, { token: manager.token });
    expectNoErrors(after);
    expect(after.data?.caseload.edges).toEqual([]);
  });

  it('leaves the caseload of a covering worker under GROUP_WIDE, while their primary clients stay', async () => {
    const org = await onboardTestOrganisation(api, { preset: 'GROUP_WIDE' });
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const covered = await registerServiceUser(api, manager, serviceId, { name: 'Covered Person' });
    const own = await registerServiceUser(api, manager, serviceId, { name: 'Own Person' });
    await allocate(api, manager, own, worker);
    const cover = coverEnd();
    await allocate(api, manager, covered, worker, 'COVER', cover.endsAt);

    const during = await api.graphql<Caseload>(CASELOAD, { token: worker.token });
    expectNoErrors(during);
    expect(during.data?.caseload.edges.map((edge) => edge.node.id).sort()).toEqual([covered, own].sort());

    cover.pass();
    const after = await api.graphql<Caseload>(CASELOAD, { token: worker.token });
    expectNoErrors(after);
    expect(after.data?.caseload.edges.map((edge) => edge.node.id)).toEqual([own]);
  });
});
