import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';
import { closeCase, outlive } from './retention-support';

/**
 * A disclosure request's queue item lives outside the person's partition (decision 0044) and copies the date their
 * profile had when the request read it. A closure that ran to its end between that read and the request's write dated
 * everything it found, not the queue item written after it: the person's records expired, and the request stayed in
 * the work queue for ever. The request is now written only while the profile has the date read (decision 0085); a
 * closure meanwhile answers CONFLICT with nothing written, and the request made again takes the new date.
 */

const RECEIVE =
  'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }';
const QUEUE = '{ disclosureWorkQueue { requestId } }';

describe('a disclosure request and the closure of the case at the same time', () => {
  it('leaves no queue item behind the person’s records: refused while the case closes, dated when made again', async () => {
    // Prepare: a person with a note; the manager's request is held just before it is written while the case closes.
    const clock = new MovableClock();
    const api = testApi({ clock });
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
    const receive = (on = api) =>
      on.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
        token: manager.token,
        variables: {
          input: {
            serviceUserId: client,
            requesterOrganisation: 'Housing association',
            requesterContact: 'Duty officer',
            purpose: 'An enquiry',
            purposeCategory: 'OTHER',
            legalBasis: 'CONSENT',
            itemIds: [note],
            receivedOn: clock.now().toISOString().slice(0, 10),
            identityCheck: 'DOCUMENT_CHECKED',
          },
        },
      });
    const held = interleavingDynamoClient(
      api,
      (call) =>
        call.commandName === 'TransactWriteItemsCommand' &&
        JSON.stringify(call.input).includes('DISCLOSURE#') &&
        JSON.stringify(call.input).includes('DISCLOSURE_QUEUE'),
      async () => {
        expectNoErrors(await closeCase(api, manager, client));
      },
    );

    // Act: the held request, then the same request made again
    const during = await receive(testApi({ clock, dynamo: held.client }));
    const again = await receive();

    // Assess: the first was refused, the second queued; once the records expire, nothing is left in the queue.
    expect(held.interleaved()).toBe(true);
    expect(codes(during)).toEqual(['CONFLICT']);
    expectNoErrors(again);
    const queued = await api.graphql<{ disclosureWorkQueue: { requestId: string }[] }>(QUEUE, {
      token: manager.token,
    });
    expect(queued.data?.disclosureWorkQueue.map((item) => item.requestId)).toEqual([
      again.data?.receiveDisclosureRequest[0]?.requestId,
    ]);
    outlive(clock);
    const later = await api.graphql<{ disclosureWorkQueue: unknown[] }>(QUEUE, { token: manager.token });
    expectNoErrors(later);
    expect(later.data?.disclosureWorkQueue).toEqual([]);
  });
});
