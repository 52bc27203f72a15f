import { DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { type StoredAuditEvent, tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/*
 * Issue 14 in access monitoring: who may run each report, and how far it reaches, is one policy
 * (policies/governance.ts) applied by the operation plugin — so every refused attempt at a report or a
 * monitoring setting is recorded once, a report's read names the reach it was allowed (report.org-wide or
 * report.own-services), and a settings change is audited before it is made.
 */

const PERIOD = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() };

/** One refused call per monitoring operation, and the rule its DENIED event must carry. */
const REFUSED: readonly { operation: string; query: string; rule: string; variables?: object }[] = [
  {
    operation: 'staffAccessReport',
    query: 'query ($s: ID!) { staffAccessReport(staffId: $s) { edges { node { id } } } }',
    rule: 'monitoring.staff-access-report',
  },
  {
    operation: 'deniedAccessReport',
    query: '{ deniedAccessReport { edges { node { id } } } }',
    rule: 'monitoring.report',
  },
  {
    operation: 'disclosureReport',
    query: '{ disclosureReport { edges { node { id } } } }',
    rule: 'monitoring.report',
  },
  {
    operation: 'emergencyAccessReport',
    query: '{ emergencyAccessReport { edges { node { reviewId } } } }',
    rule: 'monitoring.report',
  },
  {
    operation: 'accessAlerts',
    query: '{ accessAlerts { edges { node { id } } } }',
    rule: 'monitoring.report',
  },
  {
    operation: 'aggregateReport',
    query:
      '{ aggregateReport(measure: NOTES_RECORDED, fromMonth: "2026-01", toMonth: "2026-02") { measure } }',
    rule: 'monitoring.aggregate-report',
  },
  {
    operation: 'informationGovernanceSummary',
    query: 'query ($p: ReportPeriod!) { informationGovernanceSummary(period: $p) { from } }',
    rule: 'monitoring.governance-summary',
    variables: { p: PERIOD },
  },
  {
    operation: 'accessMonitoringSettings',
    query: '{ accessMonitoringSettings { version } }',
    rule: 'monitoring.settings.read',
  },
  {
    operation: 'setAccessMonitoringSettings',
    query:
      'mutation { setAccessMonitoringSettings(input: { emergencyReviewDays: 3 }, expectedVersion: 0) { version } }',
    rule: 'monitoring.settings.change',
  },
  {
    operation: 'setShowStaffNamesToServiceUsers',
    query: 'mutation { setShowStaffNamesToServiceUsers(show: true, expectedVersion: 1) { name } }',
    rule: 'monitoring.staff-names',
  },
  {
    operation: 'myAccessLog',
    query: '{ myAccessLog { edges { node { id } } } }',
    rule: 'monitoring.own-access-log.principal',
  },
];

const byActor = (api: TestApi, world: ServiceWorld, person: Person) =>
  api.services.auditLog.byActor(tenantScope(world.org.orgId), person.staffId);

const of = (events: readonly StoredAuditEvent[], operation: string) =>
  events.filter((event) => event.operation === operation);

describe('monitoring operations', () => {
  const api = testApi();
  let world: ServiceWorld & { worker: Person; ig: Person; idleManager: Person };
  beforeAll(async () => {
    const base = await serviceWorld(api);
    const [worker, ig, idleManager] = await Promise.all([
      addStaff(api, base.org, ['SUPPORT_WORKER']),
      addStaff(api, base.org, ['IG_LEAD']),
      addStaff(api, base.org, ['SERVICE_MANAGER']),
    ]);
    await registerServiceUser(api, base.manager, base.serviceId);
    world = { ...base, worker, ig, idleManager };
  });

  it('record every refusal once, naming the operation and the rule that refused it', async () => {
    // Act
    const results = [];
    for (const refused of REFUSED) {
      results.push(
        await api.graphql(refused.query, {
          token: world.worker.token,
          variables: { s: world.ig.globalId, ...refused.variables },
        }),
      );
    }

    // Assess
    expect(results.map((result) => errorsOf(result)[0]?.code)).toEqual(REFUSED.map(() => 'FORBIDDEN'));
    const events = await byActor(api, world, world.worker);
    for (const refused of REFUSED) {
      expect(
        of(events, refused.operation).map((event) => [event.action, event.outcome, event.rule]),
        refused.operation,
      ).toEqual([['DENIED', 'FORBIDDEN', refused.rule]]);
    }
  });

  it('refuse a service manager who manages no service, and name the reach of every report read', async () => {
    // Act
    const asIdle = await api.graphql('{ accessAlerts { edges { node { id } } } }', {
      token: world.idleManager.token,
    });
    const asManager = await api.graphql('{ accessAlerts { edges { node { id } } } }', {
      token: world.manager.token,
    });
    const asIg = await api.graphql('{ accessAlerts { edges { node { id } } } }', { token: world.ig.token });

    // Assess
    expect(errorsOf(asIdle)).toEqual([{ code: 'FORBIDDEN', path: ['accessAlerts'] }]);
    expectNoErrors(asManager);
    expectNoErrors(asIg);
    const rules = async (person: Person) =>
      of(await byActor(api, world, person), 'accessAlerts').map((event) => [event.action, event.rule]);
    expect(await rules(world.idleManager)).toEqual([['DENIED', 'monitoring.report']]);
    expect(await rules(world.manager)).toEqual([['READ', 'report.own-services']]);
    expect(await rules(world.ig)).toEqual([['READ', 'report.org-wide']]);
  });
});

/** A DynamoDB client that fails every TransactWriteItems carrying an audit item, at the SDK layer. */
function failingAuditClient(api: TestApi): DynamoDBClient {
  const { config } = api.services;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TransactItems?: TransactWriteItem[] };
      const audit = (input.TransactItems ?? []).some((item) =>
        [item.Put?.Item?.pk?.S, item.Update?.Key?.pk?.S].some((pk) => pk?.includes('#AUDIT#')),
      );
      if (context.commandName === 'TransactWriteItemsCommand' && audit) {
        throw new Error('Injected failure: audit unavailable');
      }
      return next(args);
    },
    { step: 'initialize', name: 'failAuditWrites' },
  );
  return client;
}

describe('a monitoring setting whose audit cannot be written', () => {
  const healthy = testApi();

  it('is not changed: the change is audited before it is made', async () => {
    // Prepare
    const world = await serviceWorld(healthy);
    const ig = await addStaff(healthy, world.org, ['IG_LEAD']);
    const broken = testApi({ dynamo: failingAuditClient(healthy) });
    const scope = tenantScope(world.org.orgId);
    const organisationBefore = await healthy.services.directory.organisation(scope.orgId);

    // Act
    const settings = await broken.graphql(
      'mutation { setAccessMonitoringSettings(input: { emergencyReviewDays: 3 }, expectedVersion: 0) { version } }',
      { token: ig.token },
    );
    const names = await broken.graphql(
      'mutation ($v: Int!) { setShowStaffNamesToServiceUsers(show: true, expectedVersion: $v) { name } }',
      { token: world.org.adminToken, variables: { v: organisationBefore?.version } },
    );

    // Assess
    expect(errorsOf(settings).map((error) => error.code)).toEqual(['INTERNAL']);
    expect(errorsOf(names).map((error) => error.code)).toEqual(['INTERNAL']);
    expect((await healthy.services.monitoring.settings(scope)).version).toBe(0);
    const organisationAfter = await healthy.services.directory.organisation(scope.orgId);
    expect(organisationAfter?.showStaffNamesToServiceUsers).toBe(false);
    expect(organisationAfter?.version).toBe(organisationBefore?.version);
  });
});
