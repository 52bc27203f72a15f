import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { recordSubjectAccessRequest } from '../disclosure/subject-access-fixtures';
import {
  ADA,
  allocate,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf, localIdOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Conflicts of interest (ACCESS-MODEL.md, Rules): a staff member declared as connected to a client is denied
 * that client whatever their role or allocation — the client is NOT_FOUND to them, in direct reads and in
 * lists — until a manager clears the conflict. Declaring and clearing are audited.
 */

const CONNECTED = { ...ADA, name: 'Connie Connected-Relative', phone: '07700 900777' };

const DECLARE =
  'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: RELATIVE) }';
const CLEAR = 'mutation ($c: ID!, $s: ID!) { clearConflict(serviceUserId: $c, staffId: $s) }';
const READ = 'query ($id: ID!) { serviceUser(id: $id) { name } }';
const NOTE = 'query ($id: ID!) { caseNote(id: $id) { kind ... on CareNote { body } } }';
const EXPLAIN = 'query ($id: ID!) { accessExplanation(serviceUserId: $id) { classification effect } }';
const CASELOAD = '{ caseload { edges { node { id name } } } }';

interface ConflictWorld extends ServiceWorld {
  readonly worker: Person;
  readonly connected: string;
  readonly other: string;
  readonly note: string;
}

async function conflictWorld(api: TestApi): Promise<ConflictWorld> {
  const world = await serviceWorld(api);
  const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
  const connected = await registerServiceUser(api, world.manager, world.serviceId, CONNECTED);
  const other = await registerServiceUser(api, world.manager, world.serviceId);
  await allocate(api, world.manager, connected, worker);
  await allocate(api, world.manager, other, worker);
  const note = await recordNote(api, worker, connected, 'DAILY_SUPPORT', 'Helped Connie with shopping.');
  return { ...world, worker, connected, other, note };
}

async function readsOf(api: TestApi, world: ConflictWorld, token: string) {
  const [client, note, explanation, caseload] = await Promise.all([
    api.graphql(READ, { token, variables: { id: world.connected } }),
    api.graphql(NOTE, { token, variables: { id: world.note } }),
    api.graphql(EXPLAIN, { token, variables: { id: world.connected } }),
    api.graphql<{ caseload: { edges: { node: { id: string; name: string } }[] } }>(CASELOAD, { token }),
  ]);
  return { client, note, explanation, caseload };
}

describe('conflicts of interest', () => {
  const api = testApi();

  it('hide the connected client from an allocated worker once a manager declares one, until the manager clears it', async () => {
    // Prepare
    const world = await conflictWorld(api);
    const before = await readsOf(api, world, world.worker.token);
    expectNoErrors(before.client);
    expect(before.caseload.data?.caseload.edges.map((edge) => edge.node.id).sort()).toEqual(
      [world.connected, world.other].sort(),
    );

    // Act
    const declared = await api.graphql(DECLARE, {
      token: world.manager.token,
      variables: { c: world.connected, s: world.worker.globalId },
    });
    const during = await readsOf(api, world, world.worker.token);

    // Assess: NOT_FOUND everywhere for the connected client, the other client still listed, no error
    expectNoErrors(declared);
    expect(declared.data).toEqual({ declareConflict: true });
    expect(errorsOf(during.client)).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
    expect(errorsOf(during.note)).toEqual([{ code: 'NOT_FOUND', path: ['caseNote'] }]);
    expect(errorsOf(during.explanation)).toEqual([{ code: 'NOT_FOUND', path: ['accessExplanation'] }]);
    expectNoErrors(during.caseload);
    expect(during.caseload.data?.caseload.edges.map((edge) => edge.node)).toEqual([
      { id: world.other, name: ADA.name },
    ]);
    for (const result of Object.values(during)) {
      expect(result.text).not.toContain(CONNECTED.name);
      expect(result.text).not.toContain('Helped Connie');
    }

    // Act
    const cleared = await api.graphql(CLEAR, {
      token: world.manager.token,
      variables: { c: world.connected, s: world.worker.globalId },
    });
    const after = await readsOf(api, world, world.worker.token);

    // Assess
    expectNoErrors(cleared);
    expect(cleared.data).toEqual({ clearConflict: true });
    expectNoErrors(after.client);
    expect(after.client.data).toEqual({ serviceUser: { name: CONNECTED.name } });
    expectNoErrors(after.note);
    expectNoErrors(after.explanation);
    expect(after.caseload.data?.caseload.edges.map((edge) => edge.node.id).sort()).toEqual(
      [world.connected, world.other].sort(),
    );

    // Assess the audit: declaring and clearing are ADMIN events of the manager, about this client only
    const events = (
      await api.services.auditLog.bySubject(tenantScope(world.org.orgId), localIdOf(world.connected), {
        limit: 500,
      })
    ).filter((event) => event.action === 'ADMIN');
    expect(
      events.map((event) => ({
        actor: event.actor.id,
        operation: event.operation,
        outcome: event.outcome,
        rule: event.rule,
      })),
    ).toEqual([
      {
        actor: world.manager.staffId,
        operation: 'clearConflict',
        outcome: 'ALLOWED',
        rule: 'conflict.cleared',
      },
      {
        actor: world.manager.staffId,
        operation: 'declareConflict',
        outcome: 'ALLOWED',
        rule: 'conflict.RELATIVE',
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(CONNECTED.name);
  });

  it('can be declared by the staff member themself, who cannot clear it; a manager can', async () => {
    // Prepare
    const world = await conflictWorld(api);
    const own = { c: world.connected, s: world.worker.globalId };

    // Act
    const declared = await api.graphql(DECLARE, { token: world.worker.token, variables: own });
    const hidden = await api.graphql(READ, { token: world.worker.token, variables: { id: world.connected } });
    const selfCleared = await api.graphql(CLEAR, { token: world.worker.token, variables: own });
    const stillHidden = await api.graphql(READ, {
      token: world.worker.token,
      variables: { id: world.connected },
    });
    const cleared = await api.graphql(CLEAR, { token: world.manager.token, variables: own });
    const visible = await api.graphql(READ, {
      token: world.worker.token,
      variables: { id: world.connected },
    });

    // Assess
    expectNoErrors(declared);
    expect(declared.data).toEqual({ declareConflict: true });
    expect(errorsOf(hidden)).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
    expect(selfCleared.data).toBeNull();
    expect(errorsOf(selfCleared)).toEqual([{ code: 'FORBIDDEN', path: ['clearConflict'] }]);
    expect(errorsOf(stillHidden)).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
    expectNoErrors(cleared);
    expect(visible.data).toEqual({ serviceUser: { name: CONNECTED.name } });

    const events = (
      await api.services.auditLog.bySubject(tenantScope(world.org.orgId), localIdOf(world.connected), {
        limit: 500,
      })
    ).filter((event) => event.action === 'ADMIN');
    expect(events.map((event) => [event.actor.id, event.operation])).toEqual([
      [world.manager.staffId, 'clearConflict'],
      [world.worker.staffId, 'declareConflict'],
    ]);
  });

  it('hide the connected client from a conflicted reviewer’s governance lists: emergency reviews and legal holds', async () => {
    // Prepare: an IG lead declared a relative of one client; a colleague breaks glass on both clients, and the
    // manager places a legal hold on both.
    const world = await conflictWorld(api);
    const ig = await addStaff(api, world.org, ['IG_LEAD']);
    const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    expectNoErrors(
      await api.graphql(DECLARE, {
        token: world.manager.token,
        variables: { c: world.connected, s: ig.globalId },
      }),
    );
    for (const client of [world.connected, world.other]) {
      expectNoErrors(
        await api.graphql(
          'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Collapsed") { id } }',
          { token: stranger.token, variables: { c: client } },
        ),
      );
      expectNoErrors(
        await api.graphql(
          'mutation ($c: ID!) { placeLegalHold(serviceUserId: $c, reason: "Claim 24-0117") { placedAt } }',
          { token: world.manager.token, variables: { c: client } },
        ),
      );
    }

    // Act
    const reviews = await api.graphql<{
      emergencyAccessReviews: { serviceUserId: string; detail: string }[];
    }>('{ emergencyAccessReviews { serviceUserId detail } }', { token: ig.token });
    const paged = await api.graphql<{
      emergencyAccessReviewsConnection: { edges: { node: { serviceUserId: string } }[] };
    }>('{ emergencyAccessReviewsConnection(first: 10) { edges { node { serviceUserId } } } }', {
      token: ig.token,
    });
    const holds = await api.graphql<{ legalHolds: { edges: { node: { serviceUserId: string } }[] } }>(
      '{ legalHolds { edges { node { serviceUserId } } } }',
      { token: ig.token },
    );

    // Assess: only the other client, in every list
    expectNoErrors(reviews);
    expect(reviews.data?.emergencyAccessReviews.map((review) => review.serviceUserId)).toEqual([world.other]);
    expectNoErrors(paged);
    expect(paged.data?.emergencyAccessReviewsConnection.edges.map((edge) => edge.node.serviceUserId)).toEqual(
      [world.other],
    );
    expectNoErrors(holds);
    expect(holds.data?.legalHolds.edges.map((edge) => edge.node.serviceUserId)).toEqual([world.other]);
  });

  it('hide the connected client from a conflicted IG lead’s subject access register, retention schedule and emergency report', async () => {
    // Prepare: an IG lead declared a relative of two clients; each list gets one of those and one other person.
    const world = await conflictWorld(api);
    const ig = await addStaff(api, world.org, ['IG_LEAD']);
    const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const [connectedClosed, otherClosed] = await Promise.all([
      registerServiceUser(api, world.manager, world.serviceId, CONNECTED),
      registerServiceUser(api, world.manager, world.serviceId),
    ]);
    for (const client of [world.connected, connectedClosed]) {
      expectNoErrors(
        await api.graphql(DECLARE, { token: world.manager.token, variables: { c: client, s: ig.globalId } }),
      );
    }
    for (const client of [world.connected, world.other]) {
      await recordSubjectAccessRequest(api, world.manager, client);
      expectNoErrors(
        await api.graphql(
          'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Collapsed") { id } }',
          { token: stranger.token, variables: { c: client } },
        ),
      );
    }
    for (const client of [connectedClosed, otherClosed]) {
      expectNoErrors(
        await api.graphql('mutation ($input: CloseCaseInput!) { closeCase(input: $input) { caseStatus } }', {
          token: world.manager.token,
          variables: { input: { serviceUserId: client, expectedVersion: 1 } },
        }),
      );
    }

    // Act
    const requests = await api.graphql<{ subjectAccessRequests: { serviceUserId: string }[] }>(
      '{ subjectAccessRequests { serviceUserId } }',
      { token: ig.token },
    );
    const pagedRequests = await api.graphql<{
      subjectAccessRequestsConnection: { edges: { node: { serviceUserId: string } }[] };
    }>('{ subjectAccessRequestsConnection(first: 10) { edges { node { serviceUserId } } } }', {
      token: ig.token,
    });
    const schedule = await api.graphql<{
      retentionSchedule: { edges: { node: { serviceUserId: string } }[] };
    }>('{ retentionSchedule(first: 10) { edges { node { serviceUserId } } } }', { token: ig.token });
    const report = await api.graphql<{
      emergencyAccessReport: { edges: { node: { serviceUserId: string } }[] };
    }>('{ emergencyAccessReport(first: 10) { edges { node { serviceUserId } } } }', { token: ig.token });

    // Assess: only the other people, in every list
    const ids = (edges: { node: { serviceUserId: string } }[] | undefined) =>
      edges?.map((edge) => edge.node.serviceUserId);
    for (const result of [requests, pagedRequests, schedule, report]) expectNoErrors(result);
    expect(requests.data?.subjectAccessRequests.map((request) => request.serviceUserId)).toEqual([
      world.other,
    ]);
    expect(ids(pagedRequests.data?.subjectAccessRequestsConnection.edges)).toEqual([world.other]);
    expect(ids(schedule.data?.retentionSchedule.edges)).toEqual([otherClosed]);
    expect(ids(report.data?.emergencyAccessReport.edges)).toEqual([world.other]);
  });

  it('hide the connected client’s integrity incidents from a conflicted IG lead', async () => {
    // Prepare: a note of each client tampered with in the table and read, which records an incident for each.
    const world = await conflictWorld(api);
    const ig = await addStaff(api, world.org, ['IG_LEAD']);
    const otherNote = await recordNote(api, world.worker, world.other, 'DAILY_SUPPORT', 'Went out.');
    expectNoErrors(
      await api.graphql(DECLARE, {
        token: world.manager.token,
        variables: { c: world.connected, s: ig.globalId },
      }),
    );
    for (const [client, note] of [
      [world.connected, world.note],
      [world.other, otherNote],
    ] as const) {
      const pk = tenantScope(world.org.orgId).key('CLIENT', localIdOf(client));
      const notes = await api.services.dynamo.send(
        new QueryCommand({
          TableName: api.stack.tables.data,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':note': { S: 'NOTE#' } },
        }),
      );
      await api.services.dynamo.send(
        new UpdateItemCommand({
          TableName: api.stack.tables.data,
          Key: { pk: { S: pk }, sk: { S: notes.Items?.[0]?.sk?.S ?? '' } },
          UpdateExpression: 'SET kind = :kind',
          ExpressionAttributeValues: { ':kind': { S: 'ASSESSMENT' } },
        }),
      );
      await api.graphql(NOTE, { token: world.worker.token, variables: { id: note } });
    }

    // Act
    const listed = await api.graphql<{
      integrityIncidents: { edges: { node: { serviceUserId: string } }[] };
    }>('{ integrityIncidents { edges { node { serviceUserId } } } }', { token: ig.token });

    // Assess
    expectNoErrors(listed);
    expect(listed.data?.integrityIncidents.edges.map((edge) => edge.node.serviceUserId)).toEqual([
      world.other,
    ]);
  });
});
