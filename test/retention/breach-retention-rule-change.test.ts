import { addYears } from '@confide/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { failingDynamoClient, interleavingDynamoClient } from '../support/failing-dynamo';
import { type TestApi, testApi } from '../support/test-api';
import {
  closeLocalRetentions,
  DAY_MS,
  retentionApi,
  retentionWorld,
  untilRescheduled,
} from './retention-support';

/**
 * DATA-PROTECTION.md, Retention: breach register entries are kept 6 years by default, per organisation,
 * configurable; issue 7: "a rule change recomputes affected schedules". An organisation that raises `breachYears`
 * keeps the entries it already holds for the new period, not only those recorded after the change.
 */

const REPORT = `mutation ($i: ReportBreachInput!) { reportBreach(input: $i) { id retainedUntil } }`;
const BREACHES = '{ breaches { id retainedUntil } }';
const SET_RULES = `mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) {
  organisation { version retention { breachYears } } rescheduledCases rescheduledStaff complete continueAfter
} }`;

type World = Awaited<ReturnType<typeof retentionWorld>>;

describe('retention: a change of breachYears', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  /** A breach reported now by the IG lead; its id. */
  async function report(world: World): Promise<string> {
    const reported = await api.graphql<{ reportBreach: { id: string; retainedUntil: string } }>(REPORT, {
      token: world.ig.token,
      variables: {
        i: {
          discoveredAt: new Date(clock.now().getTime() - 60 * 60 * 1000).toISOString(),
          nature: 'Letter with a support plan sent to the wrong address',
          categories: ['CARE'],
          approximateSubjects: 1,
        },
      },
    });
    expectNoErrors(reported);
    return reported.data?.reportBreach.id ?? '';
  }

  async function setBreachYears(world: World, breachYears: number, through: TestApi = api): Promise<void> {
    const version = await api.graphql<{ organisation: { version: number } }>('{ organisation { version } }', {
      token: world.org.adminToken,
    });
    const changed = await through.graphql<{
      setRetentionRules: { complete: boolean; continueAfter: string | null };
    }>(SET_RULES, {
      token: world.org.adminToken,
      variables: { input: { breachYears, expectedVersion: version.data?.organisation.version } },
    });
    if (through !== api) return;
    expectNoErrors(changed);
    if (changed.data) await untilRescheduled(api, world.org.adminToken, changed.data.setRetentionRules);
  }

  async function retainedUntil(world: World, breachId: string): Promise<string | undefined> {
    const listed = await api.graphql<{ breaches: { id: string; retainedUntil: string }[] }>(BREACHES, {
      token: world.ig.token,
    });
    expectNoErrors(listed);
    return listed.data?.breaches.find((entry) => entry.id === breachId)?.retainedUntil;
  }

  it('keeps the entries already in the register for the longer period it sets', async () => {
    // Prepare: a breach in the register, kept 6 years under the default rule.
    const world = await retentionWorld(api);
    const recordedAt = clock.now();
    const breachId = await report(world);

    // Act: the organisation raises breachYears to 10.
    await setBreachYears(world, 10);

    // Assess: the entry says it is kept 10 years, and is still in the register after 6 years and a day.
    expect(await retainedUntil(world, breachId)).toBe(addYears(recordedAt, 10).toISOString());
    clock.set(new Date(addYears(recordedAt, 6).getTime() + DAY_MS));
    const later = await api.graphql<{ breaches: { id: string }[] }>(BREACHES, { token: world.ig.token });
    expectNoErrors(later);
    expect(later.data?.breaches.map((entry) => entry.id)).toContain(breachId);
  });

  it('does not shorten the entries already held when it is lowered again', async () => {
    // Prepare: an entry kept 10 years after the organisation raised breachYears.
    const world = await retentionWorld(api);
    const recordedAt = clock.now();
    const breachId = await report(world);
    await setBreachYears(world, 10);

    // Act: the organisation lowers it to 6.
    await setBreachYears(world, 6);

    // Assess: the entry held keeps its 10 years (shortening could expire entries at once, on one person's word);
    // an entry recorded now is kept 6.
    expect(await retainedUntil(world, breachId)).toBe(addYears(recordedAt, 10).toISOString());
    const newer = await report(world);
    expect(await retainedUntil(world, newer)).toBe(addYears(clock.now(), 6).toISOString());
  });

  it('a change whose extension failed part-way is completed by making the same change again', async () => {
    // Prepare: a breach in the register, and an API whose DynamoDB client fails to extend any breach entry.
    const world = await retentionWorld(api);
    const recordedAt = clock.now();
    const breachId = await report(world);
    const failing = failingDynamoClient(
      api,
      (call) =>
        call.commandName === 'UpdateItemCommand' &&
        JSON.stringify(call.input).includes('#BREACHES"') &&
        (call.input as { UpdateExpression?: string }).UpdateExpression === 'SET expiresAt = :expiresAt',
    );
    const faulty = testApi({ clock, tables: api.stack.tables, dynamo: failing.client });
    await setBreachYears(world, 10, faulty);
    expect(failing.failures()).toBe(1);
    expect(await retainedUntil(world, breachId)).toBe(addYears(recordedAt, 6).toISOString());

    // Act: the same change again, with nothing failing (the rules already say 10 years).
    await setBreachYears(world, 10);

    // Assess: the entry held is now kept 10 years.
    expect(await retainedUntil(world, breachId)).toBe(addYears(recordedAt, 10).toISOString());
  });

  it('two changes at once never shorten an entry: one to 10 years read before one to 12 was written', async () => {
    // Prepare: a breach in the register, and a change to 10 years whose extension of the entry is held, after it read
    // the entry, while a second admin's change to 12 years runs to its end.
    const world = await retentionWorld(api);
    const recordedAt = clock.now();
    const breachId = await report(world);
    const slow = interleavingDynamoClient(
      api,
      (call) =>
        call.commandName === 'UpdateItemCommand' &&
        JSON.stringify(call.input).includes('#BREACHES"') &&
        (call.input as { UpdateExpression?: string }).UpdateExpression === 'SET expiresAt = :expiresAt',
      () => setBreachYears(world, 12),
    );

    // Act
    await setBreachYears(world, 10, testApi({ clock, tables: api.stack.tables, dynamo: slow.client }));

    // Assess: the entry keeps the 12 years the later change gave it.
    expect(slow.interleaved()).toBe(true);
    expect(await retainedUntil(world, breachId)).toBe(addYears(recordedAt, 12).toISOString());
  });
});
