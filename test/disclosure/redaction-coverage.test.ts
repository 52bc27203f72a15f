import { describe, expect, it } from 'vitest';
import { expectNoErrors, recordNote } from '../support/care-fixtures';
import { partnerWorld, receiveAndApprove, releaseToPartner } from './partner-release-support';

/**
 * Azure 7.0 ("only the minimal amount necessary") and issue 15, item 2: every phrase the releasing manager redacts
 * is removed from what the partner reads. Two ways it was not: redactions that overlap (one is replaced first and
 * the other no longer matches, so the rest of it leaves), and a phrase whose words the note's text separates by a
 * line break or a second space rather than the single space the manager typed.
 */

const RELEASED_TO_ME = '{ releasedToMe { id ... on CareNote { body } } }';

type World = Awaited<ReturnType<typeof partnerWorld>>;

/** Received, approved (safeguarding basis) and released to the partner's app with the given redactions. */
async function release(w: World, itemIds: string[], redactions: string[]) {
  expectNoErrors(await releaseToPartner(w, await receiveAndApprove(w, itemIds), itemIds, redactions));
}

async function partnerBodies(w: World): Promise<string[]> {
  const seen = await w.api.graphql<{ releasedToMe: { body: string | null }[] }>(RELEASED_TO_ME, {
    token: w.partnerToken,
  });
  expectNoErrors(seen);
  return (seen.data?.releasedToMe ?? []).map((note) => note.body ?? '');
}

describe('every redacted phrase is removed from what the partner reads', () => {
  it('when two redactions overlap, neither leaves in part', async () => {
    const w = await partnerWorld();
    const note = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Her former partner Mary Jones-Whitfield called the office twice.',
    );

    await release(w, [note], ['Mary Jones', 'Jones-Whitfield']);

    const [body] = await partnerBodies(w);
    expect(body).not.toMatch(/Mary|Jones|Whitfield/);
  });

  it('when the note separates the phrase’s words by a line break or a second space', async () => {
    const w = await partnerWorld();
    const note = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Visited with her brother Tomasz\nKowalczyk; discussed the move.\nTomasz Kowalczyk will call back; so will Tomasz  Kowalczyk’s wife.',
    );

    await release(w, [note], ['Tomasz Kowalczyk']);

    const [body] = await partnerBodies(w);
    expect(body).not.toMatch(/Kowalczyk/i);
  });

  it('a correspondence note’s author organisation, which is not part of what was released, is not shown', async () => {
    // Prepare: a letter from a drug and alcohol service, its author's authority recorded, released with its name
    // redacted.
    const w = await partnerWorld();
    const AUTHOR = 'Riverside Drug and Alcohol Service';
    const note = await recordNote(
      w.api,
      w.worker,
      w.client,
      'CORRESPONDENCE',
      `Letter from ${AUTHOR}: attended.`,
      {
        authorOrganisation: AUTHOR,
      },
    );
    expectNoErrors(
      await w.api.graphql(
        'mutation ($n: ID!, $r: String!) { recordAuthorAuthority(noteId: $n, reference: $r) }',
        {
          token: w.manager.token,
          variables: { n: note, r: 'AUTH-2026-11' },
        },
      ),
    );
    await release(w, [note], [AUTHOR]);

    // Act
    const seen = await w.api.graphql<{
      releasedToMe: { body: string | null; authorOrganisation: string | null }[];
    }>('{ releasedToMe { ... on CareNote { body authorOrganisation } } }', { token: w.partnerToken });

    // Assess
    expectNoErrors(seen);
    expect(seen.data?.releasedToMe).toHaveLength(1);
    expect(seen.text).not.toContain('Riverside');
  });
});
