import {
  conflict,
  DEFAULT_RETENTION_RULES,
  forbidden,
  isExpired,
  notFound,
  type RetentionBasis,
  type RetentionRules,
  type Role,
  validate,
  validateRetentionRules,
} from '@confide/domain';
import {
  type LegalHold,
  type Organisation,
  type ScheduledCase,
  type ServiceUserRecord,
  scheduleCursor,
  staffScheduleCursor,
} from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import { builder } from '../builder';
import { authenticated, type ConfideContext, callerScope, hasRole, staffPrincipal } from '../context';
import { localId } from './ids';
import { OrganisationRef } from './organisations';
import { ServiceUserRef } from './service-users';
import { StaffEmploymentRef } from './staff';

/**
 * Retention (DATA-PROTECTION.md, Retention): the organisation's rules, schedules set on closing and cleared on
 * reopening, legal holds, erasure and the schedule report.
 *
 * Who may do what:
 * - `setRetentionRules` / `rescheduleRetention`: ORG_ADMIN (organisation settings, like the access preset).
 * - `placeLegalHold`: the managers of the client's service, SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN —
 *   keeping a record is the safe direction, so those who learn of proceedings can act at once.
 * - `liftLegalHold`: SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN only — lifting lets deletion resume, a
 *   governance decision rather than a service one.
 * - `eraseServiceUser`: IG_LEAD only, and only for a closed case (closed by the service's managers) with no hold
 *   and no open safeguarding investigation: two people, two roles, before anything is destroyed.
 * - `legalHolds`: SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN; `retentionSchedule`, `staffRetentionSchedule`:
 *   IG_LEAD.
 * Reasons are sealed on the hold under the client's key and recorded as the audit event's stated purpose.
 */

const GOVERNANCE_ROLES: readonly Role[] = ['SENIOR_MANAGER', 'IG_LEAD', 'CALDICOTT_GUARDIAN'];
/** Cases rescheduled per request after a rule change; the rest continue with `rescheduleRetention`. */
const RESCHEDULE_CASES_PER_REQUEST = 200;
const RESCHEDULE_PAGE = 25;
const RESCHEDULE_BUDGET_MS = 5_000;
/** A `continueAfter` in the second phase of a rule change: former staff members' schedules. */
const STAFF_PHASE = 'staff:';

const RetentionBasisEnum = builder.enumType('RetentionBasis', {
  description:
    'Which rule set a closed case’s expiry: AFTER_CLOSURE (years after closure) or CHILD_AGE (a child client’s birthday, when later).',
  values: ['AFTER_CLOSURE', 'CHILD_AGE'] as const,
});

// ── The client's own retention state ────────────────────────────────────────────────────────────────────────

interface RetentionState {
  readonly expiresAt: Date | null;
  readonly basis: RetentionBasis | null;
  readonly legalHold: boolean;
}

const ServiceUserRetentionRef = builder.objectRef<RetentionState>('ServiceUserRetention');
ServiceUserRetentionRef.implement({
  description: 'When this person’s records expire, and whether a legal hold keeps them.',
  fields: (t) => ({
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When every record of the person expires; null while the case is open or held.',
      resolve: (state) => state.expiresAt,
    }),
    basis: t.field({
      type: RetentionBasisEnum,
      nullable: true,
      description: 'The rule that set the date.',
      resolve: (state) => state.basis,
    }),
    legalHold: t.boolean({
      description: 'Whether a legal hold keeps the records past any schedule.',
      resolve: (state) => state.legalHold,
    }),
  }),
});

const self = (client: ServiceUserRecord) => ({ client });

builder.objectFields(ServiceUserRef, (t) => ({
  retention: t.field({
    ...needToKnow('PSEUDONYMOUS', self),
    type: ServiceUserRetentionRef,
    nullable: true,
    description: 'The retention schedule of the person’s records.',
    resolve: (client, _args, context) => ({
      expiresAt: client.expiresAt === undefined ? null : new Date(client.expiresAt * 1000),
      basis: client.expiresAt === undefined ? null : (context.services.retention.basisOf(client) ?? null),
      legalHold: context.services.retention.holdOn(client) !== undefined,
    }),
  }),
}));

