import { describe, expect, it } from 'vitest';
import { expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * The break-glass review lists filter by `status` (PENDING or COMPLETED). A status that is neither must be
 * BAD_USER_INPUT (DESIGN.md: bad input gets a clear error), not a filter silently dropped: asking for the
 * "completed" reviews answered the pending ones too, and a reviewer would take them as done.
 */

describe('emergencyAccessReviews(status:)', () => {
  const api = testApi();

  it('refuses a status that is not PENDING or COMPLETED instead of listing every review', async () => {
    const world = await serviceWorld(api);
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    const [worker, guardian] = await Promise.all([
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
    ]);
    const opened = await api.graphql(
      'mutation ($id: ID!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY, detail: "Collapsed at home") { id } }',
      { token: worker.token, variables: { id: client } },
    );
    expectNoErrors(opened);

    const completed = await api.graphql<{ emergencyAccessReviews: unknown[] }>(
      '{ emergencyAccessReviews(status: "COMPLETED") { id } }',
      { token: guardian.token },
    );
    expectNoErrors(completed);
    expect(completed.data?.emergencyAccessReviews).toEqual([]);

    for (const query of [
      '{ emergencyAccessReviews(status: "completed") { id status } }',
      '{ emergencyAccessReviewsConnection(status: "DONE") { edges { node { id status } } } }',
    ]) {
      const result = await api.graphql(query, { token: guardian.token });
      expect(
        errorsOf(result).map((error) => error.code),
        query,
      ).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(result.data ?? null), query).not.toContain('emg_');
    }
  });
});
