import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * "Lists filter, fields refuse" (ACCESS-MODEL.md, Rules): a list returns only what the caller may see and one
 * forbidden item never nulls or fails it; a forbidden field of a visible record is null with a FORBIDDEN error
 * for exactly that path, its siblings intact. Handover notes open only to their distribution list.
 */

const BODIES = {
  DAILY_SUPPORT: 'Went to the library together.',
  MEDICAL: 'Blood pressure medication increased.',
  FINANCE: 'Helped set up a budget for rent.',
  SAFEGUARDING_CONCERN: 'Bruising noticed on the left arm.',
  HANDOVER: 'Keys are with the neighbour this week.',
} as const;

const NOTES = `query ($id: ID!) { serviceUser(id: $id) { notes { edges { node {
  kind
  ... on CareNote { body }
  ... on HealthNote { body }
  ... on FinanceNote { body }
  ... on SafeguardingNote { body }
} } } } }`;

type NotesResult = { serviceUser: { notes: { edges: { node: { kind: string; body: string | null } }[] } } };

interface NotesWorld extends ServiceWorld {
  readonly client: string;
  readonly worker: Person;
  readonly volunteer: Person;
  readonly listed: Person;
  readonly unlisted: Person;
  readonly notes: Record<keyof typeof BODIES, string>;
}

async function notesWorld(api: TestApi): Promise<NotesWorld> {
  const world = await serviceWorld(api);
  const [worker, volunteer, listed, unlisted] = await Promise.all([
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['VOLUNTEER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
  ]);
  const client = await registerServiceUser(api, world.manager, world.serviceId);
  for (const person of [worker, volunteer, listed, unlisted])
    await allocate(api, world.manager, client, person);
  const notes = {
    DAILY_SUPPORT: await recordNote(api, worker, client, 'DAILY_SUPPORT', BODIES.DAILY_SUPPORT),
    MEDICAL: await recordNote(api, worker, client, 'MEDICAL', BODIES.MEDICAL),
    FINANCE: await recordNote(api, worker, client, 'FINANCE', BODIES.FINANCE),
    SAFEGUARDING_CONCERN: await recordNote(
      api,
      worker,
      client,
      'SAFEGUARDING_CONCERN',
      BODIES.SAFEGUARDING_CONCERN,
    ),
    HANDOVER: await recordNote(api, worker, client, 'HANDOVER', BODIES.HANDOVER, {
      distribution: [listed.globalId],
    }),
  };
  return { ...world, client, worker, volunteer, listed, unlisted, notes };
}

describe('lists filter, fields refuse', () => {
  const api = testApi();
  let world: NotesWorld;
  beforeAll(async () => {
    world = await notesWorld(api);
  });

  it('lists only the notes a volunteer may read, with their text and no error', async () => {
    // Act
    const result = await api.graphql<NotesResult>(NOTES, {
      token: world.volunteer.token,
      variables: { id: world.client },
    });

    // Assess: CARE only — not HEALTH, FINANCE, SAFEGUARDING, nor a handover they are not on the list of
    expectNoErrors(result);
    expect(result.data?.serviceUser.notes.edges.map((edge) => edge.node)).toEqual([
      { kind: 'DAILY_SUPPORT', body: BODIES.DAILY_SUPPORT },
    ]);
    for (const body of [BODIES.MEDICAL, BODIES.FINANCE, BODIES.SAFEGUARDING_CONCERN, BODIES.HANDOVER]) {
      expect(result.text).not.toContain(body);
    }
  });

  it('refuses a health note body to a volunteer at exactly caseNote.body, keeping kind and recordedAt', async () => {
    // Act
    const result = await api.graphql<{ caseNote: { kind: string; recordedAt: string; body: string | null } }>(
      'query ($id: ID!) { caseNote(id: $id) { kind recordedAt ... on HealthNote { body } } }',
      { token: world.volunteer.token, variables: { id: world.notes.MEDICAL } },
    );

    // Assess
    expect(result.data?.caseNote).toEqual({
      kind: 'MEDICAL',
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      body: null,
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.path).toEqual(['caseNote', 'body']);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.text).not.toContain(BODIES.MEDICAL);
  });

  it('opens a handover note to the staff on its distribution list, not to another allocated worker', async () => {
    // Prepare
    const handover = (person: Person) =>
      api.graphql<{ caseNote: { kind: string; body: string | null } }>(
        'query ($id: ID!) { caseNote(id: $id) { kind ... on CareNote { body } } }',
        { token: person.token, variables: { id: world.notes.HANDOVER } },
      );
    const listOf = (person: Person) =>
      api.graphql<NotesResult>(NOTES, { token: person.token, variables: { id: world.client } });

    // Act
    const [asListed, asUnlisted, asAuthor, listedList, unlistedList] = await Promise.all([
      handover(world.listed),
      handover(world.unlisted),
      handover(world.worker),
      listOf(world.listed),
      listOf(world.unlisted),
    ]);

    // Assess
    expectNoErrors(asListed);
    expect(asListed.data).toEqual({ caseNote: { kind: 'HANDOVER', body: BODIES.HANDOVER } });
    expectNoErrors(asAuthor);
    expect(asAuthor.data).toEqual({ caseNote: { kind: 'HANDOVER', body: BODIES.HANDOVER } });
    expect(asUnlisted.data).toEqual({ caseNote: { kind: 'HANDOVER', body: null } });
    expect(errorsOf(asUnlisted)).toEqual([{ code: 'FORBIDDEN', path: ['caseNote', 'body'] }]);
    expect(asUnlisted.text).not.toContain(BODIES.HANDOVER);

    expectNoErrors(listedList);
    expect(listedList.data?.serviceUser.notes.edges.map((edge) => edge.node.kind)).toContain('HANDOVER');
    expectNoErrors(unlistedList);
    const unlistedKinds = unlistedList.data?.serviceUser.notes.edges.map((edge) => edge.node.kind) ?? [];
    expect(unlistedKinds).not.toContain('HANDOVER');
    expect(unlistedKinds).toContain('DAILY_SUPPORT');
    expect(unlistedList.text).not.toContain(BODIES.HANDOVER);
  });
});