// ── Rules ─────────────────────────────────────────────────────────────────────────────────────────────────

const RetentionRulesInput = builder.inputType('RetentionRulesInput', {
  description:
    'New retention rules; omitted values stay as they are. Bounds: client 6–20 years, child age 18–30, staff, audit and breaches 6–20 years.',
  fields: (t) => ({
    clientYearsAfterClosure: t.int({
      required: false,
      description: 'Years kept after a case closes (6–20).',
    }),
    childUntilAge: t.int({
      required: false,
      description: 'A child client is kept at least to this birthday (18–30).',
    }),
    staffYearsAfterEmployment: t.int({ required: false, description: 'Years after employment ends (6–20).' }),
    auditYears: t.int({ required: false, description: 'Years access audit events are kept (6–20).' }),
    breachYears: t.int({ required: false, description: 'Years breach register entries are kept (6–20).' }),
    expectedVersion: t.int({ required: true, description: 'The organisation version read.' }),
  }),
});

interface RescheduleProgress {
  readonly organisation: Organisation;
  readonly rescheduledCases: number;
  readonly rescheduledStaff: number;
  readonly continueAfter: string | null;
}

const RetentionRulesChangeRef = builder.objectRef<RescheduleProgress>('RetentionRulesChange');
RetentionRulesChangeRef.implement({
  description:
    'The organisation with its rules, and how far the schedules of closed cases have been recomputed under them.',
  fields: (t) => ({
    organisation: t.field({
      type: OrganisationRef,
      description: 'The organisation.',
      resolve: (p) => p.organisation,
    }),
    rescheduledCases: t.int({
      description: 'Closed cases whose expiry changed in this request.',
      resolve: (p) => p.rescheduledCases,
    }),
    rescheduledStaff: t.int({
      description: 'Former staff members whose records’ expiry changed in this request.',
      resolve: (p) => p.rescheduledStaff,
    }),
    complete: t.boolean({
      description: 'Whether every scheduled case and former staff member now follows the rules.',
      resolve: (p) => p.continueAfter === null,
    }),
    continueAfter: t.string({
      nullable: true,
      description: 'When not complete: pass to `rescheduleRetention` to continue.',
      resolve: (p) => p.continueAfter,
    }),
  }),
});

function rulesOf(context: ConfideContext): RetentionRules {
  return authenticated(context).organisation?.retention ?? DEFAULT_RETENTION_RULES;
}

/**
 * Recomputes schedules page by page within a request's budget: closed cases first, then former staff members
 * (their cursor marked with {@link STAFF_PHASE}); returns where to continue, if anywhere. Audit events keep the
 * period they were written under (decision 0017), so a rule change has nothing of theirs to recompute.
 */
async function reschedule(
  context: ConfideContext,
  rules: RetentionRules,
  after: string | undefined,
): Promise<{ rescheduled: number; rescheduledStaff: number; next: string | undefined }> {
  const started = Date.now();
  const scope = callerScope(context);
  let examined = 0;
  const budgetLeft = () =>
    examined < RESCHEDULE_CASES_PER_REQUEST && Date.now() - started < RESCHEDULE_BUDGET_MS;
  let rescheduled = 0;
  let next = after;
  if (!next?.startsWith(STAFF_PHASE)) {
    do {
      const page = await context.services.retention.reschedule(scope, rules, {
        limit: RESCHEDULE_PAGE,
        after: next,
      });
      rescheduled += page.rescheduled;
      examined += page.examined;
      next = page.next;
    } while (next && budgetLeft());
    if (next) return { rescheduled, rescheduledStaff: 0, next };
    if (!budgetLeft()) return { rescheduled, rescheduledStaff: 0, next: STAFF_PHASE };
    next = STAFF_PHASE;
  }
  let rescheduledStaff = 0;
  let staffNext: string | undefined = next.slice(STAFF_PHASE.length) || undefined;
  do {
    const page = await context.services.staffRetention.reschedule(scope, rules, {
      limit: RESCHEDULE_PAGE,
      after: staffNext,
    });
    rescheduledStaff += page.rescheduled;
    examined += page.examined;
    staffNext = page.next;
  } while (staffNext && budgetLeft());
  return { rescheduled, rescheduledStaff, next: staffNext ? `${STAFF_PHASE}${staffNext}` : undefined };
}

