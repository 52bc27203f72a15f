import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import {
  createService,
  errorsOf,
  localIdOf,
  type ServiceWorld,
  serviceWorld,
} from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Access at a glance by service (issue 19, "by staff member and day (or by service)"): `accessHeatMap(rows: SERVICE)`
 * counts accesses under the service of the client accessed, with the same need-to-know as the staff rows (a manager
 * sees only their services); and the heat-map's truncated path, reached with a small event cap (a service setting),
 * says so and counts only as many events as the cap.
 */

const HEAT_MAP = `query ($from: DateTime, $service: ID, $rows: AccessHeatMapRows) {
  accessHeatMap(from: $from, serviceId: $service, rows: $rows) {
    staffCount truncated eventLimit
    cells { staffId day reads offCaseload outOfHours denied }
    serviceCells { serviceId serviceName day reads offCaseload outOfHours denied }
  }
}`;

interface Counts {
  day: string;
  reads: number;
  offCaseload: number;
  outOfHours: number;
  denied: number;
}
interface HeatMap {
  staffCount: number;
  truncated: boolean;
  eventLimit: number;
  cells: (Counts & { staffId: string })[];
  serviceCells: (Counts & { serviceId: string; serviceName: string })[];
}

const api: TestApi = testApi();
/** The same stack, with a heat-map that counts at most three events. */
const CAP = 3;
const cappedApi: TestApi = testApi({ heatMapLimits: { heatMapEvents: CAP, heatMapServices: 100 } });
/** The same stack, with a heat-map that draws at most one service row. */
const oneServiceApi: TestApi = testApi({ heatMapLimits: { heatMapEvents: 20_000, heatMapServices: 1 } });

let world: ServiceWorld;
let otherManager: Person;
let ig: Person;
let otherService = '';
let from = '';

const heatMap = (token: string, variables: Record<string, unknown>, through: TestApi = api) =>
  through.graphql<{ accessHeatMap: HeatMap }>(HEAT_MAP, { token, variables: { from, ...variables } });

const total = (cells: readonly Counts[], key: keyof Omit<Counts, 'day'>) =>
  cells.reduce((sum, cell) => sum + cell[key], 0);

