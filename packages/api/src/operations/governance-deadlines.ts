import { localDate } from '@confide/domain';
import { SUBJECT_ACCESS_WARNING_DAYS, type TenantScope, tenantScope } from '@confide/store';
import type { ConfideServices } from '../services';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one check raised: how many notifications went into the outbox (each once, however often it runs). */
export interface DeadlineCheck {
  readonly breachesOverdue: number;
  readonly subjectAccessDueSoon: number;
}

/**
 * Tells the organisation's governance contacts of the deadlines the policies set (decision 0035): a breach not
 * assessed as unreportable and not yet notified to the regulator past its 72-hour clock, and an open subject
 * access request from {@link SUBJECT_ACCESS_WARNING_DAYS} days before its one-month deadline (or past it), counted in
 * the organisation's calendar: from its local date, in its monitoring time zone, not the UTC date. Runs
 * every hour in AWS (the deadlines function) and on every local sweep; the outbox keeps one notification per
 * item, so a repeated check raises nothing new.
 */
export async function notifyDueDeadlines(
  services: ConfideServices,
  scope: TenantScope,
): Promise<DeadlineCheck> {
  const at = services.clock.now();
  const now = at.getTime();
  let breachesOverdue = 0;
  let subjectAccessDueSoon = 0;
  for (const breach of await services.breaches.list(scope)) {
    const open = breach.reportable !== false && breach.regulatorNotifiedAt === undefined;
    if (open && Date.parse(breach.regulatorDeadline) <= now) {
      if (await services.notifications.notify(scope, 'BREACH_OVERDUE', breach.breachId)) breachesOverdue += 1;
    }
  }
  // As stored: the deadlines function may use no organisation key (decision 0134). The settings item is plain.
  const requests = await services.subjectAccess.deadlinesAsStored(scope);
  const { timeZone } = (await services.monitoring.settings(scope)).settings.workingHours;
  const today = localDate(at, timeZone);
  for (const request of requests) {
    const deadline = Date.parse(request.deadline);
    // Read unverified: one item that is no date is passed over, not the organisation's other requests.
    if (request.status !== 'OPEN' || Number.isNaN(deadline)) continue;
    // Calendar dates, counted back at UTC midnight, where no clock change adds or takes an hour.
    const warnFrom = new Date(deadline - SUBJECT_ACCESS_WARNING_DAYS * DAY_MS).toISOString().slice(0, 10);
    if (warnFrom <= today) {
      if (await services.notifications.notify(scope, 'SUBJECT_ACCESS_DUE_SOON', request.requestId)) {
        subjectAccessDueSoon += 1;
      }
    }
  }
  return { breachesOverdue, subjectAccessDueSoon };
}

/** What one run over every organisation raised, and how many organisations it could not check. */
export interface DeadlineSweep extends DeadlineCheck {
  readonly organisationsFailed: number;
}

/**
 * The check for every active organisation (the scheduled function, and the local sweeper). One organisation's fault
 * is counted and the others are still checked; the caller decides what a failure means (the function fails the run).
 */
export async function notifyDueDeadlinesForAll(services: ConfideServices): Promise<DeadlineSweep> {
  const totals = { breachesOverdue: 0, subjectAccessDueSoon: 0, organisationsFailed: 0 };
  for (const organisation of await services.directory.listOrganisations()) {
    if (organisation.status !== 'ACTIVE') continue;
    try {
      const check = await notifyDueDeadlines(services, tenantScope(organisation.orgId));
      totals.breachesOverdue += check.breachesOverdue;
      totals.subjectAccessDueSoon += check.subjectAccessDueSoon;
    } catch {
      totals.organisationsFailed += 1;
    }
  }
  return totals;
}
