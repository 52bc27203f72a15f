import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { LocalRetention } from '@confide/local';
import { type Item, KEY_QUARANTINE_DAYS, type Tombstone, tenantScope } from '@confide/store';
import { afterAll, beforeAll, expect } from 'vitest';
import { expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { updatesWith, type WriteCall } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { localIdOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { createOwnTables, type GraphqlResult, ownTables, type TestApi, testApi } from '../support/test-api';

export { MovableClock };

/**
 * An API whose clock the test controls (the tokens stay real-time: only the records age), on tables of its own
 * (created before the tests of the calling suite, deleted after them): the local sweep scans its whole table and a
 * new stream poller reads its whole stream, which on the shared tables would be everything the suite wrote.
 */
export function retentionApi(): { api: TestApi; clock: MovableClock } {
  const clock = new MovableClock();
  const api = testApi({ clock, tables: ownTables() });
  let removeTables: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    removeTables = await createOwnTables(api);
  });
  afterAll(async () => {
    await removeTables?.();
  });
  return { api, clock };
}

export interface RetentionWorld extends ServiceWorld {
  readonly worker: Person;
  readonly ig: Person;
}

/** An organisation with a service, its manager, an allocated-to-be worker and an IG lead. */
export async function retentionWorld(api: TestApi): Promise<RetentionWorld> {
  const world = await serviceWorld(api);
  const [worker, ig] = await Promise.all([
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['IG_LEAD']),
  ]);
  return { ...world, worker, ig };
}

/** A client of the world's service placed under a legal hold by its IG lead; answers the client's global id. */
export async function heldClient(api: TestApi, world: RetentionWorld): Promise<string> {
  const held = await registerServiceUser(api, world.manager, world.serviceId);
  expectNoErrors(
    await api.graphql(
      'mutation ($id: ID!) { placeLegalHold(serviceUserId: $id, reason: "Claim 24-0117") { placedAt } }',
      { token: world.ig.token, variables: { id: held } },
    ),
  );
  return held;
}

/** A client with a primary worker, a daily note (amended once, so it has history), a medical note and a consent. */
export async function clientWithRecords(
  api: TestApi,
  world: RetentionWorld,
  details: { dateOfBirth?: string; name?: string; nhsNumber?: string } = {},
): Promise<{ id: string; clientId: string }> {
  const id = await registerServiceUser(api, world.manager, world.serviceId, details);
  const gql = (query: string, token: string, variables: Record<string, unknown>) =>
    api.graphql(query, { token, variables }).then((result) => {
      expectNoErrors(result);
      return result;
    });
  await gql(
    'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }',
    world.manager.token,
    { input: { serviceUserId: id, staffId: world.worker.globalId, kind: 'PRIMARY' } },
  );
  const note = await gql(
    'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id version } }',
    world.worker.token,
    { input: { serviceUserId: id, kind: 'DAILY_SUPPORT', body: 'Walked to the library together.' } },
  );
  const recorded = (note.data as { recordNote: { id: string; version: number } }).recordNote;
  await gql('mutation ($input: AmendNoteInput!) { amendNote(input: $input) { id } }', world.worker.token, {
    input: {
      noteId: recorded.id,
      body: 'Walked to the library and back.',
      expectedVersion: recorded.version,
    },
  });
  await gql('mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }', world.worker.token, {
    input: { serviceUserId: id, kind: 'MEDICAL', body: 'Reviewed inhaler technique.' },
  });
  await gql(
    'mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }',
    world.manager.token,
    { input: { serviceUserId: id, scope: 'GP', method: 'SIGNED_FORM', givenBy: 'CLIENT' } },
  );
  return { id, clientId: localIdOf(id) };
}

export interface ClientView {
  serviceUser: {
    name: string | null;
    caseStatus: string | null;
    closedAt: string | null;
    version: number | null;
    retention: { expiresAt: string | null; basis: string | null; legalHold: boolean } | null;
    notes: { edges: { node: { kind: string; body?: string | null } }[] } | null;
    consents: { scope: string }[] | null;
  };
}

export const CLIENT_QUERY = `query ($id: ID!) { serviceUser(id: $id) {
  name caseStatus closedAt version
  retention { expiresAt basis legalHold }
  notes { edges { node { kind ... on CareNote { body } ... on HealthNote { body } } } }
  consents { scope }
} }`;

export function readClient(api: TestApi, token: string, id: string): Promise<GraphqlResult<ClientView>> {
  return api.graphql<ClientView>(CLIENT_QUERY, { token, variables: { id } });
}