builder.mutationFields((t) => ({
  setRetentionRules: t.field({
    type: RetentionRulesChangeRef,
    description:
      'Changes the organisation’s retention rules within bounds (ORG_ADMIN) and recomputes the schedules of closed, unheld cases and of former staff members; one whose new date has passed expires at once. Access audit events keep the period in force when each was written. Audited.',
    authScopes: { role: 'ORG_ADMIN' },
    args: { input: t.arg({ type: RetentionRulesInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const rules = validateRetentionRules(rulesOf(context), input, ['input']);
      await context.access.audit.recordBeforeChange({
        action: 'ADMIN',
        operation: 'setRetentionRules',
        outcome: 'ALLOWED',
        rule: `retention.client-${rules.clientYearsAfterClosure}y.child-${rules.childUntilAge}.staff-${rules.staffYearsAfterEmployment}y.audit-${rules.auditYears}y.breach-${rules.breachYears}y`,
      });
      const organisation = await context.services.directory.setRetention(
        callerScope(context).orgId,
        rules,
        input.expectedVersion,
      );
      const progress = await reschedule(context, rules, undefined);
      return {
        organisation,
        rescheduledCases: progress.rescheduled,
        rescheduledStaff: progress.rescheduledStaff,
        continueAfter: progress.next ?? null,
      };
    },
  }),
  rescheduleRetention: t.field({
    type: RetentionRulesChangeRef,
    description:
      'Continues recomputing schedules under the current rules from where `setRetentionRules` stopped (ORG_ADMIN).',
    authScopes: { role: 'ORG_ADMIN' },
    args: { after: t.arg.string({ required: true, description: 'The `continueAfter` returned.' }) },
    resolve: async (_root, args, context) => {
      const organisation = authenticated(context).organisation;
      if (!organisation) throw notFound('Organisation');
      const progress = await reschedule(context, rulesOf(context), args.after);
      context.access.audit.record({ action: 'ADMIN', operation: 'rescheduleRetention', outcome: 'ALLOWED' });
      return {
        organisation,
        rescheduledCases: progress.rescheduled,
        rescheduledStaff: progress.rescheduledStaff,
        continueAfter: progress.next ?? null,
      };
    },
  }),
}));

// ── Closing and reopening (called from closeCase / reopenCase) ─────────────────────────────────────────────

async function freshProfile(
  context: ConfideContext,
  clientId: string,
): Promise<ServiceUserRecord | undefined> {
  const scope = callerScope(context);
  context.access.loader.forget(context.services.config.tables.data, scope.key('CLIENT', clientId), 'PROFILE');
  return context.services.serviceUsers.get(scope, clientId, context.access.loader);
}

/** A record whose retention passed the moment it closed: pseudonymous facts only, nothing sealed. */
function expiredView(client: ServiceUserRecord, expiresAt: number, basis: RetentionBasis): ServiceUserRecord {
  const item = Object.fromEntries(Object.entries(client.item).filter(([name]) => !name.startsWith('enc_')));
  item.retentionBasis = { S: basis };
  return { ...client, expiresAt, latestNoteId: undefined, item };
}

/**
 * After `closeCase` has closed the case: puts the schedule on every item of the client and returns the
 * record. A migrated case closed so long ago that its retention has passed expires at once: the response
 * then carries only its pseudonymous facts, and every later read answers NOT_FOUND.
 */
export async function scheduleClosedCase(
  context: ConfideContext,
  clientId: string,
): Promise<ServiceUserRecord> {
  const closed = await freshProfile(context, clientId);
  if (!closed) throw notFound('Service user');
  const key = await context.access.clientKey(closed);
  const outcome = await context.services.retention.schedule(
    callerScope(context),
    closed,
    key,
    rulesOf(context),
  );
  if (outcome.status === 'SCHEDULED' && isExpired(outcome.expiresAt, context.services.clock.now())) {
    return expiredView(closed, outcome.expiresAt, outcome.basis);
  }
  const scheduled = await freshProfile(context, clientId);
  if (!scheduled) throw notFound('Service user');
  return scheduled;
}

/**
 * Before `reopenCase` reopens the case: takes the schedule off every item (the profile last). Refuses a stale
 * version first, so a reopening that is going to fail leaves the schedule alone.
 */
export async function unscheduleBeforeReopening(
  context: ConfideContext,
  client: ServiceUserRecord,
  expectedVersion: number,
): Promise<void> {
  if (client.version !== expectedVersion) throw conflict();
  const key = await context.access.loader.subjectKey(callerScope(context).orgId, client.clientId);
  await context.services.retention.unschedule(callerScope(context), client, key);
}

/**
 * After `reopenCase` reopened the case: takes off any schedule a concurrent `closeCase` wrote between the first
 * unscheduling and the reopening (its own re-check covers writes after this).
 */
export async function unscheduleAfterReopening(
  context: ConfideContext,
  client: ServiceUserRecord,
): Promise<void> {
  const key = await context.access.loader.subjectKey(callerScope(context).orgId, client.clientId);
  await context.services.retention.unschedule(callerScope(context), client, key);
}

// ── Legal holds ───────────────────────────────────────────────────────────────────────────────────────────

const LegalHoldRef = builder.objectRef<LegalHold>('LegalHold');
LegalHoldRef.implement({
  description:
    'A legal hold: the person’s records are kept past any retention date and cannot be erased until it is lifted.',
  fields: (t) => ({
    serviceUserId: t.globalID({
      description: 'Whose records are held.',
      resolve: (hold) => ({ type: 'ServiceUser', id: hold.clientId }),
    }),
    reference: t.string({
      description: 'The pseudonymous case reference.',
      resolve: (hold) => hold.reference,
    }),
    placedAt: t.field({ type: 'DateTime', description: 'When placed.', resolve: (hold) => hold.placedAt }),
    placedBy: t.globalID({
      description: 'Who placed it.',
      resolve: (hold) => ({ type: 'StaffMember', id: hold.placedBy }),
    }),
    reason: t.string({
      nullable: true,
      description: 'Why (the proceedings it is material to).',
      resolve: (hold, _args, context) => holdText(context, hold, 'reason'),
    }),
    liftedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When lifted, if it has been.',
      resolve: (hold) => hold.liftedAt ?? null,
    }),
    liftedBy: t.globalID({
      nullable: true,
      description: 'Who lifted it.',
      resolve: (hold) => (hold.liftedBy ? { type: 'StaffMember', id: hold.liftedBy } : null),
    }),
    liftReason: t.string({
      nullable: true,
      description: 'Why it was lifted.',
      resolve: (hold, _args, context) => holdText(context, hold, 'liftReason'),
    }),
  }),
});

