import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { tenantScope } from '@confide/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confideMetrics, setMetricWriter } from '../../packages/api/src/metrics';
import { expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * The api publishes the metrics its alarms watch (issue 20): each line is CloudWatch's embedded metric format, in
 * namespace Confide with the `service` dimension, and carries ids only. infra/test/metrics.test.ts checks that the
 * alarms watch exactly these names, namespace and dimensions.
 */

interface EmfLine {
  readonly _aws: {
    readonly CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  readonly service: string;
  readonly [key: string]: unknown;
}

describe('metrics the api publishes for its alarms', () => {
  const api = testApi();
  let lines: string[];
  let restore: () => void;
  beforeEach(() => {
    lines = [];
    restore = setMetricWriter((line) => lines.push(line));
  });
  afterEach(() => restore());

  const published = (name: string): EmfLine[] =>
    lines
      .map((line) => JSON.parse(line) as EmfLine)
      .filter((line) => line._aws.CloudWatchMetrics.some((d) => d.Metrics.some((m) => m.Name === name)));

  it('publishes EmergencyAccessOpened once per break-glass opening, with ids only, and nothing when it is refused', async () => {
    // Prepare
    const world = await serviceWorld(api);
    const client = await registerServiceUser(api, world.manager, world.serviceId, { name: 'Margaret Oduya' });
    const executive = await addStaff(api, world.org, ['CHIEF_EXECUTIVE']);
    const open = (token: string) =>
      api.graphql(
        'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: SAFEGUARDING, detail: "Neighbour called about Margaret") { id } }',
        { token, variables: { c: client } },
      );

    // Act: the manager already has access (CONFLICT), then the executive breaks the glass
    const refused = await open(world.manager.token);
    const before = published(confideMetrics.emergencyAccessOpened.name).length;
    const opened = await open(executive.token);

    // Assert
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(before).toBe(0);
    expectNoErrors(opened);
    const emitted = published(confideMetrics.emergencyAccessOpened.name);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Confide',
            Dimensions: [['service']],
            Metrics: [{ Name: 'EmergencyAccessOpened', Unit: 'Count' }],
          },
        ],
      },
      service: 'confide-api',
      EmergencyAccessOpened: 1,
      orgId: world.org.orgId,
    });
    expect(lines.join('\n')).not.toMatch(/Margaret|Neighbour/);
  });

  it('publishes KmsErrors when KMS cannot be reached, once per failure, and not while it works', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const broken = testApi({
      kms: new KMSClient({
        region: 'eu-west-2',
        endpoint: 'http://127.0.0.1:1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 1,
      }),
    });
    const query = '{ me { kind staffMember { handle displayName } } }';

    // Act
    const healthy = await api.graphql(query, { token: org.adminToken });
    const whileHealthy = published(confideMetrics.kmsErrors.name).length;
    const failed = await broken.graphql(query, { token: org.adminToken });

    // Assert
    expectNoErrors(healthy);
    expect(whileHealthy).toBe(0);
    expect(failed.errors?.map((error) => error.extensions?.code)).toContain('INTERNAL');
    const emitted = published(confideMetrics.kmsErrors.name);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: 'Confide', Dimensions: [['service']], Metrics: [{ Name: 'KmsErrors' }] },
        ],
      },
      service: 'confide-api',
      KmsErrors: 1,
    });
  });

  it('publishes IntegrityIncidents once when a role forged onto a staff item is refused at sign-in (before any resolver)', async () => {
    // Prepare: a volunteer given SENIOR_MANAGER by a raw write to the table (decision 0030: roles are MACed)
    const world = await serviceWorld(api);
    const volunteer = await addStaff(api, world.org, ['VOLUNTEER']);
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: {
          pk: { S: tenantScope(world.org.orgId).key('STAFF', volunteer.staffId) },
          sk: { S: 'PROFILE' },
        },
        UpdateExpression: 'ADD #roles :role',
        ExpressionAttributeNames: { '#roles': 'roles' },
        ExpressionAttributeValues: { ':role': { SS: ['SENIOR_MANAGER'] } },
      }),
    );

    // Act
    const result = await api.graphql('{ me { kind roles } }', { token: volunteer.token });

    // Assert: refused, and the operators' integrity-api alarm sees it
    expect(result.errors?.map((error) => error.extensions?.code)).toContain('INTERNAL');
    const emitted = published(confideMetrics.apiIntegrityIncidents.name);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({
      service: 'confide-api',
      IntegrityIncidents: 1,
      orgId: world.org.orgId,
      itemKind: 'STAFF',
    });
  });
});
