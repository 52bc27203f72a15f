import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, newId, newOrgId } from '@confide/domain';
import { integrityKeyFrom, integrityMac, type KeyLifecycle } from '@confide/keys';
import { describe, expect, it } from 'vitest';
import { tenantScope } from '../tenant-scope';
import { RetentionStates, retentionStateKey } from './retention-state';
import {
  clientItemOf,
  itemKindOf,
  processRetentionRecords,
  type RetentionStreamRecord,
  staffItemKindOf,
  staffItemOf,
  tombstoneSortKey,
} from './retention-tombstones';

describe('tombstone keys and kinds', () => {
  it('derives the same tombstone key from the same deleted item and key, and a different one from another', () => {
    const key = Buffer.alloc(32, 7);
    const a = tombstoneSortKey(key, 'ORG#o#CLIENT#c', 'NOTE#n1');
    expect(tombstoneSortKey(key, 'ORG#o#CLIENT#c', 'NOTE#n1')).toBe(a);
    expect(tombstoneSortKey(key, 'ORG#o#CLIENT#c', 'NOTE#n2')).not.toBe(a);
    expect(tombstoneSortKey(Buffer.alloc(32, 8), 'ORG#o#CLIENT#c', 'NOTE#n1')).not.toBe(a);
    expect(a).toMatch(/^ITEM#[0-9a-f]{40}$/);
  });

  it('names item kinds from sort keys without any part of an id', () => {
    expect(itemKindOf('PROFILE')).toBe('PROFILE');
    expect(itemKindOf('NOTE#nte_x')).toBe('NOTE');
    expect(itemKindOf('NOTEV#nte_x#0001')).toBe('NOTE_VERSION');
    expect(itemKindOf('ALLOC#alc_x')).toBe('ALLOCATION');
    expect(itemKindOf('LEGAL_HOLD#2026-01-01T00:00:00.000Z')).toBe('LEGAL_HOLD');
    expect(itemKindOf('GRANT#ptn_x#r')).toBe('GRANT');
    expect(itemKindOf('weird value#x')).toBe('OTHER');
  });

  it('recognises a client’s items inside and outside its partition, and nothing else', () => {
    expect(clientItemOf('CLIENT#su_1', 'CONSENT#c', {})).toEqual({ clientId: 'su_1', kind: 'CONSENT' });
    expect(clientItemOf('REFERENCE#SU-1', 'REFERENCE', { clientId: { S: 'su_1' } })).toEqual({
      clientId: 'su_1',
      kind: 'REFERENCE',
    });
    expect(clientItemOf('BEACON#nhs#ab', 'CLIENT#su_1', { clientId: { S: 'su_1' } })?.kind).toBe('BEACON');
    expect(
      clientItemOf('IDENTITY#ab', 'IDENTITY', {
        principalKind: { S: 'SERVICE_USER' },
        principalId: { S: 'su_1' },
      }),
    ).toEqual({ clientId: 'su_1', kind: 'IDENTITY' });
    expect(
      clientItemOf('IDENTITY#ab', 'IDENTITY', { principalKind: { S: 'STAFF' }, principalId: { S: 's' } }),
    ).toBe(undefined);
    expect(clientItemOf('SUBJECT_ACCESS', '2026#sar_1', { clientId: { S: 'su_1' } })?.kind).toBe(
      'SUBJECT_ACCESS',
    );
    // The application deletes a kept queue item once every capacity was told: not the client's to explain.
    expect(clientItemOf('DISCLOSURE_QUEUE', 'REQUEST#r', { clientId: { S: 'su_1' } })).toBeUndefined();
    expect(clientItemOf('STAFF#stf_1', 'PROFILE', {})).toBeUndefined();
    expect(clientItemOf('TOMBSTONE#su_1', 'ITEM#x', {})).toBeUndefined();
    expect(clientItemOf('AUDIT#SUBJECT#su_1', '2026#x', { subjectId: { S: 'su_1' } })).toBeUndefined();
  });

  it('recognises a staff member’s items inside and outside their partition, and nothing else', () => {
    expect(staffItemOf('STAFF#stf_1', 'PROFILE', {})).toEqual({ staffId: 'stf_1', kind: 'STAFF_ACCOUNT' });
    expect(staffItemOf('STAFF#stf_1', 'PERSONNEL', {})?.kind).toBe('PERSONNEL');
    expect(staffItemOf('STAFF#stf_1', 'REFPERM#rpm_x', {})?.kind).toBe('REFERENCE_PERMISSION');
    expect(staffItemOf('STAFF#stf_1', 'REFERENCE#rrl_x', {})?.kind).toBe('REFERENCE_RELEASE');
    expect(staffItemOf('STAFF#stf_1', 'EMPLOYMENT', {})?.kind).toBe('EMPLOYMENT');
    expect(staffItemOf('HANDLE#ab', 'HANDLE', { staffId: { S: 'stf_1' } })).toEqual({
      staffId: 'stf_1',
      kind: 'HANDLE',
    });
    expect(
      staffItemOf('IDENTITY#ab', 'IDENTITY', { principalKind: { S: 'STAFF' }, principalId: { S: 'stf_1' } }),
    ).toEqual({ staffId: 'stf_1', kind: 'IDENTITY' });
    expect(
      staffItemOf('IDENTITY#ab', 'IDENTITY', {
        principalKind: { S: 'SERVICE_USER' },
        principalId: { S: 'su_1' },
      }),
    ).toBeUndefined();
    expect(staffItemOf('STAFF#stf_1#CASELOAD', 'x', {})).toBeUndefined();
    expect(staffItemOf('CLIENT#su_1', 'PROFILE', {})).toBeUndefined();
    expect(staffItemOf('AUDIT#ACTOR#stf_1', '2026#x', { staffId: { S: 'stf_1' } })).toBeUndefined();
    expect(staffItemKindOf('weird value')).toBe('OTHER');
  });
});

/**
 * An in-memory stand-in for the few DynamoDB calls the handler makes, with one call made to fail: for the decision
 * table of KMS's answers about an offboarded organisation's key. A failing write against DynamoDB Local is tested in
 * test/retention/stream-handler.test.ts.
 */
function fakeDynamo(options: { failPutFor?: string; keyLifecycle?: () => Promise<KeyLifecycle> } = {}) {
  const items = new Map<string, Record<string, unknown>>();
  const erased: string[] = [];
  const keyUpdates: string[] = [];
  const send = async (command: unknown) => {
    if (command instanceof PutItemCommand) {
      const input = command.input;
      const key = `${input.Item?.pk?.S}|${input.Item?.sk?.S}`;
      if (options.failPutFor && input.Item?.kind?.S === options.failPutFor) throw new Error('throttled');
      if (items.has(key)) {
        const { ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
        throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
      }
      items.set(key, input.Item ?? {});
      return {};
    }
    if (command instanceof GetItemCommand) {
      const key = `${command.input.Key?.pk?.S}|${command.input.Key?.sk?.S}`;
      return items.has(key) ? { Item: items.get(key) } : {};
    }
    if (command instanceof QueryCommand) return { Items: [] };
    if (command instanceof UpdateItemCommand) {
      keyUpdates.push(String(command.input.Key?.pk?.S));
      return {};
    }
    throw new Error(`unexpected ${String(command)}`);
  };
  return {
    dynamo: { send } as unknown as DynamoDBClient,
    items,
    erased,
    keyUpdates,
    organisationKeys: { lifecycle: options.keyLifecycle ?? (async (): Promise<KeyLifecycle> => 'IN_USE') },
    keys: {
      eraseSubjectKey: async (_orgId: string, subjectId: string) => {
        erased.push(subjectId);
      },
      // The key table's layout: the organisation's leading key, so the gateway lets the handler reach it.
      subjectKeyLocation: (orgId: string, subjectId: string) => ({
        table: 'keys',
        key: { pk: { S: `ORG#${orgId}#SUBJECT#${subjectId}` }, sk: { S: 'KEY' } },
      }),
      beaconKey: async () => BEACON_KEY,
      // No client profile expires here: no blind-index entries to recompute.
      subjectKey: async () => undefined,
    },
  };
}

const BEACON_KEY = Buffer.alloc(32, 7);

/** An organisation's registry item as onboarding writes it (its MAC left out: nothing here checks it). */
function organisationItem(status: 'OFFBOARDED' | 'ACTIVE') {
  return {
    orgId: { S: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa' },
    name: { S: 'A charity' },
    slug: { S: 'a-charity' },
    preset: { S: 'STRICT' },
    status: { S: status },
    kmsKeyArn: { S: 'arn:aws:kms:eu-west-2:111122223333:key/00000000-0000-0000-0000-000000000000' },
    keyAlias: { S: 'alias/confide/test/org_aaaaaaaaaaaaaaaaaaaaaaaaaa' },
    createdAt: { S: '2030-01-01T00:00:00.000Z' },
    version: { N: '1' },
  };
}

/** What `closeCase` (or the end of employment) writes first: the subject's authenticated schedule. */
async function scheduled(
  fake: ReturnType<typeof fakeDynamo>,
  orgId: string,
  subjectId: string,
  clock: Clock,
) {
  await new RetentionStates(fake.dynamo, 'data', fake.keys, clock).markScheduled(
    tenantScope(orgId),
    subjectId,
    1,
  );
}

describe('processRetentionRecords (injected clients)', () => {
  const orgId = newOrgId();
  const clientId = newId('serviceUser');
  const pk = tenantScope(orgId).key('CLIENT', clientId);
  const clock = { now: () => new Date('2040-01-01T00:00:00Z') };
  const depsOf = (fake: ReturnType<typeof fakeDynamo>) => ({
    dynamo: fake.dynamo,
    dataTable: 'data',
    keys: fake.keys,
    organisationKeys: fake.organisationKeys,
    clock,
  });
  const record = (sk: string, sequence: string): RetentionStreamRecord => ({
    eventName: 'REMOVE',
    userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    dynamodb: {
      OldImage: { pk: { S: pk }, sk: { S: sk }, expiresAt: { N: '1' } },
      SequenceNumber: sequence,
      ApproximateCreationDateTime: 2_000_000_000,
    },
  });

  it('lets a failed record pass only when KMS says the key of an organisation stored OFFBOARDED is pending deletion or deleted', async () => {
    // Prepare: the same failing record, under each answer KMS may give about the organisation's key, and with the
    // organisation stored OFFBOARDED, ACTIVE or not at all.
    const batch = [record('CONSENT#b', '2')];
    const run = async (
      keyLifecycle: () => Promise<KeyLifecycle>,
      status: 'OFFBOARDED' | 'ACTIVE' | null = 'OFFBOARDED',
    ) => {
      const fake = fakeDynamo({ failPutFor: 'CONSENT', keyLifecycle });
      await scheduled(fake, orgId, clientId, clock);
      if (status) fake.items.set(`${tenantScope(orgId).key('ORG')}|PROFILE`, organisationItem(status));
      const logged: { message: string; detail: Record<string, unknown> }[] = [];
      const result = await processRetentionRecords(batch, {
        ...depsOf(fake),
        log: (message, detail) => logged.push({ message, detail }),
      });
      return { result, logged };
    };

    // Act
    const pending = await run(async () => 'PENDING_DELETION');
    const deleted = await run(async () => 'DELETED');
    const inUse = await run(async () => 'IN_USE');
    const unanswered = await run(async () => {
      throw new Error('AccessDeniedException');
    });
    const neverOnboarded = await run(async () => 'DELETED', null);
    const active = await run(async () => 'PENDING_DELETION', 'ACTIVE');

    // Assess
    for (const passed of [pending, deleted]) {
      expect(passed.result).toMatchObject({ batchItemFailures: [], ignored: 1 });
    }
    expect(pending.logged.at(-1)).toEqual({
      message: 'retention.organisation-key-gone',
      detail: { orgId, lifecycle: 'PENDING_DELETION', records: 1, errors: ['Error'] },
    });
    expect(inUse.result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(unanswered.result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    // KMS knows no key by the alias of an organisation that never was: its records still fail.
    expect(neverOnboarded.result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(active.result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
  });

  it('tombstones a former staff member’s expired items under their id, and ignores expired audit events and idempotency results', async () => {
    // Prepare
    const fake = fakeDynamo();
    const staffId = newId('staff');
    const scope = tenantScope(orgId);
    await scheduled(fake, orgId, staffId, clock);
    const removal = (itemPk: string, sk: string, sequence: string, image = {}): RetentionStreamRecord => ({
      eventName: 'REMOVE',
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      dynamodb: {
        OldImage: { pk: { S: itemPk }, sk: { S: sk }, expiresAt: { N: '1' }, ...image },
        SequenceNumber: sequence,
      },
    });
    const batch = [
      removal(scope.key('STAFF', staffId), 'PERSONNEL', '1'),
      removal(scope.key('HANDLE', 'ab'), 'HANDLE', '2', { staffId: { S: staffId } }),
      removal(scope.key('AUDIT', 'SUBJECT', staffId), `2030-01-01T00:00:00.000Z#req.0`, '3', {
        subjectId: { S: staffId },
      }),
      removal(scope.key('IDEMPOTENCY', 'REGISTER', 'ab'), 'RESULT', '4', { clientId: { S: clientId } }),
    ];

    // Act
    const result = await processRetentionRecords(batch, depsOf(fake));

    // Assess
    expect(result).toMatchObject({ batchItemFailures: [], tombstonesWritten: 2, ignored: 2 });
    const written = [...fake.items.entries()]
      .filter(([key]) => key.includes('|ITEM#'))
      .map(([, item]) => item) as { pk?: { S?: string }; kind?: { S?: string } }[];
    expect(written.map((item) => item.pk?.S)).toEqual([
      scope.key('TOMBSTONE', staffId),
      scope.key('TOMBSTONE', staffId),
    ]);
    expect(written.map((item) => item.kind?.S)).toEqual(['PERSONNEL', 'HANDLE']);
    expect(fake.erased).toEqual([]);
    expect(fake.items.has(`${scope.key('TOMBSTONE', staffId)}|KEY_QUARANTINE`)).toBe(true);
  });

  it('takes an expiry explained by a retention state written before it carried a count, and none by one given a count (decision 0141)', async () => {
    // Prepare: the state as an earlier version wrote it (SCHEDULED, due, no count, the v1 MAC); and the same with a
    // count added by a raw write (its MAC covers no count).
    const scope = tenantScope(orgId);
    const legacy = () => {
      const fake = fakeDynamo();
      const { pk: statePk, sk } = retentionStateKey(scope, clientId);
      const at = '2039-01-01T00:00:00.000Z';
      fake.items.set(`${statePk}|${sk}`, {
        pk: { S: statePk },
        sk: { S: sk },
        state: { S: 'SCHEDULED' },
        scheduledExpiry: { N: '1' },
        at: { S: at },
        mac: {
          S: integrityMac(integrityKeyFrom(BEACON_KEY, orgId), [
            'confide.retention-state.v1',
            orgId,
            clientId,
            'SCHEDULED',
            1,
            at,
          ]),
        },
      });
      return { fake, state: fake.items.get(`${statePk}|${sk}`) as Record<string, unknown> };
    };
    const uncounted = legacy();
    const counted = legacy();
    counted.state.stateVersion = { N: '1' };

    // Act
    const expired = await processRetentionRecords([record('NOTE#n', '1')], depsOf(uncounted.fake));
    const refused = await processRetentionRecords([record('NOTE#n', '1')], depsOf(counted.fake));

    // Assess
    expect(expired).toMatchObject({ batchItemFailures: [], tombstonesWritten: 1, incidents: 0 });
    expect(refused).toMatchObject({ batchItemFailures: [], tombstonesWritten: 0, incidents: 1 });
  });
});
