import { type ScheduledCase, scheduleCursor, staffScheduleCursor } from '@confide/store';
import { builder } from '../../builder';
import { StaffEmploymentRef } from '../staff';
import { listPositions, openedCursor } from '../store-paging';
import { ExpiryPrecisionEnum, RetentionBasisEnum, shownExpiry } from './client-retention';

const ScheduledExpiryRef = builder.objectRef<ScheduledCase>('ScheduledExpiry');
ScheduledExpiryRef.implement({
  description: 'A closed case and when all its records expire. Pseudonymous: no name or detail.',
  fields: (t) => ({
    serviceUserId: t.globalID({
      description: 'The person (pseudonymous id).',
      resolve: (c) => ({ type: 'ServiceUser', id: c.clientId }),
    }),
    reference: t.string({ description: 'The pseudonymous case reference.', resolve: (c) => c.reference }),
    serviceId: t.globalID({
      description: 'The service.',
      resolve: (c) => ({ type: 'Service', id: c.serviceId }),
    }),
    closedAt: t.field({ type: 'DateTime', description: 'When the case closed.', resolve: (c) => c.closedAt }),
    // The schedule is pseudonymous: its readers may not read a date of birth, so a CHILD_AGE expiry shows its year.
    expiresAt: t.field({
      type: 'DateTime',
      description:
        'When every record of the case expires; for a CHILD_AGE expiry, 1 January of its year (`expiresAtPrecision`), since the day would give away the date of birth.',
      resolve: (c) => shownExpiry(new Date(c.expiresAt * 1000), c.basis, false).expiresAt,
    }),
    expiresAtPrecision: t.field({
      type: ExpiryPrecisionEnum,
      description: 'How exactly `expiresAt` is shown.',
      resolve: (c) => shownExpiry(new Date(c.expiresAt * 1000), c.basis, false).precision,
    }),
    basis: t.field({
      type: RetentionBasisEnum,
      description: 'The rule that set the date.',
      resolve: (c) => c.basis,
    }),
  }),
});

function pageArgs(args: { first?: number | null; after?: string | null }) {
  return { limit: Math.min(Math.max(args.first ?? 50, 1), 100), after: args.after ?? undefined };
}

function pageInfo<T extends { cursor: string }>(
  edges: readonly T[],
  next: string | undefined,
  after: unknown,
) {
  return {
    hasNextPage: next !== undefined,
    hasPreviousPage: after != null,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
}

builder.queryFields((t) => ({
  retentionSchedule: t.connection({
    type: ScheduledExpiryRef,
    description:
      'What expires when: the organisation’s closed, unheld cases in expiry order, a CHILD_AGE expiry placed at the start of its year as it is shown (IG_LEAD). Held cases are listed by `legalHolds`, former staff by `staffRetentionSchedule`; access audit events each expire `auditYears` after they were written (under the rule in force then).',
    operation: { policy: 'retention.schedule', audit: 'after' },
    resolve: async (operation, args, context) => {
      // Sealed: the store's cursor holds a case's exact expiry, a child's being their birthday at the child age,
      // which the IG lead is shown to the year only.
      const positions = await listPositions(context, 'retentionSchedule');
      const after = openedCursor(positions, args.after);
      const page = await context.services.retention.scheduled(operation.scope, { ...pageArgs(args), after });
      // A person the caller is declared connected to is left out (decision 0007); the page may hold fewer.
      const cases = await context.access.withoutConflicts(page.cases, (entry) => entry.clientId);
      const edges = cases.map((node) => ({ node, cursor: positions.seal(scheduleCursor(node)) }));
      return { edges, pageInfo: pageInfo(edges, page.next, args.after) };
    },
  }),
  staffRetentionSchedule: t.connection({
    type: StaffEmploymentRef,
    description:
      'What expires when among former staff: whose employment ended, and when all their records expire, in expiry order (IG_LEAD). Pseudonymous: staff ids only.',
    operation: { policy: 'retention.schedule', audit: 'after' },
    resolve: async (operation, args, context) => {
      const page = await context.services.staffRetention.scheduled(operation.scope, pageArgs(args));
      const edges = page.schedules.map((node) => ({ node, cursor: staffScheduleCursor(node) }));
      return { edges, pageInfo: pageInfo(edges, page.next, args.after) };
    },
  }),
}));
