import { createHash } from 'node:crypto';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors, recordNote } from '../support/care-fixtures';
import { addStaff, localIdOf, localNoteIdOf } from '../support/fixtures';
import { partnerWorld, receiveAndApprove, releaseToPartner } from './partner-release-support';

/**
 * A release is a snapshot (issue 15, items 2 and 3). Azure 7.0: "only the minimal amount necessary" is shared,
 * so the phrases the releasing manager redacted never reach the partner; and the partner reads exactly the
 * approved, redacted content whose SHA-256 the register holds — nothing written afterwards.
 */

const RELEASED_TO_ME =
  '{ releasedToMe { id kind recordedAt version amendedAt ... on CareNote { body } ... on HealthNote { body } } }';
const AMEND =
  'mutation ($input: AmendNoteInput!) { amendNote(input: $input) { id version ... on CareNote { body } } }';

interface PartnerNote {
  id: string;
  kind: string;
  recordedAt: string;
  version: number;
  amendedAt: string | null;
  body: string | null;
}

/** The register's documented digest form: SHA-256 of the JSON list of released items, in release order. */
function digestOf(notes: readonly PartnerNote[]): string {
  const bundle = notes.map((note) => ({
    noteId: localNoteIdOf(note.id),
    kind: note.kind,
    recordedAt: note.recordedAt,
    body: note.body,
  }));
  return createHash('sha256').update(JSON.stringify(bundle)).digest('hex');
}

const world = () => partnerWorld();
type World = Awaited<ReturnType<typeof world>>;

/** Received, approved (safeguarding basis) and released to the partner's app with the given redactions. */
async function release(w: World, itemIds: string[], redactions: string[]) {
  const released = await tryRelease(w, itemIds, redactions);
  expectNoErrors(released);
  return released.data?.releaseDisclosure.snapshotDigest ?? '';
}

async function tryRelease(w: World, itemIds: string[], redactions: string[]) {
  return releaseToPartner(w, await receiveAndApprove(w, itemIds), itemIds, redactions);
}

async function partnerReads(w: World, inOrder: readonly string[]): Promise<PartnerNote[]> {
  const seen = await w.api.graphql<{ releasedToMe: PartnerNote[] }>(RELEASED_TO_ME, {
    token: w.partnerToken,
  });
  expectNoErrors(seen);
  const notes = seen.data?.releasedToMe ?? [];
  return inOrder.map((id) => notes.find((note) => note.id === id) as PartnerNote);
}

/** The note both snapshot tests release: a tenancy visit naming Ann Lee, whom the release redacts. */
function tenancyNote(w: World): Promise<string> {
  return recordNote(
    w.api,
    w.worker,
    w.client,
    'DAILY_SUPPORT',
    'Attended the day centre; spoke about the tenancy with Ann Lee.',
  );
}

/** The worker amends the note's first version after its release. */
async function amendFirstVersion(w: World, noteId: string, body: string): Promise<void> {
  expectNoErrors(
    await w.api.graphql(AMEND, {
      token: w.worker.token,
      variables: { input: { noteId, body, expectedVersion: 1 } },
    }),
  );
}

async function registerDigest(w: World): Promise<string | null | undefined> {
  const register = await w.api.graphql<{
    serviceUser: { disclosureRegister: { kind: string; snapshotDigest: string | null }[] };
  }>('query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { kind snapshotDigest } } }', {
    token: w.manager.token,
    variables: { id: w.client },
  });
  expectNoErrors(register);
  return register.data?.serviceUser.disclosureRegister.find((entry) => entry.kind === 'RELEASED')
    ?.snapshotDigest;
}

