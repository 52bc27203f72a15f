import { describe, expect, it } from 'vitest';
import { ADA, expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';
import { monitoringWorld, readClients } from './monitoring-fixtures';

/**
 * The information-governance summary (issue 8; Lets connect 5.2 "the data team monitor access and report on this
 * to the Information Governance Manager", 6): one query for the IG lead's monthly report — access volumes,
 * emergency accesses and their reviews, disclosures, subject access requests and breaches with their deadlines,
 * retention coming up, and alerts. Counts, deadlines and references only.
 */

const SUMMARY = `query ($p: ReportPeriod!) { informationGovernanceSummary(period: $p) {
  from to
  accessVolumes { reads writes denied emergency disclosures distinctStaff distinctClients truncated }
  emergencyAccesses { opened pendingReview overdueReview justified unjustified }
  disclosures { made exceptional refused note }
  subjectAccessRequests { received open overdue nextDeadline note }
  breaches { discovered open overdue nextDeadline openEntries { breachId regulatorDeadline source reportable } }
  retention { dueWithinDays due nextDue note }
  alerts { rule count }
} }`;

const DAY_MS = 24 * 60 * 60 * 1000;

describe('informationGovernanceSummary', () => {
  const api = testApi();

  it('gives the IG lead the month’s access volumes, emergency accesses, requests, breaches and deadlines', async () => {
    // Prepare: reads of three clients, a refused attempt, an emergency access, a breach, an overdue request
    const world = await monitoringWorld(api, 3);
    await readClients(api, world.worker, world.clients, 'Visits');
    const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    await api.graphql('query ($id: ID!) { serviceUser(id: $id) { name } }', {
      token: stranger.token,
      variables: { id: world.clients[0] },
    });
    const chief = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Fell") { id } }',
        { token: chief.token, variables: { c: world.clients[1] } },
      ),
    );
    const breach = await api.graphql<{ reportBreach: { id: string; regulatorDeadline: string } }>(
      'mutation ($i: ReportBreachInput!) { reportBreach(input: $i) { id regulatorDeadline } }',
      {
        token: world.ig.token,
        variables: {
          i: {
            discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
            nature: 'Letter sent to the wrong address',
            categories: ['CONTACT'],
            approximateSubjects: 1,
          },
        },
      },
    );
    expectNoErrors(breach);
    const receivedOn = new Date(Date.now() - 40 * DAY_MS).toISOString().slice(0, 10);
    const request = await api.graphql(
      'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { deadline } }',
      { token: world.ig.token, variables: { c: world.clients[2], r: receivedOn } },
    );
    expectNoErrors(request);
    const period = { from: new Date(Date.now() - DAY_MS).toISOString(), to: new Date().toISOString() };

    // Act
    const result = await api.graphql<{
      informationGovernanceSummary: Record<string, Record<string, unknown>>;
    }>(SUMMARY, { token: world.ig.token, variables: { p: period } });
    const asManager = await api.graphql(SUMMARY, { token: world.manager.token, variables: { p: period } });

    // Assess
    expectNoErrors(result);
    const summary = result.data?.informationGovernanceSummary ?? {};
    expect(summary.accessVolumes).toMatchObject({
      denied: 1,
      emergency: 1,
      disclosures: 0,
      truncated: false,
    });
    expect(summary.accessVolumes?.reads).toBeGreaterThanOrEqual(3);
    expect(summary.accessVolumes?.distinctClients).toBe(3);
    expect(summary.emergencyAccesses).toEqual({
      opened: 1,
      pendingReview: 1,
      overdueReview: 0,
      justified: 0,
      unjustified: 0,
    });
    expect(summary.disclosures).toMatchObject({ made: 0, exceptional: 0, refused: 0 });
    expect(summary.subjectAccessRequests).toMatchObject({ open: 1, overdue: 1, received: 0 });
    expect(summary.breaches).toMatchObject({
      discovered: 1,
      open: 1,
      overdue: 0,
      nextDeadline: breach.data?.reportBreach.regulatorDeadline,
      openEntries: [
        {
          breachId: breach.data?.reportBreach.id,
          regulatorDeadline: breach.data?.reportBreach.regulatorDeadline,
          source: 'REPORTED',
          reportable: null,
        },
      ],
    });
    expect(summary.retention).toMatchObject({ dueWithinDays: 90, due: 0, nextDue: null });
    expect((summary.alerts as unknown as { rule: string }[]).map((a) => a.rule).sort()).toEqual(
      [
        'EMERGENCY_REVIEW_OVERDUE',
        'MANY_CLIENTS_OUTSIDE_CASELOAD',
        'OUT_OF_HOURS',
        'REPEATED_DENIALS',
      ].sort(),
    );
    for (const text of [ADA.name, 'Client 0', 'Fell', 'wrong address'])
      expect(result.text).not.toContain(text);
    expect(errorsOf(asManager)).toEqual([{ code: 'FORBIDDEN', path: ['informationGovernanceSummary'] }]);
  });

  it('refuses a period over 92 days', async () => {
    const world = await monitoringWorld(api, 0);

    const result = await api.graphql(SUMMARY, {
      token: world.ig.token,
      variables: {
        p: { from: new Date(Date.now() - 100 * DAY_MS).toISOString(), to: new Date().toISOString() },
      },
    });

    expect(errorsOf(result)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['informationGovernanceSummary'], field: ['period', 'from'] },
    ]);
  });
});
