import { reportReach } from '@confide/access';
import { isIdOf, validate } from '@confide/domain';
import type { StoredAuditEvent, TenantScope } from '@confide/store';
import type { Operation } from '../../access/operation-plugin';
import type { builder } from '../../builder';
import type { ConfideContext } from '../../context';

/**
 * What every monitoring report shares: how far the caller's report reaches (decided by its policy in
 * `@confide/access`, see `policies/governance.ts`), the report window, and what counts as a disclosure made.
 * Everything here returns references, counts and plain words — never the personal data itself.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The most events one report reads; beyond it the report says it is truncated. */
export const MAX_REPORT_EVENTS = 5000;
/** The longest window a day-index report covers (one query per day shard). */
export const MAX_DAY_INDEX_DAYS = 92;
/** Their default window. */
export const DAY_INDEX_DEFAULT_DAYS = 7;

// ── Who sees what ─────────────────────────────────────────────────────────────────────────────────────────

/** All services, or the services the caller manages. */
export interface ReportScope {
  readonly all: boolean;
  readonly serviceIds: ReadonlySet<string>;
}

export const ORG_WIDE: ReportScope = { all: true, serviceIds: new Set() };

/**
 * How far the caller's report reaches, as its policy decided: `report.org-wide` (IG lead, Caldicott Guardian…),
 * or `report.own-services` narrowed to the services the caller manages (the links on their own staff item).
 */
export function reachOf(operation: Operation, context: ConfideContext): ReportScope {
  switch (reportReach(operation.decision)) {
    case 'ORG_WIDE':
      return ORG_WIDE;
    case 'OWN_SERVICES':
      return { all: false, serviceIds: context.auth?.staff?.serviceLinks.manages ?? new Set() };
    default:
      throw new Error(`${operation.name} was not decided as a report`);
  }
}

/** The service of each client among the events' subjects (batched through the request's loader). */
export async function servicesOfSubjects(
  context: ConfideContext,
  tenant: TenantScope,
  events: readonly StoredAuditEvent[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(
      events
        .map((event) => event.subjectId)
        .filter((id): id is string => id !== undefined && isIdOf('serviceUser', id)),
    ),
  ];
  const clients = await context.services.serviceUsers.getMany(tenant, ids, context.access.loader);
  return new Map(clients.map((client) => [client.clientId, client.serviceId]));
}

/** The events a report may show: all of them, or for a service manager those about their services' clients. */
export async function withinScope(
  context: ConfideContext,
  tenant: TenantScope,
  scope: ReportScope,
  events: readonly StoredAuditEvent[],
): Promise<StoredAuditEvent[]> {
  if (scope.all) return [...events];
  const serviceOf = await servicesOfSubjects(context, tenant, events);
  return events.filter(
    (event) => event.subjectId !== undefined && scope.serviceIds.has(serviceOf.get(event.subjectId) ?? ''),
  );
}

// ── Report windows ───────────────────────────────────────────────────────────────────────────────────────

export interface Period {
  readonly from: string;
  readonly to: string;
}

/** A report window: default the last `defaultDays` days; `from` not after `to`; at most `maxDays`. */
export function periodOf(
  context: ConfideContext,
  from: Date | null | undefined,
  to: Date | null | undefined,
  maxDays: number,
  path: readonly string[] = [],
  defaultDays = 30,
): Period {
  const end = to ?? context.services.clock.now();
  const start = from ?? new Date(end.getTime() - defaultDays * DAY_MS);
  if (start.getTime() > end.getTime()) {
    throw validate.badInputError([...path, 'from'], '`from` must not be after `to`.');
  }
  if (end.getTime() - start.getTime() > maxDays * DAY_MS) {
    throw validate.badInputError([...path, 'from'], `A report covers at most ${maxDays} days.`);
  }
  return { from: start.toISOString(), to: end.toISOString() };
}

export const periodArgs = (
  t: Parameters<Parameters<typeof builder.queryFields>[0]>[0],
  defaultDays = 30,
) => ({
  from: t.arg({
    type: 'DateTime',
    required: false,
    description: `From this instant (default: ${defaultDays} days before \`to\`).`,
  }),
  to: t.arg({ type: 'DateTime', required: false, description: 'Up to this instant (default: now).' }),
});

// ── Disclosures ──────────────────────────────────────────────────────────────────────────────────────────

/** Releases and exceptional disclosures: by action, or by the operation or rule the disclosure work records. */
const DISCLOSURE_OPERATIONS = new Set(['releaseDisclosure', 'recordExceptionalDisclosure']);
export function disclosureOutcome(
  event: StoredAuditEvent,
): 'RELEASED' | 'EXCEPTIONAL' | 'REFUSED' | undefined {
  // Reading the fields a disclosure mutation returns is filed under its operation too: only the write counts.
  if (event.outcome !== 'ALLOWED' || event.action === 'READ') return undefined;
  const rule = event.rule ?? '';
  if (rule.startsWith('disclosure.exceptional') || event.operation === 'recordExceptionalDisclosure') {
    return 'EXCEPTIONAL';
  }
  if (rule === 'disclosure.refused') return 'REFUSED';
  if (
    event.action === 'DISCLOSURE' ||
    rule.startsWith('disclosure.released') ||
    DISCLOSURE_OPERATIONS.has(event.operation)
  ) {
    return 'RELEASED';
  }
  return undefined;
}

export const isDisclosureMade = (event: StoredAuditEvent) => {
  const outcome = disclosureOutcome(event);
  return outcome === 'RELEASED' || outcome === 'EXCEPTIONAL';
};
