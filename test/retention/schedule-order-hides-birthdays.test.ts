import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { clientWithRecords, closeCase, retentionApi, retentionWorld } from './retention-support';

const SCHEDULE = `{ retentionSchedule(first: 50) {
  edges { node { serviceUserId expiresAt expiresAtPrecision basis } }
} }`;

interface Scheduled {
  readonly serviceUserId: string;
  readonly expiresAt: string;
  readonly expiresAtPrecision: string;
  readonly basis: string;
}

/**
 * The retention schedule shows a child's expiry (their birthday at the organisation's child age) to the year only, as
 * its readers may not read a date of birth. It listed the child in the order of the exact date all the same, between
 * the adults whose exact expiries are shown: the neighbours' dates narrowed the child's birthday to a few days. A
 * child's place in the schedule is now the start of its year, as shown.
 */
describe('the retention schedule’s order', () => {
  const { api, clock } = retentionApi();

  it('places a child by the year shown, never between adults by the birthday it hides', async () => {
    // Prepare: from the 2nd of January next year, two adults' cases and a child's close so that all three expire in
    // one year, 8 years on; the child (16 at closure) on their 25th birthday, 15 June, between the adults' dates.
    const world = await retentionWorld(api);
    const year = clock.now().getUTCFullYear() + 1;
    const child = await clientWithRecords(api, world, { dateOfBirth: `${year - 17}-06-15` });
    const early = await clientWithRecords(api, world, { dateOfBirth: '1960-03-01' });
    const late = await clientWithRecords(api, world, { dateOfBirth: '1961-03-01' });
    clock.set(new Date(Date.UTC(year, 0, 2, 12)));
    expectNoErrors(await closeCase(api, world.manager, early.id));
    expectNoErrors(await closeCase(api, world.manager, child.id));
    clock.set(new Date(Date.UTC(year, 11, 20, 12)));
    expectNoErrors(await closeCase(api, world.manager, late.id));

    // Act
    const read = await api.graphql<{ retentionSchedule: { edges: { node: Scheduled }[] } }>(SCHEDULE, {
      token: world.ig.token,
    });

    // Assess: the child is listed as expiring in its year, and in the order of what is shown.
    expectNoErrors(read);
    const listed = (read.data?.retentionSchedule.edges ?? []).map((edge) => edge.node);
    expect(listed.map((node) => [node.serviceUserId, node.basis, node.expiresAtPrecision])).toEqual([
      [child.id, 'CHILD_AGE', 'YEAR'],
      [early.id, 'AFTER_CLOSURE', 'DAY'],
      [late.id, 'AFTER_CLOSURE', 'DAY'],
    ]);
    expect(listed.map((node) => node.expiresAt)).toEqual([
      `${year + 8}-01-01T00:00:00.000Z`,
      `${year + 8}-01-02T12:00:00.000Z`,
      `${year + 8}-12-20T12:00:00.000Z`,
    ]);
  });
});
