import type { NoteKind, OrgId } from '@confide/domain';
import { CaseNotes, tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { createService, errorsOf, seedClients, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Aggregate reports for funders and the IG group (issue 8; DATA-PROTECTION.md "Aggregated / anonymised reports"):
 * counts by service, month and category with no cell below 5 shown and every published number rounded to 5 on
 * its own. A cell whose true count is 1–4 comes back suppressed, and no pair of reports — overlapping periods,
 * a total and its parts — recovers it: a twin organisation whose counts differ only in those cells publishes
 * exactly the same numbers in every report.
 */

const REPORT = `query ($m: AggregateMeasure!, $from: String!, $to: String!) {
  aggregateReport(measure: $m, fromMonth: $from, toMonth: $to) {
    measure fromMonth toMonth suppressionThreshold roundingBase
    cells { serviceName month category count suppressed }
    byService { serviceName count suppressed }
    byMonth { month count suppressed }
    byCategory { category count suppressed }
    total { count suppressed }
  }
}`;

interface Count {
  serviceName?: string | null;
  month?: string | null;
  category?: string | null;
  count: number | null;
  suppressed: boolean;
}
interface Report {
  measure: string;
  suppressionThreshold: number;
  roundingBase: number;
  cells: Count[];
  byService: Count[];
  byMonth: Count[];
  byCategory: Count[];
  total: Count;
}

const monthOf = (date: Date) => date.toISOString().slice(0, 7);
const now = new Date();
const current = monthOf(now);
const previousDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 10 * 24 * 3_600_000);
const previous = monthOf(previousDate);

/** True note counts per service (by name) and month. */
type Truth = Record<string, Record<string, Partial<Record<NoteKind, number>>>>;

const TRUTH: Truth = {
  'Supported living north': {
    [previous]: { DAILY_SUPPORT: 7, FINANCE: 1 },
    [current]: { DAILY_SUPPORT: 12, MEDICAL: 3 },
  },
  'Community outreach': { [current]: { DAILY_SUPPORT: 6 } },
};

/** The same organisation with the two small cells changed (MEDICAL 3 → 4, FINANCE 1 → 2). */
const TWIN: Truth = {
  'Supported living north': {
    [previous]: { DAILY_SUPPORT: 7, FINANCE: 2 },
    [current]: { DAILY_SUPPORT: 12, MEDICAL: 4 },
  },
  'Community outreach': { [current]: { DAILY_SUPPORT: 6 } },
};

interface AggregateWorld {
  readonly orgId: OrgId;
  readonly ig: Person;
  readonly manager: Person;
  readonly worker: Person;
}

/** An organisation with two services whose notes are exactly `truth`, seeded at a time in each month. */
async function aggregateWorld(api: TestApi, truth: Truth): Promise<AggregateWorld> {
  const world = await serviceWorld(api);
  const otherManager = await addStaff(api, world.org, ['SERVICE_MANAGER']);
  const outreach = await createService(api, world, otherManager);
  const [ig, worker] = await Promise.all([
    addStaff(api, world.org, ['IG_LEAD']),
    addStaff(api, world.org, ['SUPPORT_WORKER']),
  ]);
  const scope = tenantScope(world.org.orgId);
  for (const [name, serviceId] of [
    ['Supported living north', world.serviceId],
    ['Community outreach', outreach],
  ] as const) {
    const [client] = await seedClients(api, world.org.orgId, serviceId, 1);
    const key = await api.services.keys.subjectKey(world.org.orgId, client?.clientId ?? '');
    if (!client || !key) throw new Error('Seeding failed');
    for (const [month, kinds] of Object.entries(truth[name] ?? {})) {
      const at = month === current ? now : previousDate;
      const notes = new CaseNotes(api.services.dynamo, api.services.config.tables.data, { now: () => at });
      for (const [kind, count] of Object.entries(kinds)) {
        for (let index = 0; index < count; index++) {
          await notes.record(scope, client.clientId, key, {
            kind: kind as NoteKind,
            body: `Note ${index}`,
            authorId: worker.staffId,
          });
        }
      }
    }
  }
  return { orgId: world.org.orgId, ig, manager: world.manager, worker };
}

async function report(api: TestApi, person: Person, from: string, to: string, measure = 'NOTES_RECORDED') {
  const result = await api.graphql<{ aggregateReport: Report }>(REPORT, {
    token: person.token,
    variables: { m: measure, from, to },
  });
  expectNoErrors(result);
  return result.data?.aggregateReport as Report;
}

const cell = (r: Report, service: string, month: string, category: string) =>
  r.cells.find((c) => c.serviceName === service && c.month === month && c.category === category);

describe('aggregateReport', () => {
  const api = testApi();
  let real: AggregateWorld;
  let twin: AggregateWorld;
  beforeAll(async () => {
    [real, twin] = await Promise.all([aggregateWorld(api, TRUTH), aggregateWorld(api, TWIN)]);
  });

  it('suppresses a cell of 1–4 (and zeros), rounds the rest to 5, and controls every total on its own', async () => {
    // Act
    const r = await report(api, real.ig, previous, current);

    // Assess
    expect(r).toMatchObject({ measure: 'NOTES_RECORDED', suppressionThreshold: 5, roundingBase: 5 });
    expect(cell(r, 'Supported living north', current, 'MEDICAL')).toMatchObject({
      count: null,
      suppressed: true,
    });
    expect(cell(r, 'Supported living north', previous, 'FINANCE')).toMatchObject({
      count: null,
      suppressed: true,
    });
    expect(cell(r, 'Supported living north', previous, 'ASSESSMENT')).toMatchObject({
      count: null,
      suppressed: true,
    });
    expect(cell(r, 'Supported living north', current, 'DAILY_SUPPORT')).toMatchObject({
      count: 10,
      suppressed: false,
    });
    expect(cell(r, 'Supported living north', previous, 'DAILY_SUPPORT')).toMatchObject({ count: 5 });
    expect(cell(r, 'Community outreach', current, 'DAILY_SUPPORT')).toMatchObject({ count: 5 });
    // Every combination is present, so a row's presence says nothing.
    expect(r.cells).toHaveLength(2 * 2 * 9);
    // Totals: north 23 → 25; months 8 → 10 and 21 → 20; grand 29 → 30 — rounded, never summed from cells.
    expect(r.byService.map((c) => [c.serviceName, c.count])).toEqual([
      ['Community outreach', 5],
      ['Supported living north', 25],
    ]);
    expect(r.byMonth.map((c) => [c.month, c.count])).toEqual([
      [previous, 10],
      [current, 20],
    ]);
    expect(r.byCategory.find((c) => c.category === 'MEDICAL')).toMatchObject({
      count: null,
      suppressed: true,
    });
    expect(r.total).toMatchObject({ count: 30, suppressed: false });
    // Every published count is a multiple of 5 and at least 5.
    const published = [...r.cells, ...r.byService, ...r.byMonth, ...r.byCategory, r.total];
    expect(
      published.every((c) =>
        c.suppressed ? c.count === null : (c.count ?? 0) >= 5 && (c.count ?? 0) % 5 === 0,
      ),
    ).toBe(true);
  });

  it('cannot be differenced: every report over overlapping periods is identical for a twin whose small cells differ', async () => {
    // Act: the single months, and the two months together, for both organisations
    const periods = [
      [previous, previous],
      [current, current],
      [previous, current],
    ] as const;
    const reports = await Promise.all(
      periods.flatMap(([from, to]) => [report(api, real.ig, from, to), report(api, twin.ig, from, to)]),
    );

    // Assess: same published numbers although north's MEDICAL (3 vs 4) and FINANCE (1 vs 2) differ, so no
    // subtraction of a total and its parts, or of overlapping periods, can tell which is true.
    for (let index = 0; index < reports.length; index += 2) {
      expect(reports[index + 1]).toEqual(reports[index]);
    }
    // The differencing an attacker would try, spelled out: the current month's north total minus its published
    // parts leaves an interval, not a value.
    const cur = reports[2] as Report;
    const northTotal = cur.byService.find((c) => c.serviceName === 'Supported living north')?.count ?? 0;
    const northParts = cur.cells.filter((c) => c.serviceName === 'Supported living north' && !c.suppressed);
    const known = northParts.reduce((sum, c) => sum + (c.count ?? 0), 0);
    const otherSuppressed = 9 - northParts.length - 1;
    // total ∈ [T−2, T+2]; each published part within ±2; every other suppressed cell 0–4.
    const lowest = northTotal - 2 - (known + 2 * northParts.length) - 4 * otherSuppressed;
    const highest = northTotal + 2 - (known - 2 * northParts.length);
    const candidates = [1, 2, 3, 4].filter((medical) => medical >= lowest && medical <= highest);
    expect(candidates.length).toBeGreaterThan(1);
  });

  it('shows a service manager their own services only, and refuses a support worker', async () => {
    // Act
    const [asManager, asWorker] = await Promise.all([
      report(api, real.manager, current, current),
      api.graphql(REPORT, {
        token: real.worker.token,
        variables: { m: 'NOTES_RECORDED', from: current, to: current },
      }),
    ]);

    // Assess
    expect(asManager.byService.map((c) => c.serviceName)).toEqual(['Supported living north']);
    expect(new Set(asManager.cells.map((c) => c.serviceName))).toEqual(new Set(['Supported living north']));
    expect(errorsOf(asWorker)).toEqual([{ code: 'FORBIDDEN', path: ['aggregateReport'] }]);
  });

  it('counts disclosures by outcome with the same control, and refuses periods over 12 months', async () => {
    // Prepare: six releases about north's client recorded in the audit, as the disclosure log records them
    const subjectId = await firstNorthClient(api, real);
    for (let index = 0; index < 6; index++) {
      await api.services.auditLog.write([
        {
          orgId: real.orgId,
          requestId: `release-${index}`,
          at: new Date().toISOString(),
          actor: { kind: 'STAFF', id: real.manager.staffId, roles: ['SERVICE_MANAGER'] },
          action: 'WRITE',
          operation: 'releaseDisclosure',
          subjectId,
          fields: [],
          classifications: ['CONSENT'],
          relationship: 'MANAGES_SERVICE',
          purpose: undefined,
          emergency: false,
          outcome: 'ALLOWED',
          rule: 'disclosure.released.CONSENT',
        },
      ]);
    }

    // Act
    const disclosures = await report(api, real.ig, current, current, 'DISCLOSURES');
    const tooLong = await api.graphql(REPORT, {
      token: real.ig.token,
      variables: { m: 'NOTES_RECORDED', from: '2024-01', to: '2025-01' },
    });

    // Assess
    expect(cell(disclosures, 'Supported living north', current, 'RELEASED')).toMatchObject({ count: 5 });
    expect(cell(disclosures, 'Supported living north', current, 'REFUSED')).toMatchObject({
      suppressed: true,
    });
    expect(disclosures.total).toMatchObject({ count: 5 });
    expect(errorsOf(tooLong)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['aggregateReport'], field: ['toMonth'] },
    ]);
  });
});

/** North's seeded client (the only client of the organisation's first service). */
async function firstNorthClient(api: TestApi, world: AggregateWorld): Promise<string> {
  const scope = tenantScope(world.orgId);
  const services = await api.services.careServices.list(scope);
  const north = services.find((service) => service.name === 'Supported living north');
  const { ids } = await api.services.serviceUsers.idsByService(scope, north?.serviceId ?? '', { limit: 1 });
  return ids[0] ?? '';
}
