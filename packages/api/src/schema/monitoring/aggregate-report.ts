import { NOTE_KIND_NAMES, validate } from '@confide/domain';
import { builder } from '../../builder';
import {
  type AggregateGrid,
  cellKey,
  monthBounds,
  monthsBetween,
  type PublishedCell,
  publishAggregate,
  ROUNDING_BASE,
  SUPPRESSION_THRESHOLD,
} from '../../monitoring/disclosure-control';
import { disclosureOutcome, reachOf, servicesOfSubjects } from './scope';

// ── Aggregate reports (small-number suppression and rounding) ────────────────────────────────────────────

const AggregateMeasureEnum = builder.enumType('AggregateMeasure', {
  description:
    'What an aggregate report counts: NOTES_RECORDED by note kind, or DISCLOSURES by outcome (RELEASED, EXCEPTIONAL, REFUSED).',
  values: ['NOTES_RECORDED', 'DISCLOSURES'] as const,
});

const DISCLOSURE_CATEGORIES = ['RELEASED', 'EXCEPTIONAL', 'REFUSED'] as const;

const AggregateCountRef = builder.objectRef<PublishedCell>('AggregateCount');
AggregateCountRef.implement({
  description:
    'One published number: a cell (service × month × category) or a total (a null dimension means “all”). Below 5 it is suppressed (count null); otherwise rounded to the nearest 5. Totals are controlled on their own, never summed from published cells.',
  fields: (t) => ({
    serviceId: t.id({
      nullable: true,
      description: 'The service.',
      deprecationReason: 'A raw id next to global ones (issue 19): use `serviceGlobalId`.',
      resolve: (c) => c.serviceId ?? null,
    }),
    serviceGlobalId: t.globalID({
      nullable: true,
      description: 'The service; null for a total over all services.',
      resolve: (c) => (c.serviceId ? { type: 'Service', id: c.serviceId } : null),
    }),
    serviceName: t.string({
      nullable: true,
      description: 'The service’s name.',
      resolve: (c) => c.serviceName ?? null,
    }),
    month: t.string({ nullable: true, description: 'YYYY-MM.', resolve: (c) => c.month ?? null }),
    category: t.string({
      nullable: true,
      description: 'Note kind or disclosure outcome.',
      resolve: (c) => c.category ?? null,
    }),
    count: t.int({
      nullable: true,
      description: 'Rounded to 5; null when suppressed.',
      resolve: (c) => c.count,
    }),
    suppressed: t.boolean({
      description: 'True when the true count is below 5.',
      resolve: (c) => c.suppressed,
    }),
  }),
});

interface AggregateView {
  readonly measure: string;
  readonly fromMonth: string;
  readonly toMonth: string;
  readonly published: ReturnType<typeof publishAggregate>;
}

const AggregateReportRef = builder.objectRef<AggregateView>('AggregateReport');
AggregateReportRef.implement({
  description:
    'Counts by service, month and category for funders and the IG group, with small-number suppression and rounding so that no pair of reports — overlapping periods, a total and its parts — recovers a suppressed cell. No identifying field is reachable.',
  fields: (t) => ({
    measure: t.field({
      type: AggregateMeasureEnum,
      description: 'What is counted.',
      resolve: (r) => r.measure as never,
    }),
    fromMonth: t.exposeString('fromMonth', { description: 'First month, YYYY-MM.' }),
    toMonth: t.exposeString('toMonth', { description: 'Last month, YYYY-MM.' }),
    suppressionThreshold: t.int({
      description: 'Counts below this are suppressed.',
      resolve: () => SUPPRESSION_THRESHOLD,
    }),
    roundingBase: t.int({
      description: 'Published counts are rounded to this.',
      resolve: () => ROUNDING_BASE,
    }),
    cells: t.field({
      type: [AggregateCountRef],
      description: 'Service × month × category.',
      resolve: (r) => [...r.published.cells],
    }),
    byService: t.field({
      type: [AggregateCountRef],
      description: 'Per service, over all months and categories.',
      resolve: (r) => [...r.published.byService],
    }),
    byMonth: t.field({
      type: [AggregateCountRef],
      description: 'Per month.',
      resolve: (r) => [...r.published.byMonth],
    }),
    byCategory: t.field({
      type: [AggregateCountRef],
      description: 'Per category.',
      resolve: (r) => [...r.published.byCategory],
    }),
    total: t.field({
      type: AggregateCountRef,
      description: 'Grand total.',
      resolve: (r) => r.published.total,
    }),
  }),
});