async function holdText(context: ConfideContext, hold: LegalHold, field: 'reason' | 'liftReason') {
  const key = await context.access.loader.subjectKey(callerScope(context).orgId, hold.clientId);
  return key ? (context.services.retention.openHold(key, hold, field) ?? null) : null;
}

function isGovernance(context: ConfideContext): boolean {
  return GOVERNANCE_ROLES.some((role) => hasRole(context, role));
}

/** The client, for a caller who may act on its retention: NOT_FOUND without a relationship, else FORBIDDEN. */
async function governedClient(
  context: ConfideContext,
  serviceUserId: string | number,
  operation: string,
  allow: { serviceManagers: boolean },
): Promise<ServiceUserRecord> {
  const client = await context.access.visibleClient(
    localId(serviceUserId, 'ServiceUser', 'serviceUser', 'Service user'),
    operation,
  );
  if (isGovernance(context)) return client;
  if (allow.serviceManagers && (await context.access.relationTo(client)).managesService) return client;
  context.access.audit.record({
    action: 'DENIED',
    operation,
    subjectId: client.clientId,
    outcome: 'FORBIDDEN',
  });
  throw forbidden(
    allow.serviceManagers
      ? 'Only the service’s managers, senior managers, the IG lead or the Caldicott Guardian can do this.'
      : 'Only a senior manager, the IG lead or the Caldicott Guardian can do this.',
  );
}

