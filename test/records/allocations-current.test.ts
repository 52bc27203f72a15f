import { describe, expect, it } from 'vitest';
import { allocate, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * `ServiceUser.allocations` lists "workers currently allocated, with cover end times" (schema). A cover whose end
 * time has passed gives the worker no access any more; it must not be listed as a current allocation.
 */

const HOUR_MS = 3_600_000;

describe('ServiceUser.allocations', () => {
  // The cover's end passes when the test moves the clock, not after a wait: a busy machine cannot make it end early.
  const clock = new MovableClock();
  const api = testApi({ clock });

  it('leaves out a cover allocation once its end time has passed', async () => {
    const world = await serviceWorld(api);
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    const [primary, cover] = await Promise.all([
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['SUPPORT_WORKER']),
    ]);
    await allocate(api, world.manager, client, primary);
    const endsAt = new Date(clock.now().getTime() + HOUR_MS);
    await allocate(api, world.manager, client, cover, 'COVER', endsAt.toISOString());
    const read = () =>
      api.graphql<{ serviceUser: { allocations: { staffId: string; kind: string }[] } }>(
        'query ($id: ID!) { serviceUser(id: $id) { allocations { staffId kind } } }',
        { token: world.manager.token, variables: { id: client } },
      );

    const during = await read();
    expectNoErrors(during);
    expect(during.data?.serviceUser.allocations.map((a) => a.staffId).sort()).toEqual(
      [primary.globalId, cover.globalId].sort(),
    );

    clock.set(new Date(endsAt.getTime() + 1000));
    const after = await read();
    expectNoErrors(after);
    expect(after.data?.serviceUser.allocations).toEqual([{ staffId: primary.globalId, kind: 'PRIMARY' }]);
  });
});
