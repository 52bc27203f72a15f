import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { asOrgId } from '@confide/domain';
import { itemKeyOf, sealFields, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, expectTamperedState, onboardTestOrganisation } from '../support/fixtures';
import { rawItem, rawUpdate } from '../support/raw-table';
import type { TestApi } from '../support/test-api';
import { testApi } from '../support/test-api';

/**
 * Decision 0147: a staff member's personnel record carries a MAC over its version, who and when last changed it, and
 * each sealed field's ciphertext. Someone who can write the table, and kept an earlier copy of the record, swaps one
 * field's ciphertext back (it still opens: its AAD names only the item and the field) or deletes a field; the read
 * must fail closed and be an integrity incident. A record written before the MAC still reads, and gains one on its
 * next change; once it has one, taking it off fails closed.
 */

const FIELDS = 'homeAddress personalPhone emergencyContact personnelNotes version';
const UPDATE = `mutation ($input: UpdatePersonnelRecordInput!) { updatePersonnelRecord(input: $input) { ${FIELDS} } }`;
const READ = `query ($id: ID!) { personnelRecord(staffId: $id) { ${FIELDS} } }`;

const DETAILS = {
  homeAddress: '4 Willow Close, Harrogate HG1 2AB',
  personalPhone: '07700 900456',
  emergencyContact: 'Sam Rivers (partner) 07700 900789',
  personnelNotes: 'Capability meeting held; no outcome yet.',
};

async function world(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const [hr, subject] = await Promise.all([
    addStaff(api, org, ['HR_OFFICER']),
    addStaff(api, org, ['SUPPORT_WORKER']),
  ]);
  const key = { pk: tenantScope(org.orgId).key('STAFF', subject.staffId), sk: 'PERSONNEL' };
  return { org, hr, subject, key };
}