describe('a release is the approved, redacted snapshot', () => {
  it('never lets a redacted phrase reach the partner, in any letter case (Azure 7.0 only the minimal amount necessary)', async () => {
    const w = await world();
    const first = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Visited with her brother Tomasz Kowalczyk; discussed the move. TOMASZ KOWALCZYK will call back.',
    );
    const second = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Bruises noted on the left arm; tomasz kowalczyk was present.',
    );

    await release(w, [first, second], ['Tomasz Kowalczyk']);

    const seen = await partnerReads(w, [first, second]);
    expect(seen.map((note) => note.body)).toEqual([
      'Visited with her brother [REDACTED]; discussed the move. [REDACTED] will call back.',
      'Bruises noted on the left arm; [REDACTED] was present.',
    ]);
    expect(JSON.stringify(seen).toLowerCase()).not.toContain('kowalczyk');
  });

  it('is not changed by a later amendment, and its register digest is the digest of what the partner reads', async () => {
    const w = await world();
    const note = await tenancyNote(w);
    const digest = await release(w, [note], ['Ann Lee']);
    const before = await partnerReads(w, [note]);
    expect(before[0]?.body).toBe('Attended the day centre; spoke about the tenancy with [REDACTED].');
    expect(digestOf(before)).toBe(digest);
    expect(await registerDigest(w)).toBe(digest);

    await amendFirstVersion(
      w,
      note,
      'Written after the release: new address 12 Elm Road, Ann Lee moving in.',
    );

    const after = await partnerReads(w, [note]);
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).not.toContain('Elm Road');
    expect(after[0]?.version).toBe(1);
    expect(after[0]?.amendedAt).toBeNull();
    expect(digestOf(after)).toBe(await registerDigest(w));
  });

  it('is what the partner reads through the person too: their notes and latest note are the released snapshot', async () => {
    // Prepare: a note released with a redaction, then amended
    const w = await world();
    const note = await tenancyNote(w);
    const unreleased = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Not released: Bob Hart.',
    );
    await release(w, [note], ['Ann Lee']);
    await amendFirstVersion(w, note, 'After the release: new address 12 Elm Road.');

    // Act: from the released note to the person, and to their notes
    const seen = await w.api.graphql<{
      releasedToMe: {
        serviceUser: {
          notes: { edges: { node: { id: string; version: number; body: string | null } }[] };
          latestNote: { id: string; version: number; amendedAt: string | null; body: string | null } | null;
        };
      }[];
    }>(
      `{ releasedToMe { serviceUser {
        notes { edges { node { id version ... on CareNote { body } } } }
        latestNote { id version amendedAt ... on CareNote { body } }
      } } }`,
      { token: w.partnerToken },
    );

    // Assess: only the released note, as released (redacted, before the amendment), never the live text
    expectNoErrors(seen);
    const person = seen.data?.releasedToMe[0]?.serviceUser;
    const snapshot = 'Attended the day centre; spoke about the tenancy with [REDACTED].';
    expect(person?.notes.edges.map(({ node }) => node)).toEqual([{ id: note, version: 1, body: snapshot }]);
    expect(person?.latestNote).toEqual({ id: note, version: 1, amendedAt: null, body: snapshot });
    expect(JSON.stringify(seen)).not.toMatch(/Ann Lee|Elm Road|Bob Hart/);
    expect(JSON.stringify(seen)).not.toContain(unreleased);
  });

  it('lets only a reader of every released note redact it: its text is never probed by a caller who may not read it', async () => {
    // Prepare: a medical note, requested and approved; the Caldicott Guardian, who may release it but not read HEALTH
    const w = await world();
    const note = await recordNote(w.api, w.worker, w.client, 'MEDICAL', 'Diagnosed with epilepsy in March.');
    const requestId = await receiveAndApprove(w, [note]);
    const guardian = await addStaff(w.api, w.org, ['CALDICOTT_GUARDIAN']);
    const asGuardian = { ...w, manager: guardian };

    // Act: guesses at the text, one present and one absent
    const present = await releaseToPartner(asGuardian, requestId, [note], ['epilepsy']);
    const absent = await releaseToPartner(asGuardian, requestId, [note], ['asthma']);

    // Assess: the same refusal either way, nothing released
    expect(present.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(absent.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await registerDigest(w)).toBeUndefined();
  });

  it('refuses a redaction that matches none of the released text (BAD_USER_INPUT naming it), and releases nothing', async () => {
    const w = await world();
    const note = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Met Priya Shah at the clinic.',
    );

    const requestId = await receiveAndApprove(w, [note]);
    const scope = tenantScope(w.org.orgId);
    const clientId = localIdOf(w.client);
    const eventsBefore = await w.api.services.auditLog.bySubject(scope, clientId, { limit: 500 });

    const result = await releaseToPartner(w, requestId, [note], ['Priya Shah', 'Priya Sha h']);

    // Refused as bad input before anything is decided or recorded: no release audited that never happened.
    const eventsAfter = await w.api.services.auditLog.bySubject(scope, clientId, { limit: 500 });
    expect(eventsAfter.filter((event) => event.operation === 'releaseDisclosure')).toEqual([]);
    expect(eventsAfter).toHaveLength(eventsBefore.length);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toEqual(['input', 'redactions', '1']);
    expect(await registerDigest(w)).toBeUndefined();
    const seen = await w.api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, { token: w.partnerToken });
    expect(seen.data?.releasedToMe).toEqual([]);
  });

  it('gives the sender of an email, post or in-person release the text that left, redactions applied, once', async () => {
    // Prepare: a request with no partner app, approved; a note naming a third party.
    const w = await world();
    const note = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Met Priya Shah at the clinic.',
    );
    const requestId = await receiveAndApprove(w, [note], { toApp: false });
    type Entry = {
      kind: string;
      snapshotDigest: string;
      releasedText: { kind: string; body: string }[] | null;
    };

    // Act
    const released = await w.api.graphql<{ releaseDisclosure: Entry }>(
      `mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) {
        kind snapshotDigest releasedText { kind recordedAt body } } }`,
      {
        token: w.manager.token,
        variables: {
          input: {
            serviceUserId: w.client,
            requestId,
            itemIds: [note],
            redactions: ['Priya Shah'],
            method: 'SECURE_EMAIL',
          },
        },
      },
    );
    const later = await w.api.graphql<{ serviceUser: { disclosureRegister: Entry[] } }>(
      'query ($c: ID!) { serviceUser(id: $c) { disclosureRegister { kind snapshotDigest releasedText { body } } } }',
      { token: w.manager.token, variables: { c: w.client } },
    );

    // Assess: the sender gets what the digest covers, the phrase redacted; the register keeps the digest only.
    expectNoErrors(released);
    expect(released.data?.releaseDisclosure.releasedText).toEqual([
      expect.objectContaining({ kind: 'DAILY_SUPPORT', body: 'Met [REDACTED] at the clinic.' }),
    ]);
    expectNoErrors(later);
    const entry = later.data?.serviceUser.disclosureRegister.find((e) => e.kind === 'RELEASED');
    expect(entry?.snapshotDigest).toBe(released.data?.releaseDisclosure.snapshotDigest);
    expect(entry?.releasedText).toBeNull();
    // The text given is a read of the note, recorded under the note's own classification.
    const events = await w.api.services.auditLog.bySubject(tenantScope(w.org.orgId), localIdOf(w.client), {
      limit: 500,
    });
    const read = events.filter((event) => event.fields.includes('ReleasedText.body'));
    expect(read).toEqual([expect.objectContaining({ action: 'READ', operation: 'releaseDisclosure' })]);
    expect(read[0]?.classifications).toContain('CARE');
  });
});