function reasonArg(value: string): string {
  return validate.text(['reason'], value, { max: 1000, multiline: true });
}

builder.mutationFields((t) => ({
  placeLegalHold: t.field({
    type: LegalHoldRef,
    description:
      'Keeps every record of the person past any retention date and blocks erasure, e.g. while material to legal proceedings (Lets connect 5). The service’s managers, SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN. Placing it again repeats the clearing and returns the hold. Audited with the reason.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      reason: t.arg.string({ required: true, description: 'Why (kept sealed on the hold).' }),
    },
    resolve: async (_root, args, context) => {
      const reason = reasonArg(args.reason);
      const client = await governedClient(context, args.serviceUserId, 'placeLegalHold', {
        serviceManagers: true,
      });
      const key = await context.access.clientKey(client);
      context.access.statePurpose(reason);
      await context.access.audit.recordBeforeChange({
        action: 'ADMIN',
        operation: 'placeLegalHold',
        subjectId: client.clientId,
        outcome: 'ALLOWED',
        rule: 'retention.legal-hold',
      });
      const { hold } = await context.services.retention.placeHold(callerScope(context), client, key, {
        placedBy: staffPrincipal(context).staffId,
        reason,
      });
      return hold;
    },
  }),
  liftLegalHold: t.field({
    type: LegalHoldRef,
    description:
      'Lifts the legal hold (SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN); a closed case is scheduled again under the current rules. Audited with the reason.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      reason: t.arg.string({ required: true, description: 'Why the hold ends.' }),
    },
    resolve: async (_root, args, context) => {
      const reason = reasonArg(args.reason);
      const client = await governedClient(context, args.serviceUserId, 'liftLegalHold', {
        serviceManagers: false,
      });
      const key = await context.access.clientKey(client);
      context.access.statePurpose(reason);
      await context.access.audit.recordBeforeChange({
        action: 'ADMIN',
        operation: 'liftLegalHold',
        subjectId: client.clientId,
        outcome: 'ALLOWED',
        rule: 'retention.legal-hold',
      });
      const { hold } = await context.services.retention.liftHold(callerScope(context), client, key, {
        liftedBy: staffPrincipal(context).staffId,
        reason,
        rules: rulesOf(context),
      });
      return hold;
    },
  }),
}));

// ── Erasure ───────────────────────────────────────────────────────────────────────────────────────────────

interface Erasure {
  readonly clientId: string;
  readonly erasedAt: string;
  readonly itemsRemoved: number;
}

const ErasureRef = builder.objectRef<Erasure>('ServiceUserErasure');
ErasureRef.implement({
  description:
    'An erasure: the person’s data key is destroyed, so every copy of their records is unreadable.',
  fields: (t) => ({
    serviceUserId: t.globalID({
      description: 'The erased person’s (pseudonymous) id.',
      resolve: (erasure) => ({ type: 'ServiceUser', id: erasure.clientId }),
    }),
    erasedAt: t.field({ type: 'DateTime', description: 'When.', resolve: (erasure) => erasure.erasedAt }),
    itemsRemoved: t.int({ description: 'Items deleted.', resolve: (erasure) => erasure.itemsRemoved }),
  }),
});