export async function closeCase(
  api: TestApi,
  manager: Person,
  id: string,
  closedAt?: Date,
): Promise<GraphqlResult<{ closeCase: ClientView['serviceUser'] }>> {
  const current = await readClient(api, manager.token, id);
  expectNoErrors(current);
  return api.graphql(
    `mutation ($input: CloseCaseInput!) { closeCase(input: $input) {
      name caseStatus closedAt version retention { expiresAt basis legalHold }
    } }`,
    {
      token: manager.token,
      variables: {
        input: {
          serviceUserId: id,
          expectedVersion: current.data?.serviceUser.version,
          ...(closedAt ? { closedAt: closedAt.toISOString() } : {}),
        },
      },
    },
  );
}

/** The raw items of a client's partition (test-only, straight from the table). */
export async function partitionItems(api: TestApi, orgId: OrgId, clientId: string): Promise<Item[]> {
  const result = await api.services.dynamo.send(
    new QueryCommand({
      TableName: api.stack.tables.data,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: tenantScope(orgId).key('CLIENT', clientId) } },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

/** The client's wrapped data key item in the key table, if it still exists. */
export async function subjectKeyItem(
  api: TestApi,
  orgId: OrgId,
  clientId: string,
): Promise<Item | undefined> {
  const { table, key } = api.services.keys.subjectKeyLocation(orgId, clientId);
  const result = await api.services.dynamo.send(
    new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
  );
  return result.Item;
}

const retentions = new Map<string, LocalRetention>();

/**
 * The local sweeper and stream poller, limited to one organisation, on the test's clock. One per organisation
 * and API, so its stream checkpoint carries over between runs (the stream is shared by every test file).
 */
export function localRetention(api: TestApi, orgId: OrgId): LocalRetention {
  let retention = retentions.get(orgId);
  if (!retention) {
    retention = new LocalRetention({ stack: api.stack, services: api.services, orgId });
    retentions.set(orgId, retention);
  }
  return retention;
}

/** One sweep of the organisation's expired items, then its stream drained through the retention handler. */
export async function runRetention(api: TestApi, orgId: OrgId): Promise<void> {
  const retention = localRetention(api, orgId);
  await retention.runOnce();
  await retention.drainStream();
}

/** Closes the stream clients of {@link localRetention} (afterAll). */
export function closeLocalRetentions(): void {
  for (const retention of retentions.values()) retention.close();
  retentions.clear();
}

export function tombstones(api: TestApi, orgId: OrgId, clientId: string): Promise<Tombstone[]> {
  return api.services.tombstones.list(tenantScope(orgId), clientId);
}

/** Sweeps and drains the stream until the client's partition is gone and its tombstones stop changing. */
export async function sweepUntilGone(api: TestApi, orgId: OrgId, clientId: string): Promise<Tombstone[]> {
  const retention = localRetention(api, orgId);
  let previous = -1;
  for (let attempt = 0; attempt < 20; attempt++) {
    await retention.runOnce();
    const current = await tombstones(api, orgId, clientId);
    if ((await partitionItems(api, orgId, clientId)).length === 0 && current.length === previous)
      return current;
    previous = current.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('The client’s items were not all swept and tombstoned.');
}

export const codesOf = (result: GraphqlResult<unknown>) =>
  (result.errors ?? []).map((e) => e.extensions?.code);

export function expectCode(result: GraphqlResult<unknown>, code: string): void {
  expect(codesOf(result), JSON.stringify(result.errors)).toContain(code);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Closes the case now and moves the clock a day past the default eight-year schedule (not further: the data
 * key's own TTL, the quarantine's backstop, falls 33 days after it).
 */
export async function closeAndOutlive(
  api: TestApi,
  clock: MovableClock,
  manager: Person,
  id: string,
): Promise<void> {
  expectNoErrors(await closeCase(api, manager, id));
  outlive(clock);
}

/** Moves the clock a day past the default eight-year schedule of a case closed now. */
export function outlive(clock: MovableClock): void {
  clock.advanceYears(8);
  clock.advanceMs(DAY_MS);
}

/** The subject's key quarantine record (kept after expiry for the grace period), if any. */
export function keyQuarantine(api: TestApi, orgId: OrgId, subjectId: string) {
  return api.services.tombstones.keyQuarantine(tenantScope(orgId), subjectId);
}

/**
 * After a subject's records expired and were swept: moves the clock past the key quarantine's grace period and
 * sweeps until the key is gone (the quarantine record expires, the handler deletes the key).
 */
export async function sweepPastQuarantine(
  api: TestApi,
  clock: MovableClock,
  orgId: OrgId,
  subjectId: string,
): Promise<void> {
  clock.advanceMs((KEY_QUARANTINE_DAYS + 1) * DAY_MS);
  const retention = localRetention(api, orgId);
  for (let attempt = 0; attempt < 20; attempt++) {
    await retention.runOnce();
    if ((await subjectKeyItem(api, orgId, subjectId)) === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('The quarantined key was not deleted after its grace period.');
}

const ERASE = `mutation ($id: ID!, $reason: String!) { eraseServiceUser(serviceUserId: $id, reason: $reason) {
  serviceUserId erasedAt itemsRemoved
} }`;

export type EraseResult = GraphqlResult<{
  eraseServiceUser: { serviceUserId: string; erasedAt: string; itemsRemoved: number } | null;
}>;

/** Proposes an erasure (the IG lead's step): APPROVAL_REQUIRED with an approval id, when allowed at all. */
export function proposeErasure(
  api: TestApi,
  token: string,
  id: string,
  reason = 'Subject erasure request SAR-2026-031',
): Promise<EraseResult> {
  return api.graphql(ERASE, { token, variables: { id, reason } });
}

export function approvalIdOf(result: GraphqlResult<unknown>): string {
  const error = result.errors?.find((e) => e.extensions?.code === 'APPROVAL_REQUIRED');
  const approvalId = error?.extensions?.approvalId;
  if (typeof approvalId !== 'string') throw new Error(`No pending change: ${JSON.stringify(result.errors)}`);
  return approvalId;
}

export function approve(api: TestApi, token: string, approvalId: string) {
  return api.graphql<{ approveChange: { status: string } }>(
    'mutation ($id: ID!) { approveChange(approvalId: $id) { status } }',
    { token, variables: { id: approvalId } },
  );
}

/**
 * An erasure as the two-person rule makes it: the IG lead proposes, a second person (the Caldicott Guardian or
 * another IG lead) approves. Returns the approval's result (its errors are the erasure's: CONFLICT…).
 */
export async function eraseWithApproval(
  api: TestApi,
  proposer: Person,
  approver: Person,
  id: string,
  reason?: string,
): Promise<GraphqlResult<{ approveChange: { status: string } }>> {
  const proposed = await proposeErasure(api, proposer.token, id, reason);
  expectCode(proposed, 'APPROVAL_REQUIRED');
  return approve(api, approver.token, approvalIdOf(proposed));
}

/**
 * For `interleavingDynamoClient`: picks a rules change's first listing of the schedule index once the new rules are
 * written, the loop that reschedules. The check before the write, that nothing would expire at once, lists it too.
 */
export function listingAfterTheRules(): (call: WriteCall) => boolean {
  let rulesWritten = false;
  return (call) => {
    rulesWritten ||= updatesWith(call, 'SET retention = :retention');
    return (
      rulesWritten &&
      call.commandName === 'QueryCommand' &&
      (call.input as { IndexName?: string }).IndexName === 'gsi2'
    );
  };
}

const RESCHEDULE_MORE = `mutation ($after: String!) { rescheduleRetention(after: $after) {
  rescheduledCases rescheduledStaff complete continueAfter
} }`;

export interface RescheduleAnswer {
  readonly rescheduledCases?: number;
  readonly rescheduledStaff?: number;
  readonly complete: boolean;
  readonly continueAfter?: string | null;
}

/**
 * A rules change's answer once its rescheduling is finished, as a client finishes it: each request reschedules
 * within a time budget and says where to continue, so on a busy machine one request may not be enough (a full run
 * at load 12 answered `complete: false`). Continues with `rescheduleRetention` until complete; the counts are the
 * sums over the requests, and `continueAfter` is left out.
 */
export async function untilRescheduled<T extends RescheduleAnswer>(
  api: TestApi,
  token: string,
  first: T,
): Promise<Omit<T, 'continueAfter'>> {
  let cases = first.rescheduledCases ?? 0;
  let staff = first.rescheduledStaff ?? 0;
  let answer: RescheduleAnswer = first;
  while (!answer.complete && answer.continueAfter) {
    const more = await api.graphql<{ rescheduleRetention: RescheduleAnswer }>(RESCHEDULE_MORE, {
      token,
      variables: { after: answer.continueAfter },
    });
    expectNoErrors(more);
    if (!more.data) throw new Error('rescheduleRetention answered no data');
    answer = more.data.rescheduleRetention;
    cases += answer.rescheduledCases ?? 0;
    staff += answer.rescheduledStaff ?? 0;
  }
  const { continueAfter: _continueAfter, ...rest } = first;
  return {
    ...rest,
    ...(first.rescheduledCases === undefined ? {} : { rescheduledCases: cases }),
    ...(first.rescheduledStaff === undefined ? {} : { rescheduledStaff: staff }),
    complete: answer.complete,
  };
}

/** Someone with no relationship to the person breaks the glass (the review's detail is this fixed text). */
export function breakGlass(
  api: TestApi,
  who: Person,
  id: string,
): Promise<GraphqlResult<{ openEmergencyAccess: { id: string } }>> {
  return api.graphql(
    `mutation ($id: ID!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY,
      detail: "Collapsed at the day centre") { id } }`,
    { token: who.token, variables: { id } },
  );
}