describe('a staff member’s personnel record below the application (decision 0147)', () => {
  const api = testApi();

  it('fails closed when one field’s ciphertext from an earlier version is swapped in, an incident', async () => {
    // Prepare: HR records the details; the item is copied as it stood; HR then records the meeting's outcome.
    const { org, hr, subject, key } = await world(api);
    expectNoErrors(
      await api.graphql(UPDATE, {
        token: hr.token,
        variables: { input: { staffId: subject.globalId, ...DETAILS } },
      }),
    );
    const earlier = await rawItem(api, key);
    const outcome = await api.graphql(UPDATE, {
      token: hr.token,
      variables: {
        input: {
          staffId: subject.globalId,
          personnelNotes: 'Capability meeting held; final written warning issued.',
          expectedVersion: 1,
        },
      },
    });
    expectNoErrors(outcome);

    // Act: someone who can write the table puts the earlier notes' ciphertext back into the later record.
    await rawUpdate(api, key, 'SET enc_personnelNotes = :notes', {
      ':notes': earlier?.enc_personnelNotes as AttributeValue,
    });
    const read = await api.graphql<{ personnelRecord: Record<string, unknown> | null }>(READ, {
      token: hr.token,
      variables: { id: subject.globalId },
    });

    // Assess: nothing of the record is served, and the IG lead sees the incident.
    expect(codes(read)).toEqual(['INTERNAL']);
    expect(read.text).not.toContain('no outcome yet');
    expect(read.text).not.toContain('Willow');
    await expectTamperedState(api, org.orgId, 'PERSONNEL', subject.staffId);
  });

  it('fails closed when a field is deleted, an incident', async () => {
    // Prepare
    const { org, hr, subject, key } = await world(api);
    expectNoErrors(
      await api.graphql(UPDATE, {
        token: hr.token,
        variables: { input: { staffId: subject.globalId, ...DETAILS } },
      }),
    );

    // Act: the emergency contact taken out of the record.
    await rawUpdate(api, key, 'REMOVE enc_emergencyContact');
    const read = await api.graphql(READ, { token: hr.token, variables: { id: subject.globalId } });

    // Assess
    expect(codes(read)).toEqual(['INTERNAL']);
    expect(read.text).not.toContain('Willow');
    await expectTamperedState(api, org.orgId, 'PERSONNEL', subject.staffId);
  });

  it('writes a change without an expected version after another that landed between its read and its write', async () => {
    // Prepare: HR's change held just before its write while the staff member changes their phone.
    const { hr, subject } = await world(api);
    expectNoErrors(
      await api.graphql(UPDATE, {
        token: hr.token,
        variables: { input: { staffId: subject.globalId, ...DETAILS } },
      }),
    );
    const held = interleavingDynamoClient(
      api,
      (call) =>
        call.commandName === 'UpdateItemCommand' && JSON.stringify(call.input).includes('personnelMac'),
      async () =>
        expectNoErrors(
          await api.graphql(UPDATE, {
            token: subject.token,
            variables: { input: { staffId: subject.globalId, personalPhone: '07700 900111' } },
          }),
        ),
    );

    // Act
    const byHr = await testApi({ dynamo: held.client }).graphql(UPDATE, {
      token: hr.token,
      variables: { input: { staffId: subject.globalId, personnelNotes: 'Probation passed.' } },
    });
    const read = await api.graphql<{ personnelRecord: Record<string, unknown> }>(READ, {
      token: hr.token,
      variables: { id: subject.globalId },
    });

    // Assess: neither change is lost.
    expect(held.interleaved()).toBe(true);
    expectNoErrors(byHr);
    expectNoErrors(read);
    expect(read.data?.personnelRecord).toEqual({
      ...DETAILS,
      personnelNotes: 'Probation passed.',
      personalPhone: '07700 900111',
      version: 3,
    });
  });

  it('reads a record written before the MAC, which gains one on its next change; taking it off then fails closed', async () => {
    // Prepare: a record as the application wrote it before this change: sealed fields, a version, no MAC.
    const { org, hr, subject, key } = await world(api);
    const subjectKey = await api.services.keys.subjectKey(asOrgId(org.orgId), subject.staffId);
    if (!subjectKey) throw new Error('no subject key');
    await api.services.dynamo.send(
      new PutItemCommand({
        TableName: api.stack.tables.data,
        Item: {
          pk: { S: key.pk },
          sk: { S: key.sk },
          staffId: { S: subject.staffId },
          version: { N: '1' },
          updatedAt: { S: new Date().toISOString() },
          updatedBy: { S: hr.staffId },
          ...sealFields(subjectKey, itemKeyOf(key.pk, key.sk), DETAILS),
        },
      }),
    );

    // Act: it is read, then changed through the API.
    const before = await api.graphql<{ personnelRecord: Record<string, unknown> }>(READ, {
      token: hr.token,
      variables: { id: subject.globalId },
    });
    const changed = await api.graphql<{ updatePersonnelRecord: Record<string, unknown> }>(UPDATE, {
      token: hr.token,
      variables: { input: { staffId: subject.globalId, personalPhone: '07700 900111', expectedVersion: 1 } },
    });
    const stored = await rawItem(api, key);
    const after = await api.graphql<{ personnelRecord: Record<string, unknown> }>(READ, {
      token: hr.token,
      variables: { id: subject.globalId },
    });

    // Assess: read as before; the change carries a MAC and keeps the other fields.
    expectNoErrors(before);
    expect(before.data?.personnelRecord).toEqual({ ...DETAILS, version: 1 });
    expectNoErrors(changed);
    const expected = { ...DETAILS, personalPhone: '07700 900111', version: 2 };
    expect(changed.data?.updatePersonnelRecord).toEqual(expected);
    expect(stored?.personnelMac?.S).toEqual(expect.any(String));
    expectNoErrors(after);
    expect(after.data?.personnelRecord).toEqual(expected);
    expect(await api.services.integrityIncidents.list(tenantScope(org.orgId))).toEqual([]);

    // Act: someone who can write the table takes the MAC off.
    await rawUpdate(api, key, 'REMOVE personnelMac');
    const unmacd = await api.graphql(READ, { token: hr.token, variables: { id: subject.globalId } });

    // Assess: it is not read as a record from before the MAC.
    expect(codes(unmacd)).toEqual(['INTERNAL']);
    expect(unmacd.text).not.toContain('Willow');
    await expectTamperedState(api, org.orgId, 'PERSONNEL', subject.staffId);
  });
});
