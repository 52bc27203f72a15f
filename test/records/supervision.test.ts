import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import type { TestApi } from '../support/test-api';
import { testApi } from '../support/test-api';

const SUPERVISION = `query ($id: ID!) {
  supervisionCase(serviceUserId: $id) {
    pseudonym reference caseStatus service { name } notes { kind recordedAt text }
  }
}`;

interface SupervisionView {
  pseudonym: string;
  reference: string;
  caseStatus: string;
  service: { name: string };
  notes: { kind: string; recordedAt: string; text: string }[];
}

const localIdOf = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1] ?? '';

async function world(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const reviewer = await addStaff(api, org, ['TEAM_LEADER']);
  const otherLeader = await addStaff(api, org, ['TEAM_LEADER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!, $f: DateTime!, $t: DateTime!) { assignQaReview(serviceId: $s, staffId: $m, from: $f, to: $t) { id } }',
      {
        token: senior.token,
        variables: {
          s: serviceId,
          m: reviewer.globalId,
          f: new Date(Date.now() - 60_000).toISOString(),
          t: new Date(Date.now() + 86_400_000).toISOString(),
        },
      },
    ),
  );
  return { org, manager, senior, worker, reviewer, otherLeader, client };
}

const IDENTIFYING_NOTE = [
  'Ada went to her GP with Ada’s sister; Lovelace-Canary family were supportive.',
  'Call ADA LOVELACE-CANARY on 07700 900123 or ada@example.org.',
  'Visited 12 Analytical Row (LS1 4AB). NHS number 943 476 5919, born 10/12/1980.',
].join('\n');

describe('supervision view (Lets connect 4.2, 4.5)', () => {
  const api = testApi();

  it('gives managers and QA reviewers pseudonymised CARE notes and nothing identifying', async () => {
    // Prepare
    const { org, manager, worker, reviewer, client } = await world(api);
    await recordNote(api, worker, client, 'DAILY_SUPPORT', IDENTIFYING_NOTE);
    await recordNote(api, worker, client, 'MEDICAL', 'Ada started new medication.');
    await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Ada asked that only her worker reads this.', {
      sealedFor: [worker.globalId],
    });

    // Act
    const asManager = await api.graphql<{ supervisionCase: SupervisionView }>(SUPERVISION, {
      token: manager.token,
      variables: { id: client },
    });
    const asReviewer = await api.graphql<{ supervisionCase: SupervisionView }>(SUPERVISION, {
      token: reviewer.token,
      variables: { id: client },
    });

    // Assess
    for (const result of [asManager, asReviewer]) {
      expectNoErrors(result);
      const view = result.data?.supervisionCase;
      expect(view?.pseudonym).toMatch(/\S/);
      expect(view?.caseStatus).toBe('OPEN');
      expect(view?.service.name).toBe('Supported living north');
      expect(view?.notes.map((note) => note.kind)).toEqual(['DAILY_SUPPORT']);
      const pseudonym = view?.pseudonym ?? '';
      expect(view?.notes[0]?.text).toBe(
        [
          `${pseudonym} went to her GP with ${pseudonym}’s sister; ${pseudonym} family were supportive.`,
          `Call ${pseudonym} on [redacted] or [redacted].`,
          'Visited [redacted] ([redacted]). NHS number [redacted], born [redacted].',
        ].join('\n'),
      );
      for (const secret of [
        'Ada',
        'Lovelace',
        '07700',
        'example.org',
        'LS1',
        'Analytical',
        '943 476',
        '1980',
      ]) {
        expect(result.text).not.toContain(secret);
      }
    }
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client));
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'READ',
        operation: 'supervisionCase',
        classifications: expect.arrayContaining(['CARE']),
        relationship: 'QA_REVIEW',
        actor: expect.objectContaining({ id: reviewer.staffId }),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'READ',
        operation: 'supervisionCase',
        relationship: 'MANAGES_SERVICE',
        actor: expect.objectContaining({ id: manager.staffId }),
      }),
    );
  });

  it('is refused to everyone else: FORBIDDEN if they can see the person, NOT_FOUND if not', async () => {
    // Prepare
    const { org, senior, worker, otherLeader, client } = await world(api);
    const read = (token: string) => api.graphql(SUPERVISION, { token, variables: { id: client } });

    // Act
    const asWorker = await read(worker.token);
    const asSenior = await read(senior.token);
    const asOtherLeader = await read(otherLeader.token);

    // Assess
    expect(codes(asWorker)).toEqual(['FORBIDDEN']);
    expect(codes(asSenior)).toEqual(['FORBIDDEN']);
    expect(codes(asOtherLeader)).toEqual(['NOT_FOUND']);
    for (const result of [asWorker, asSenior, asOtherLeader]) {
      expect(result.data?.supervisionCase ?? null).toBeNull();
      expect(result.text).not.toContain(ADA.name);
    }
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client));
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'DENIED',
        operation: 'supervisionCase',
        outcome: 'FORBIDDEN',
        actor: expect.objectContaining({ id: worker.staffId }),
      }),
    );
  });

  it('has no identifying field on its types at all', async () => {
    // Act
    const types = await api.graphql<{
      supervisionCase: { fields: { name: string }[] };
      supervisionNote: { fields: { name: string }[] };
    }>(
      '{ supervisionCase: __type(name: "SupervisionCase") { fields(includeDeprecated: true) { name } } supervisionNote: __type(name: "SupervisionNote") { fields { name } } }',
    );

    // Assess
    expect(types.data?.supervisionCase.fields.map((field) => field.name).sort()).toEqual([
      'caseStatus',
      'notes',
      'notesConnection',
      'pseudonym',
      'reference',
      'service',
    ]);
    expect(types.data?.supervisionNote.fields.map((field) => field.name).sort()).toEqual([
      'kind',
      'recordedAt',
      'text',
    ]);
  });
});
