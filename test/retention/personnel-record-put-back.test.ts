import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { asOrgId } from '@confide/domain';
import { itemKeyOf, sealFields, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { rawItem, rawPut } from '../support/raw-table';
import { closeLocalRetentions, retentionApi, retentionWorld, runRetention } from './retention-support';

/**
 * Decision 0147: a personnel record's MAC tells a forged record from a genuine one, not an earlier genuine copy from the
 * current one. Someone who can write the table, and kept the record as it stood before HR's last change (a personnel
 * note about a disciplinary outcome, a corrected emergency contact), puts it back: its MAC verifies. The retention
 * handler watches the record's updates as it does a note's (decision 0118): the version going down, or the MAC taken
 * off, is a rollback; the later copy goes back and the rollback is an incident.
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

/** HR's last change: the meeting's outcome, and the emergency contact corrected. */
const CHANGE = {
  personnelNotes: 'Capability meeting held; final written warning issued.',
  emergencyContact: 'Sam Rivers (partner) 07700 900790',
};

describe('retention: a personnel record put back below the API (decision 0147)', () => {
  const { api } = retentionApi();
  afterAll(closeLocalRetentions);

  /** A staff member whose personnel record HR wrote, then changed; with the item as it stood before the change. */
  async function changedRecord(options: { before?: 'api' | 'before-the-mac' } = {}) {
    const world = await retentionWorld(api);
    const [hr, subject] = await Promise.all([
      addStaff(api, world.org, ['HR_OFFICER']),
      addStaff(api, world.org, ['SUPPORT_WORKER']),
    ]);
    const scope = tenantScope(world.org.orgId);
    const key = { pk: scope.key('STAFF', subject.staffId), sk: 'PERSONNEL' };
    if (options.before === 'before-the-mac') {
      // As the application wrote it before this change: sealed fields and a version, no MAC.
      const subjectKey = await api.services.keys.subjectKey(asOrgId(world.org.orgId), subject.staffId);
      if (!subjectKey) throw new Error('no subject key');
      await rawPut(api, {
        pk: { S: key.pk },
        sk: { S: key.sk },
        staffId: { S: subject.staffId },
        version: { N: '1' },
        updatedAt: { S: new Date().toISOString() },
        updatedBy: { S: hr.staffId },
        ...sealFields(subjectKey, itemKeyOf(key.pk, key.sk), DETAILS),
      });
    } else {
      expectNoErrors(
        await api.graphql(UPDATE, {
          token: hr.token,
          variables: { input: { staffId: subject.globalId, ...DETAILS } },
        }),
      );
    }
    const earlier = await rawItem(api, key);
    if (!earlier) throw new Error('no personnel record');
    expectNoErrors(
      await api.graphql(UPDATE, {
        token: hr.token,
        variables: { input: { staffId: subject.globalId, ...CHANGE, expectedVersion: 1 } },
      }),
    );
    await runRetention(api, world.org.orgId);
    expect(await api.services.integrityIncidents.list(scope)).toEqual([]);
    const read = () =>
      api.graphql<{ personnelRecord: Record<string, unknown> }>(READ, {
        token: hr.token,
        variables: { id: subject.globalId },
      });
    return { world, scope, subject, key, earlier, read };
  }

  it('the record as it stood before HR’s last change, put back, is changed again, an incident', async () => {
    // Prepare
    const { world, scope, subject, earlier, read } = await changedRecord();

    // Act: someone who can write the table puts the earlier copy back (its MAC is genuine); the stream reaches the handler.
    await rawPut(api, earlier);
    await runRetention(api, world.org.orgId);
    const record = await read();

    // Assess: HR's change stands, and the rollback is an integrity incident (ids and kinds only).
    expectNoErrors(record);
    expect(record.data?.personnelRecord).toEqual({ ...DETAILS, ...CHANGE, version: 2 });
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({
        kind: 'ROLLED_BACK',
        subjectId: subject.staffId,
        itemKind: 'PERSONNEL',
        restored: true,
      }),
    ]);
  });

  it('a record from before the MAC, put back over its first change, is changed again, an incident', async () => {
    // Prepare
    const { world, scope, subject, earlier, read } = await changedRecord({ before: 'before-the-mac' });

    // Act
    await rawPut(api, earlier);
    await runRetention(api, world.org.orgId);
    const record = await read();

    // Assess
    expectNoErrors(record);
    expect(record.data?.personnelRecord).toEqual({ ...DETAILS, ...CHANGE, version: 2 });
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({ kind: 'ROLLED_BACK', subjectId: subject.staffId, itemKind: 'PERSONNEL' }),
    ]);
  });

  it('the MAC taken off is put back, an incident', async () => {
    // Prepare
    const { world, scope, subject, key, read } = await changedRecord();

    // Act
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        UpdateExpression: 'REMOVE personnelMac',
      }),
    );
    await runRetention(api, world.org.orgId);
    const record = await read();

    // Assess
    expectNoErrors(record);
    expect(record.data?.personnelRecord).toEqual({ ...DETAILS, ...CHANGE, version: 2 });
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({ kind: 'ROLLED_BACK', subjectId: subject.staffId, itemKind: 'PERSONNEL' }),
    ]);
  });

  it('deleted, and the earlier copy written in its place, the later one goes back over it, an incident', async () => {
    // Prepare
    const { world, scope, subject, key, earlier, read } = await changedRecord();

    // Act: a removal and an insert reach the stream, not an update.
    await api.services.dynamo.send(
      new DeleteItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      }),
    );
    await rawPut(api, earlier);
    await runRetention(api, world.org.orgId);
    const record = await read();

    // Assess
    expectNoErrors(record);
    expect(record.data?.personnelRecord).toEqual({ ...DETAILS, ...CHANGE, version: 2 });
    expect(await api.services.integrityIncidents.list(scope)).toEqual([
      expect.objectContaining({
        kind: 'UNEXPLAINED_REMOVAL',
        subjectId: subject.staffId,
        itemKind: 'PERSONNEL',
        restored: true,
      }),
    ]);
  });
});