beforeAll(async () => {
  // Prepare: two services, a person in each read by their allocated worker, and a refusal in the first
  from = new Date(Date.now() - 60_000).toISOString();
  world = await serviceWorld(api);
  let worker: Person;
  let otherWorker: Person;
  let stranger: Person;
  [otherManager, ig, worker, otherWorker, stranger] = await Promise.all([
    addStaff(api, world.org, ['SERVICE_MANAGER']),
    addStaff(api, world.org, ['IG_LEAD']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
  ]);
  otherService = await createService(api, world, otherManager);
  const first = await registerServiceUser(api, world.manager, world.serviceId);
  const second = await registerServiceUser(api, otherManager, otherService);
  await allocate(api, world.manager, first, worker);
  await allocate(api, otherManager, second, otherWorker);
  const read = (person: Person, id: string) =>
    api.graphql('query ($id: ID!) { serviceUser(id: $id) { reference } }', {
      token: person.token,
      variables: { id },
    });
  expectNoErrors(await read(worker, first));
  expectNoErrors(await read(worker, first));
  expectNoErrors(await read(otherWorker, second));
  expect(errorsOf(await read(stranger, first))).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
});

describe('the heat-map by service', () => {
  it('counts each service’s accesses as its own staff rows add up, for the IG lead across the organisation', async () => {
    // Act
    const byService = await heatMap(ig.token, { rows: 'SERVICE' });
    const [firstStaff, secondStaff] = await Promise.all([
      heatMap(ig.token, { service: world.serviceId }),
      heatMap(ig.token, { service: otherService }),
    ]);

    // Assess: one row per service, each the sum of that service's staff rows; no staff rows with SERVICE
    expectNoErrors(byService);
    const map = byService.data?.accessHeatMap;
    expect(map?.cells).toEqual([]);
    const rowsOf = (serviceId: string) =>
      map?.serviceCells.filter((cell) => cell.serviceId === serviceId) ?? [];
    expect(new Set(map?.serviceCells.map((cell) => cell.serviceId))).toEqual(
      new Set([world.serviceId, otherService]),
    );
    expect(rowsOf(otherService).map((cell) => cell.serviceName)).toContain('Community outreach');
    for (const [serviceId, staffRows] of [
      [world.serviceId, firstStaff],
      [otherService, secondStaff],
    ] as const) {
      const staffCells = staffRows.data?.accessHeatMap.cells ?? [];
      for (const key of ['reads', 'offCaseload', 'outOfHours', 'denied'] as const) {
        expect(total(rowsOf(serviceId), key), `${serviceId} ${key}`).toBe(total(staffCells, key));
      }
    }
    // The stranger's refusal is the first service's, and the workers' reads are counted under their person's service.
    expect(total(rowsOf(world.serviceId), 'denied')).toBe(1);
    expect(total(rowsOf(world.serviceId), 'reads')).toBeGreaterThanOrEqual(2);
    expect(total(rowsOf(otherService), 'reads')).toBeGreaterThanOrEqual(1);
  });

  it('shows a manager only the services they manage', async () => {
    // Act
    const result = await heatMap(otherManager.token, { rows: 'SERVICE' });

    // Assess
    expectNoErrors(result);
    const services = new Set(result.data?.accessHeatMap.serviceCells.map((cell) => cell.serviceId));
    expect(services).toEqual(new Set([otherService]));
  });
});

describe('the heat-map by service over its row limit', () => {
  it('refuses to draw more services than it may with REPORT_TOO_LARGE, and draws one service narrowed to it', async () => {
    // Act: the organisation's two services through an api that draws at most one, then narrowed to one
    const [tooMany, narrowed] = await Promise.all([
      heatMap(ig.token, { rows: 'SERVICE' }, oneServiceApi),
      heatMap(ig.token, { rows: 'SERVICE', service: otherService }, oneServiceApi),
    ]);

    // Assess
    expect(errorsOf(tooMany)).toEqual([{ code: 'REPORT_TOO_LARGE', path: ['accessHeatMap'] }]);
    expectNoErrors(narrowed);
    expect(new Set(narrowed.data?.accessHeatMap.serviceCells.map((cell) => cell.serviceId))).toEqual(
      new Set([otherService]),
    );
  });
});

/**
 * The keys of every item `through`'s DynamoDB client reads by key (GetItem, BatchGetItem) while `act` runs, as
 * `pk|sk`. Nothing else may use that api meanwhile.
 */
async function keysReadBy(through: TestApi, act: () => Promise<unknown>): Promise<string[]> {
  const keys: string[] = [];
  const name = `countKeyReads-${Math.random().toString(16).slice(2)}`;
  through.services.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        Key?: Record<string, { S?: string }>;
        RequestItems?: Record<string, { Keys?: Record<string, { S?: string }>[] }>;
      };
      const read = (key: Record<string, { S?: string }>) => keys.push(`${key.pk?.S}|${key.sk?.S}`);
      if (context.commandName === 'GetItemCommand' && input.Key) read(input.Key);
      if (context.commandName === 'BatchGetItemCommand') {
        for (const request of Object.values(input.RequestItems ?? {}))
          for (const key of request.Keys ?? []) read(key);
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await act();
  } finally {
    through.services.dynamo.middlewareStack.remove(name);
  }
  return keys;
}

describe('the heat-map by service refused over its row limit', () => {
  it('reads no service for its name: the limit is checked on the counted rows first', async () => {
    // Prepare: the service items a named row would read
    const scope = tenantScope(world.org.orgId);
    const serviceItems = [world.serviceId, otherService].map(
      (id) => `${scope.key('SERVICE', localIdOf(id))}|PROFILE`,
    );
    let tooMany: Awaited<ReturnType<typeof heatMap>> | undefined;

    // Act
    const keys = await keysReadBy(oneServiceApi, async () => {
      tooMany = await heatMap(ig.token, { rows: 'SERVICE' }, oneServiceApi);
    });

    // Assess: refused, with the people's records read (their services count the rows), and no service item
    expect(tooMany && errorsOf(tooMany)).toEqual([{ code: 'REPORT_TOO_LARGE', path: ['accessHeatMap'] }]);
    expect(keys.some((key) => key.includes('#CLIENT#'))).toBe(true);
    expect(keys.filter((key) => serviceItems.includes(key))).toEqual([]);
  });
});

describe('the heat-map over its event cap', () => {
  it('says it is truncated and counts only the newest events up to the cap', async () => {
    // Act: the same window through an api that counts at most CAP events, and through the default one
    const [capped, whole] = await Promise.all([heatMap(ig.token, {}, cappedApi), heatMap(ig.token, {})]);

    // Assess
    expectNoErrors(capped);
    expectNoErrors(whole);
    const cut = capped.data?.accessHeatMap;
    const full = whole.data?.accessHeatMap;
    expect(full?.truncated).toBe(false);
    expect(full?.eventLimit).toBe(20_000);
    expect(cut?.truncated).toBe(true);
    expect(cut?.eventLimit).toBe(CAP);
    // At most CAP events were counted (an event counts at most once as a read, a refusal or both with out of hours).
    const counted = total(cut?.cells ?? [], 'reads') + total(cut?.cells ?? [], 'denied');
    expect(counted).toBeLessThanOrEqual(CAP);
    expect(total(full?.cells ?? [], 'reads') + total(full?.cells ?? [], 'denied')).toBeGreaterThan(counted);
  });
});
