import { newId } from '@confide/domain';
import { type AuditEvent, tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADA, allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import {
  createService,
  errorsOf,
  globalId,
  localIdOf,
  type ServiceWorld,
  serviceWorld,
} from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { workingHoursAroundNow } from '../support/working-hours';

/**
 * Access at a glance (issue 19): `accessHeatMap` counts reads per staff member and local day, with reads outside the
 * caseload, out-of-hours accesses and refusals beside them, for the IG lead and the Caldicott Guardian across the
 * organisation and for a service manager about their services' clients only. Bounded in days and staff; reading it
 * is audited as the other reports are.
 */

const HEAT_MAP = `query ($from: DateTime, $to: DateTime, $service: ID) {
  accessHeatMap(from: $from, to: $to, serviceId: $service) {
    from to timeZone days staffCount truncated
    cells { staffId day reads offCaseload outOfHours denied actor { displayName handle roles } }
  }
}`;

interface Cell {
  staffId: string;
  day: string;
  reads: number;
  offCaseload: number;
  outOfHours: number;
  denied: number;
  actor: { displayName: string | null; handle: string | null; roles: string[] };
}
interface HeatMap {
  from: string;
  to: string;
  timeZone: string;
  days: string[];
  staffCount: number;
  truncated: boolean;
  cells: Cell[];
}

const DAY_MS = 86_400_000;
const londonDate = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', dateStyle: 'short' }).format(at);

interface HeatMapWorld extends ServiceWorld {
  readonly otherManager: Person;
  readonly idleManager: Person;
  readonly worker: Person;
  readonly stranger: Person;
  readonly ig: Person;
  readonly guardian: Person;
  readonly clientA: string;
  readonly otherService: string;
  /** Four and a half days ago, twelve hours from now's time of day: outside the working hours the world sets. */
  readonly night: Date;
}

async function heatMapWorld(api: TestApi): Promise<HeatMapWorld> {
  const world = await serviceWorld(api);
  const [otherManager, idleManager, worker, stranger, ig, guardian] = await Promise.all([
    addStaff(api, world.org, ['SERVICE_MANAGER']),
    addStaff(api, world.org, ['SERVICE_MANAGER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['IG_LEAD']),
    addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
  ]);
  // Working hours around now, so that today's reads are ordinary whatever the time the test runs at.
  await workingHoursAroundNow(api, ig.token);
  const otherService = await createService(api, world, otherManager);
  const clientA = await registerServiceUser(api, world.manager, world.serviceId);
  await allocate(api, world.manager, clientA, worker);
  const read = (person: Person) =>
    api.graphql('query ($id: ID!) { serviceUser(id: $id) { name } }', {
      token: person.token,
      variables: { id: clientA },
    });
  // Today: the allocated worker reads twice, the senior manager once (ORG_WIDE: outside any caseload), and a
  // stranger is refused.
  expectNoErrors(await read(worker));
  expectNoErrors(await read(worker));
  expectNoErrors(await read(world.senior));
  expect(errorsOf(await read(stranger))).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
  // Out of hours, days ago: the worker read the same person.
  const night = new Date(Date.now() - 5 * DAY_MS + 12 * 3_600_000);
  await api.services.auditLog.write([
    {
      orgId: world.org.orgId,
      requestId: `night-${newId('staff')}`,
      at: night.toISOString(),
      actor: { kind: 'STAFF', id: worker.staffId, roles: ['SUPPORT_WORKER'] },
      action: 'READ',
      operation: 'serviceUser',
      subjectId: localIdOf(clientA),
      fields: ['ServiceUser.name'],
      classifications: ['IDENTIFYING'],
      relationship: 'ALLOCATED',
      purpose: undefined,
      emergency: false,
      outcome: 'ALLOWED',
      rule: undefined,
    },
  ]);
  return {
    ...world,
    otherManager,
    idleManager,
    worker,
    stranger,
    ig,
    guardian,
    clientA,
    otherService,
    night,
  };
}

const heatMap = (api: TestApi, person: Person, variables: Record<string, unknown> = {}) =>
  api.graphql<{ accessHeatMap: HeatMap }>(HEAT_MAP, { token: person.token, variables });

const cellOf = (map: HeatMap | undefined, person: Person, day: string) =>
  map?.cells.find((cell) => cell.staffId === person.globalId && cell.day === day);

describe('accessHeatMap', () => {
  const api = testApi();
  let world: HeatMapWorld;
  beforeAll(async () => {
    world = await heatMapWorld(api);
  });

  it('shows the IG lead and the Caldicott Guardian each staff member’s reads by day, with the alert rules’ evidence', async () => {
    // Act
    const [asIg, asGuardian] = await Promise.all([heatMap(api, world.ig), heatMap(api, world.guardian)]);

    // Assess
    const today = londonDate(new Date());
    for (const result of [asIg, asGuardian]) {
      expectNoErrors(result);
      const map = result.data?.accessHeatMap;
      expect(map?.timeZone).toBe('Europe/London');
      expect(map?.days).toHaveLength(15);
      expect(map?.days.at(-1)).toBe(today);
      expect(map?.truncated).toBe(false);
      expect(cellOf(map, world.worker, today)).toMatchObject({
        reads: 2,
        offCaseload: 0,
        outOfHours: 0,
        denied: 0,
        actor: { roles: ['SUPPORT_WORKER'] },
      });
      expect(cellOf(map, world.worker, today)?.actor.displayName).toMatch(/^Staff staff-/);
      expect(cellOf(map, world.worker, londonDate(world.night))).toMatchObject({ reads: 1, outOfHours: 1 });
      expect(cellOf(map, world.senior, today)).toMatchObject({ reads: 1, offCaseload: 1 });
      expect(cellOf(map, world.stranger, today)).toMatchObject({ reads: 0, denied: 1 });
      expect(result.text).not.toContain(ADA.name);
    }
  });

  it('limits a service manager to their services’ clients, and takes a service to narrow to', async () => {
    // Act
    const [own, other, ownNamed, otherNamed, igNamed] = await Promise.all([
      heatMap(api, world.manager),
      heatMap(api, world.otherManager),
      heatMap(api, world.manager, { service: world.serviceId }),
      heatMap(api, world.manager, { service: world.otherService }),
      heatMap(api, world.ig, { service: world.otherService }),
    ]);

    // Assess
    const today = londonDate(new Date());
    expectNoErrors(own);
    expect(cellOf(own.data?.accessHeatMap, world.worker, today)).toMatchObject({ reads: 2 });
    expectNoErrors(ownNamed);
    expect(cellOf(ownNamed.data?.accessHeatMap, world.worker, today)).toMatchObject({ reads: 2 });
    expectNoErrors(other);
    expect(other.data?.accessHeatMap.cells).toEqual([]);
    expect(errorsOf(otherNamed)).toEqual([{ code: 'NOT_FOUND', path: ['accessHeatMap'] }]);
    expectNoErrors(igNamed);
    expect(igNamed.data?.accessHeatMap.cells).toEqual([]);
  });

  it('refuses a support worker and a service manager who manages no service, and records each refusal', async () => {
    // Act
    const [asWorker, asIdle] = await Promise.all([
      heatMap(api, world.worker),
      heatMap(api, world.idleManager),
    ]);

    // Assess
    expect(errorsOf(asWorker)).toEqual([{ code: 'FORBIDDEN', path: ['accessHeatMap'] }]);
    expect(errorsOf(asIdle)).toEqual([{ code: 'FORBIDDEN', path: ['accessHeatMap'] }]);
    for (const person of [world.worker, world.idleManager]) {
      const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), person.staffId);
      expect(
        events
          .filter((event) => event.operation === 'accessHeatMap')
          .map((event) => [event.action, event.outcome, event.rule]),
      ).toEqual([['DENIED', 'FORBIDDEN', 'monitoring.report']]);
    }
  });

  it('records each read of the heat-map with the reach it was allowed', async () => {
    // Prepare: an IG lead and a service manager who have not read it yet
    const [ig, manager] = await Promise.all([
      addStaff(api, world.org, ['IG_LEAD']),
      addStaff(api, world.org, ['SERVICE_MANAGER']),
    ]);
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
        { token: world.senior.token, variables: { s: world.otherService, m: manager.globalId } },
      ),
    );

    // Act
    expectNoErrors(await heatMap(api, ig));
    expectNoErrors(await heatMap(api, manager));

    // Assess
    const rules = async (person: Person) =>
      (await api.services.auditLog.byActor(tenantScope(world.org.orgId), person.staffId))
        .filter((event) => event.operation === 'accessHeatMap')
        .map((event) => [event.action, event.outcome, event.rule]);
    expect(await rules(ig)).toEqual([['READ', 'ALLOWED', 'report.org-wide']]);
    expect(await rules(manager)).toEqual([['READ', 'ALLOWED', 'report.own-services']]);
  });

  it('covers at most 31 days, and `from` not after `to`', async () => {
    // Prepare
    const now = Date.now();

    // Act
    const [tooLong, backwards, month] = await Promise.all([
      heatMap(api, world.ig, { from: new Date(Date.now() - 32 * DAY_MS).toISOString() }),
      heatMap(api, world.ig, {
        from: new Date().toISOString(),
        to: new Date(Date.now() - DAY_MS).toISOString(),
      }),
      heatMap(api, world.ig, {
        from: new Date(now - 31 * DAY_MS).toISOString(),
        to: new Date(now).toISOString(),
      }),
    ]);

    // Assess
    expect(errorsOf(tooLong)).toEqual([{ code: 'BAD_USER_INPUT', path: ['accessHeatMap'], field: ['from'] }]);
    expect(errorsOf(backwards)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['accessHeatMap'], field: ['from'] },
    ]);
    expectNoErrors(month);
    expect(month.data?.accessHeatMap.days.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses to draw more than 100 staff members with REPORT_TOO_LARGE, and draws 100', async () => {
    // Prepare: a past day on which 101 staff members each read one record
    const day = new Date(Date.now() - 20 * DAY_MS);
    day.setUTCHours(12, 0, 0, 0);
    const readBy = (staffId: string, index: number): AuditEvent => ({
      orgId: world.org.orgId,
      requestId: `crowd-${index}-${staffId}`,
      at: new Date(day.getTime() + index * 1000).toISOString(),
      actor: { kind: 'STAFF', id: staffId, roles: ['SUPPORT_WORKER'] },
      action: 'READ',
      operation: 'serviceUser',
      subjectId: localIdOf(world.clientA),
      fields: ['ServiceUser.name'],
      classifications: ['IDENTIFYING'],
      relationship: 'ALLOCATED',
      purpose: undefined,
      emergency: false,
      outcome: 'ALLOWED',
      rule: undefined,
    });
    const crowd = Array.from({ length: 101 }, () => newId('staff'));
    await api.services.auditLog.write(crowd.map(readBy));
    const window = {
      from: new Date(day.getTime() - 3_600_000).toISOString(),
      to: new Date(day.getTime() + 3_600_000).toISOString(),
    };

    // Act
    const tooMany = await heatMap(api, world.ig, window);
    const fewer = await heatMap(api, world.ig, {
      ...window,
      to: new Date(day.getTime() + 99_500).toISOString(),
    });

    // Assess
    expect(errorsOf(tooMany)).toEqual([{ code: 'REPORT_TOO_LARGE', path: ['accessHeatMap'] }]);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ limit: 100 });
    expectNoErrors(fewer);
    expect(fewer.data?.accessHeatMap.staffCount).toBe(100);
    expect(fewer.data?.accessHeatMap.cells.map((cell) => cell.staffId).sort()).toEqual(
      crowd
        .slice(0, 100)
        .map((id) => globalId('StaffMember', id))
        .sort(),
    );
  });
});