builder.mutationFields((t) => ({
  eraseServiceUser: t.field({
    type: ErasureRef,
    description:
      'Erases a person (IG_LEAD): their data key is destroyed at once (crypto-shredding: backups become unreadable too) and their items deleted, each leaving a non-identifying tombstone. Only for a closed case with no legal hold and no open safeguarding investigation (CONFLICT otherwise). Audited with the reason.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      reason: t.arg.string({ required: true, description: 'Why (e.g. the erasure request it answers).' }),
    },
    resolve: async (_root, args, context) => {
      const reason = reasonArg(args.reason);
      const client = await context.access.visibleClient(
        localId(args.serviceUserId, 'ServiceUser', 'serviceUser', 'Service user'),
        'eraseServiceUser',
      );
      if (!hasRole(context, 'IG_LEAD')) {
        context.access.audit.record({
          action: 'DENIED',
          operation: 'eraseServiceUser',
          subjectId: client.clientId,
          outcome: 'FORBIDDEN',
        });
        throw forbidden('Only the IG lead can erase a person’s records.');
      }
      const { retention } = context.services;
      if (retention.holdOn(client))
        throw conflict('The records are under a legal hold and cannot be erased.');
      if (client.caseStatus !== 'CLOSED') throw conflict('Close the case before erasing the records.');
      if (client.investigations.some((investigation) => investigation.status === 'OPEN')) {
        throw conflict('An open safeguarding investigation names this person; the records cannot be erased.');
      }
      const scope = callerScope(context);
      const key = await context.access.loader.subjectKey(scope.orgId, client.clientId);
      context.access.statePurpose(reason);
      await context.access.audit.recordBeforeChange({
        action: 'ADMIN',
        operation: 'eraseServiceUser',
        subjectId: client.clientId,
        outcome: 'ALLOWED',
        rule: 'retention.erasure',
      });
      const result = await retention.erase(scope, client, key, { erasedBy: staffPrincipal(context).staffId });
      return { clientId: client.clientId, ...result };
    },
  }),
}));

// ── Reports ───────────────────────────────────────────────────────────────────────────────────────────────

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
    expiresAt: t.field({
      type: 'DateTime',
      description: 'When every record of the case expires.',
      resolve: (c) => new Date(c.expiresAt * 1000),
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

builder.queryFields((t) => ({
  legalHolds: t.connection({
    type: LegalHoldRef,
    description:
      'The organisation’s active legal holds, oldest first (SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN).',
    authScopes: { staff: true },
    resolve: async (_root, args, context) => {
      if (!isGovernance(context)) throw forbidden();
      const page = await context.services.retention.legalHolds(callerScope(context), pageArgs(args));
      context.access.audit.record({ action: 'READ', operation: 'legalHolds', outcome: 'ALLOWED' });
      const edges = page.holds.map((hold) => ({ node: hold, cursor: `${hold.placedAt}#${hold.clientId}` }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.next !== undefined,
          hasPreviousPage: args.after != null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: page.next ?? edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
  retentionSchedule: t.connection({
    type: ScheduledExpiryRef,
    description:
      'What expires when: the organisation’s closed, unheld cases in expiry order (IG_LEAD). Held cases are listed by `legalHolds`, former staff by `staffRetentionSchedule`; access audit events each expire `auditYears` after they were written (under the rule in force then).',
    authScopes: { role: 'IG_LEAD' },
    resolve: async (_root, args, context) => {
      const page = await context.services.retention.scheduled(callerScope(context), pageArgs(args));
      context.access.audit.record({ action: 'READ', operation: 'retentionSchedule', outcome: 'ALLOWED' });
      const edges = page.cases.map((node) => ({ node, cursor: scheduleCursor(node) }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.next !== undefined,
          hasPreviousPage: args.after != null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
  staffRetentionSchedule: t.connection({
    type: StaffEmploymentRef,
    description:
      'What expires when among former staff: whose employment ended, and when all their records expire, in expiry order (IG_LEAD). Pseudonymous: staff ids only.',
    authScopes: { role: 'IG_LEAD' },
    resolve: async (_root, args, context) => {
      const page = await context.services.staffRetention.scheduled(callerScope(context), pageArgs(args));
      context.access.audit.record({
        action: 'READ',
        operation: 'staffRetentionSchedule',
        outcome: 'ALLOWED',
      });
      const edges = page.schedules.map((node) => ({ node, cursor: staffScheduleCursor(node) }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.next !== undefined,
          hasPreviousPage: args.after != null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
}));
