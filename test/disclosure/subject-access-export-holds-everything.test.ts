import { describe, expect, it } from 'vitest';
import { allocatedPerson, expectNoErrors, recordNote } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { testApi } from '../support/test-api';
import { approvedSubjectAccessRequest } from './subject-access-fixtures';

/**
 * DATA-PROTECTION.md, Subject access: the export holds "everything held about them" that they may see. Beyond the
 * profile and the current notes that is: each amended note's earlier versions (they are kept), a consent's
 * representative and capacity note, their photos and recordings, who asked for their information and why (the
 * purpose, the date received, the notes named), and their allocations.
 */

const EXPORT = 'query ($c: ID!) { subjectAccessExport(serviceUserId: $c) { document } }';

describe('a subject access export', () => {
  const api = testApi();

  it('holds earlier note versions, consent details, media, request purposes and allocations', async () => {
    // Prepare
    const { org, manager, worker, client } = await allocatedPerson(api);
    const [guardian, ig] = await Promise.all([
      addStaff(api, org, ['CALDICOTT_GUARDIAN']),
      addStaff(api, org, ['IG_LEAD']),
    ]);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Version-one-canary text.');
    const steps = [
      await api.graphql('mutation ($input: AmendNoteInput!) { amendNote(input: $input) { version } }', {
        token: worker.token,
        variables: { input: { noteId: note, body: 'Version-two text.', expectedVersion: 1 } },
      }),
      await api.graphql('mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }', {
        token: manager.token,
        variables: {
          input: {
            serviceUserId: client,
            scope: 'FAMILY',
            method: 'SIGNED_FORM',
            givenBy: 'REPRESENTATIVE',
            representativeName: 'Representative-canary Jo',
            capacityNote: 'Capacity-canary: assessed on the day',
            purposes: ['CARE_COORDINATION'],
          },
        },
      }),
      await api.graphql('mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }', {
        token: manager.token,
        variables: {
          input: {
            serviceUserId: client,
            scope: 'PUBLICITY_IMAGES',
            method: 'SIGNED_FORM',
            givenBy: 'CLIENT',
          },
        },
      }),
      await api.graphql('mutation ($input: RecordMediaInput!) { recordMedia(input: $input) { id } }', {
        token: worker.token,
        variables: {
          input: {
            serviceUserId: client,
            kind: 'PHOTO',
            purpose: 'PUBLICITY',
            caption: 'Caption-canary at the fair',
            objectReference: 's3://confide-media/fair-0002.jpg',
          },
        },
      }),
      await api.graphql(
        'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }',
        {
          token: manager.token,
          variables: {
            input: {
              serviceUserId: client,
              requesterOrganisation: 'County Council',
              requesterContact: 'Duty desk',
              purpose: 'Purpose-canary: housing assessment',
              legalBasis: 'SAFEGUARDING',
              itemIds: [note],
              receivedOn: new Date().toISOString().slice(0, 10),
              identityCheck: 'KNOWN_CONTACT',
            },
          },
        },
      ),
    ];
    for (const step of steps) expectNoErrors(step);
    await approvedSubjectAccessRequest(api, ig, guardian, client);

    // Act
    const exported = await api.graphql<{ subjectAccessExport: { document: string } }>(EXPORT, {
      token: ig.token,
      variables: { c: client },
    });

    // Assess
    expectNoErrors(exported);
    const document = JSON.parse(exported.data?.subjectAccessExport.document ?? '{}');
    expect(document.notes).toEqual([
      expect.objectContaining({
        text: 'Version-two text.',
        earlierVersions: [expect.objectContaining({ version: 1, text: 'Version-one-canary text.' })],
      }),
    ]);
    expect(document.consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          representativeName: 'Representative-canary Jo',
          capacityNote: 'Capacity-canary: assessed on the day',
          purposes: ['CARE_COORDINATION'],
        }),
      ]),
    );
    expect(document.media).toEqual([
      expect.objectContaining({ kind: 'PHOTO', purpose: 'PUBLICITY', caption: 'Caption-canary at the fair' }),
    ]);
    expect(document.disclosures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'RECEIVED',
          purpose: 'Purpose-canary: housing assessment',
          receivedOn: new Date().toISOString().slice(0, 10),
          items: [expect.objectContaining({ kind: 'DAILY_SUPPORT' })],
        }),
      ]),
    );
    expect(document.allocations).toEqual([expect.objectContaining({ kind: 'PRIMARY' })]);
    expect(document.accessSummaryComplete).toBe(true);
  });
});