async function inBatches<T>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

builder.queryFields((t) => ({
  aggregateReport: t.field({
    type: AggregateReportRef,
    description:
      'Aggregate counts for funders and the IG group over whole calendar months (at most 12): IG_LEAD, CALDICOTT_GUARDIAN, SENIOR_MANAGER, CHIEF_EXECUTIVE for every service; a SERVICE_MANAGER for theirs.',
    args: {
      measure: t.arg({ type: AggregateMeasureEnum, required: true, description: 'What to count.' }),
      fromMonth: t.arg.string({ required: true, description: 'First month, YYYY-MM.' }),
      toMonth: t.arg.string({ required: true, description: 'Last month, YYYY-MM.' }),
    },
    operation: { policy: 'monitoring.aggregate-report', audit: 'after' },
    resolve: async (operation, args, context) => {
      const scope = reachOf(operation, context);
      const months = monthsBetween(args.fromMonth, args.toMonth);
      if (!months)
        throw validate.badInputError(['fromMonth'], 'Give months as YYYY-MM, fromMonth not after toMonth.');
      if (months.length > 12) throw validate.badInputError(['toMonth'], 'A report covers at most 12 months.');
      const tenant = operation.scope;
      const services = (await context.services.careServices.list(tenant))
        .filter((service) => scope.all || scope.serviceIds.has(service.serviceId))
        .sort((a, b) => a.name.localeCompare(b.name) || a.serviceId.localeCompare(b.serviceId));
      const start = monthBounds(months[0] as string).start;
      const end = monthBounds(months.at(-1) as string).end;
      const counts = new Map<string, number>();
      const add = (serviceId: string, at: string, category: string) => {
        if (at < start || at >= end) return;
        const key = cellKey(serviceId, at.slice(0, 7), category);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      };
      let categories: string[];
      if (args.measure === 'NOTES_RECORDED') {
        categories = [...NOTE_KIND_NAMES];
        for (const service of services) {
          const clientIds: string[] = [];
          let after: string | undefined;
          do {
            const page = await context.services.serviceUsers.idsByService(tenant, service.serviceId, {
              limit: 500,
              after,
            });
            clientIds.push(...page.ids);
            after = page.next;
          } while (after);
          await inBatches(clientIds, 16, async (clientId) => {
            for (const note of await context.services.monitoring.noteTallies(tenant, clientId)) {
              add(service.serviceId, note.recordedAt, note.kind);
            }
          });
        }
      } else {
        categories = [...DISCLOSURE_CATEGORIES];
        const { events } = await context.services.auditLog.inPeriod(tenant, {
          from: start,
          to: new Date(Date.parse(end) - 1).toISOString(),
          limit: 100_000,
        });
        const disclosures = events.filter((event) => disclosureOutcome(event) !== undefined);
        const serviceOf = await servicesOfSubjects(context, tenant, disclosures);
        for (const event of disclosures) {
          const serviceId = event.subjectId ? serviceOf.get(event.subjectId) : undefined;
          if (serviceId) add(serviceId, event.at, disclosureOutcome(event) as string);
        }
      }
      const grid: AggregateGrid = {
        services: services.map((service) => ({ id: service.serviceId, name: service.name })),
        months,
        categories,
        counts,
      };
      return {
        measure: args.measure,
        fromMonth: args.fromMonth,
        toMonth: args.toMonth,
        published: publishAggregate({
          ...grid,
          services: grid.services.map((service) => ({
            id: Buffer.from(`Service:${service.id}`, 'utf8').toString('base64'),
            name: service.name,
          })),
          counts: new Map(
            [...counts].map(([key, value]) => {
              const [serviceId, ...rest] = key.split('|');
              return [
                [Buffer.from(`Service:${serviceId}`, 'utf8').toString('base64'), ...rest].join('|'),
                value,
              ];
            }),
          ),
        }),
      };
    },
  }),
}));
