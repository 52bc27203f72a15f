import { notFound, type RetentionRules, validateRetentionRules } from '@confide/domain';
import type { Organisation, TenantScope } from '@confide/store';
import { builder } from '../../builder';
import { authenticated, type ConfideContext } from '../../context';
import { rulesExpireImmediately, rulesOf } from '../../use-cases/retention-schedule';
import { organisationTimeZone } from '../monitoring/settings';
import { OrganisationRef } from '../organisations';

/** Cases rescheduled per request after a rule change; the rest continue with `rescheduleRetention`. */
const RESCHEDULE_CASES_PER_REQUEST = 200;
const RESCHEDULE_PAGE = 25;
const RESCHEDULE_BUDGET_MS = 5_000;
/** A `continueAfter` in the second phase of a rule change: former staff members' schedules. */
const STAFF_PHASE = 'staff:';

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

/**
 * Recomputes schedules page by page within a request's budget: closed cases first, then former staff members
 * (their cursor marked with {@link STAFF_PHASE}); returns where to continue, if anywhere. Audit events keep the
 * period they were written under (decision 0017), so a rule change has nothing of theirs to recompute.
 */
async function reschedule(
  context: ConfideContext,
  scope: TenantScope,
  rules: RetentionRules,
  after: string | undefined,
): Promise<{ rescheduled: number; rescheduledStaff: number; next: string | undefined }> {
  const started = Date.now();
  // That these rules are still the organisation's as each date is written: another change may replace them meanwhile.
  const rulesInForce = () => context.services.directory.retentionRulesInForce(scope, rules);
  let examined = 0;
  const budgetLeft = () =>
    examined < RESCHEDULE_CASES_PER_REQUEST && Date.now() - started < RESCHEDULE_BUDGET_MS;
  let rescheduled = 0;
  let next = after;
  const timeZone = await organisationTimeZone(context);
  if (!next?.startsWith(STAFF_PHASE)) {
    do {
      const page = await context.services.retention.reschedule(
        scope,
        rules,
        timeZone,
        { limit: RESCHEDULE_PAGE, after: next },
        rulesInForce,
      );
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
    const page = await context.services.staffRetention.reschedule(
      scope,
      rules,
      timeZone,
      { limit: RESCHEDULE_PAGE, after: staffNext },
      rulesInForce,
    );
    rescheduledStaff += page.rescheduled;
    examined += page.examined;
    staffNext = page.next;
  } while (staffNext && budgetLeft());
  return { rescheduled, rescheduledStaff, next: staffNext ? `${STAFF_PHASE}${staffNext}` : undefined };
}

const ERASURE_NOTE =
  'A change that would let any closed case or former staff member’s records expire at once is refused (FORBIDDEN, rule `retention.immediate-expiry-is-erasure`): that is an erasure, made case by case with `eraseServiceUser` (IG lead, a reason and a second person).';

builder.mutationFields((t) => ({
  setRetentionRules: t.field({
    type: RetentionRulesChangeRef,
    description: `Changes the organisation’s retention rules within bounds (ORG_ADMIN) and recomputes the schedules of closed, unheld cases and of former staff members. ${ERASURE_NOTE} Raising \`breachYears\` extends the breach register entries already held to the new period from when each was recorded (lowering it applies to new entries only: shortening would let entries expire at once on one person’s word); access audit events keep the period in force when each was written. Audited.`,
    args: { input: t.arg({ type: RetentionRulesInput, required: true }) },
    operation: {
      policy: 'retention.rules',
      change: async ({ input }, context) => {
        let rules: ReturnType<typeof validateRetentionRules>;
        try {
          rules = validateRetentionRules(rulesOf(context), input, ['input']);
        } catch {
          return {}; // refused by `validate`, once the caller is admitted
        }
        return { expiresImmediately: await rulesExpireImmediately(context, context.access.scope, rules) };
      },
      validate: ({ input }, context) => {
        validateRetentionRules(rulesOf(context), input, ['input']);
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, { input }, context) => {
      const previous = rulesOf(context);
      const rules = validateRetentionRules(previous, input, ['input']);
      const organisation = await context.services.directory.setRetention(
        operation.scope.orgId,
        rules,
        input.expectedVersion,
      );
      // Breach register entries held now are kept for a raised period too. A lowered one applies to new entries only
      // (`reschedule` never shortens: that could make them expire at once, on one person's word; see ERASURE_NOTE).
      // Run on every change, not only when the period rises: the same change made again then completes one whose
      // extension failed part-way, after the rules themselves were saved.
      await context.services.breaches.reschedule(operation.scope, rules);
      const progress = await reschedule(context, operation.scope, rules, undefined);
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
    description: `Continues recomputing schedules under the current rules from where \`setRetentionRules\` stopped (ORG_ADMIN). ${ERASURE_NOTE}`,
    args: { after: t.arg.string({ required: true, description: 'The `continueAfter` returned.' }) },
    operation: {
      policy: 'retention.rules',
      change: async (_args, context) => ({
        expiresImmediately: await rulesExpireImmediately(context, context.access.scope, rulesOf(context), {
          always: true,
        }),
      }),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const organisation = authenticated(context).organisation;
      if (!organisation) throw notFound('Organisation');
      const progress = await reschedule(context, operation.scope, rulesOf(context), args.after);
      return {
        organisation,
        rescheduledCases: progress.rescheduled,
        rescheduledStaff: progress.rescheduledStaff,
        continueAfter: progress.next ?? null,
      };
    },
  }),
}));
