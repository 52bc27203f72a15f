import { LIST_MAXIMA } from '@confide/api';
import { describe, expect, it } from 'vitest';
import { ADA, allocatedPerson, codes, recordNote } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import type { GraphqlResult } from '../support/test-api';
import { testApi } from '../support/test-api';

/**
 * The console shows a BAD_USER_INPUT message as it is, so the message names the field as people say it ("Reason not
 * informed", not `reasonNotInformed`); the API's own name of the field stays in `extensions` for clients to match.
 */

const REGISTER = 'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }';
const RECORD_NOTE = 'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }';
const REPORT_BREACH = 'mutation ($input: ReportBreachInput!) { reportBreach(input: $input) { id } }';
const EXCEPTIONAL =
  'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }';
const SETTINGS = `mutation ($input: AccessMonitoringSettingsInput!) {
  setAccessMonitoringSettings(input: $input, expectedVersion: 0) { timeZone }
}`;

/** A calendar date two days after the UTC date: after the organisation's today in any time zone. */
const dayAfterTomorrow = () => new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

/** The one refusal of a result: its code, message and where it points. */
function refusal(result: GraphqlResult<unknown>) {
  expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  const { message, extensions } = result.errors?.[0] ?? {};
  return { message, field: extensions?.field, argument: extensions?.argument };
}

describe('bad input is refused in words people use', () => {
  const api = testApi();

  it('names each field as people say it, and keeps its path in extensions', async () => {
    // Prepare
    const { org, serviceId, manager, worker, client } = await allocatedPerson(api);
    const ig = await addStaff(api, org, ['IG_LEAD']);
    const note = await recordNote(
      api,
      worker,
      client,
      'SAFEGUARDING_CONCERN',
      'Said he would hurt a neighbour.',
    );

    // Act
    const emptyName = await api.graphql(REGISTER, {
      token: manager.token,
      variables: { input: { serviceId, ...ADA, name: '' } },
    });
    const futureBirth = await api.graphql(REGISTER, {
      token: manager.token,
      variables: { input: { serviceId, ...ADA, dateOfBirth: dayAfterTomorrow() } },
    });
    const blankNature = await api.graphql(REPORT_BREACH, {
      token: worker.token,
      variables: {
        input: {
          discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
          nature: ' \n ',
          categories: ['CONTACT'],
          approximateSubjects: 1,
        },
      },
    });
    const blankReasonNotInformed = await api.graphql(EXCEPTIONAL, {
      token: worker.token,
      variables: {
        input: {
          serviceUserId: client,
          recipient: 'PC Smith',
          legalBasis: 'SAFEGUARDING',
          reasoning: 'Threats to a neighbour.',
          itemIds: [note],
          clientInformed: false,
          reasonNotInformed: '   ',
        },
      },
    });
    const thresholdOutOfRange = await api.graphql(SETTINGS, {
      token: ig.token,
      variables: { input: { deniedAttemptsThreshold: 1 } },
    });

    // Assess
    expect(refusal(emptyName)).toEqual({ message: 'Name must not be empty.', field: ['input', 'name'] });
    expect(refusal(futureBirth)).toEqual({
      message: 'Date of birth cannot be in the future.',
      field: ['input', 'dateOfBirth'],
    });
    expect(refusal(blankNature)).toEqual({
      message: 'Nature must not be empty.',
      field: ['input', 'nature'],
    });
    expect(refusal(blankReasonNotInformed)).toEqual({
      message: 'Reason not informed must not be empty.',
      field: ['input', 'reasonNotInformed'],
    });
    expect(refusal(thresholdOutOfRange)).toEqual({
      message: 'Denied attempts threshold must be a whole number from 2 to 1000.',
      field: ['input', 'deniedAttemptsThreshold'],
    });
  });

  it('refuses a lone surrogate or too long a list naming the field in words, its coordinate in extensions', async () => {
    // Prepare
    const { worker, client } = await allocatedPerson(api);
    const note = (change: Record<string, unknown>) =>
      api.graphql(RECORD_NOTE, {
        token: worker.token,
        variables: { input: { serviceUserId: client, kind: 'DAILY_SUPPORT', body: 'Visit', ...change } },
      });
    const max = LIST_MAXIMA['RecordNoteInput.distribution'] ?? 0;

    // Act
    const loneSurrogate = await note({ body: 'Visit x\ud800y' });
    const longDistribution = await note({
      kind: 'HANDOVER',
      distribution: Array(max + 1).fill(worker.globalId),
    });

    // Assess
    expect(refusal(loneSurrogate)).toEqual({
      message: 'Body contains characters that are not allowed.',
      argument: 'RecordNoteInput.body',
    });
    expect(refusal(longDistribution)).toEqual({
      message: `Distribution takes at most ${max} items.`,
      argument: 'RecordNoteInput.distribution',
    });
  });
});
