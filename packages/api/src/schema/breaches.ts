import { DEFAULT_RETENTION_RULES, notFound, type RetentionRules, validate } from '@confide/domain';
import type { BreachEntry, TenantScope } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../builder';
import { authenticated, type ConfideContext } from '../context';

/**
 * The breach register (Lets connect 6; Community 7; DATA-PROTECTION.md): any staff member reports a breach; the
 * IG lead, the Caldicott Guardian and the managers read the register; the IG lead records the assessment. Entries hold categories and counts, never the personal
 * data itself, and are kept for the organisation's `breachYears` from when they were recorded.
 */

const BreachRef = builder.objectRef<BreachEntry>('Breach');
BreachRef.implement({
  description:
    'A personal data breach register entry (Lets connect 6): categories and counts only, never the personal data itself.',
  fields: (t) => ({
    id: t.exposeID('breachId', { description: 'The entry.' }),
    source: t.exposeString('source', {
      description:
        'REPORTED, EMERGENCY_REVIEW_UNJUSTIFIED, MISDIRECTED_DISCLOSURE or DISCLOSURE_REVIEW_UNJUSTIFIED.',
    }),
    discoveredAt: t.field({
      type: 'DateTime',
      description: 'When it was discovered.',
      resolve: (b) => b.discoveredAt,
    }),
    nature: t.exposeString('nature', { description: 'What happened.' }),
    categories: t.stringList({
      description: 'Categories of data affected.',
      resolve: (b) => [...b.categories],
    }),
    approximateSubjects: t.exposeInt('approximateSubjects', {
      description: 'Approximate number of people affected.',
    }),
    containment: t.string({
      nullable: true,
      description: 'How it was contained.',
      resolve: (b) => b.containment ?? null,
    }),
    reference: t.string({
      nullable: true,
      description: 'What raised it (a review or disclosure reference).',
      resolve: (b) => b.reference ?? null,
    }),
    reportable: t.boolean({
      nullable: true,
      description: 'Whether it must be reported to the regulator; null until assessed.',
      resolve: (b) => b.reportable ?? null,
    }),
    regulatorDeadline: t.field({
      type: 'DateTime',
      description: '72 hours after discovery.',
      resolve: (b) => b.regulatorDeadline,
    }),
    regulatorNotifiedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the regulator was told.',
      resolve: (b) => b.regulatorNotifiedAt ?? null,
    }),
    overdue: t.boolean({
      description: 'Reportable (or not yet assessed), not notified, and past the 72-hour deadline.',
      resolve: (b, _args, context) => isOverdue(b, context.services.clock.now()),
    }),
    recordedAt: t.field({
      type: 'DateTime',
      description: 'When the entry was recorded.',
      resolve: (b) => b.recordedAt,
    }),
    retainedUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the entry leaves the register: the organisation’s breach retention (six years by default) after it was recorded.',
      resolve: (b) => (b.expiresAt === undefined ? null : new Date(b.expiresAt * 1000)),
    }),
    version: t.exposeInt('version', { description: 'For optimistic concurrency.' }),
  }),
});

/** The organisation's retention rules, which set how long a breach entry is kept. */
export function organisationRetention(context: ConfideContext): RetentionRules {
  return authenticated(context).organisation?.retention ?? DEFAULT_RETENTION_RULES;
}

/**
 * The breach entry a review's UNJUSTIFIED finding opens, discovered now with its 72-hour clock running, as an item of
 * the finding's own transaction: the finding is never written without its entry.
 */
export function unjustifiedFindingBreach(
  context: ConfideContext,
  scope: TenantScope,
  finding: {
    source: 'EMERGENCY_REVIEW_UNJUSTIFIED' | 'DISCLOSURE_REVIEW_UNJUSTIFIED';
    nature: string;
    reviewId: string;
    recordedBy: string;
  },
) {
  return context.services.breaches.opening(
    scope,
    {
      source: finding.source,
      discoveredAt: context.services.clock.now(),
      nature: finding.nature,
      categories: ['CLIENT_RECORD'],
      approximateSubjects: 1,
      reference: finding.reviewId,
      recordedBy: finding.recordedBy,
    },
    organisationRetention(context),
  );
}

const isOverdue = (breach: BreachEntry, now: Date) =>
  breach.reportable !== false &&
  !breach.regulatorNotifiedAt &&
  Date.parse(breach.regulatorDeadline) < now.getTime();

const ReportBreachInput = builder.inputType('ReportBreachInput', {
  description: 'A personal data breach as first known. Describe categories and counts, not people.',
  fields: (t) => ({
    discoveredAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When it was discovered (not in the future).',
    }),
    nature: t.string({ required: true, description: 'What happened.' }),
    categories: t.stringList({
      required: true,
      description: 'Categories of data affected, e.g. HEALTH, CONTACT.',
    }),
    approximateSubjects: t.int({ required: true, description: 'Approximate number of people affected.' }),
    containment: t.string({ required: false, description: 'What was done to contain it.' }),
  }),
});

/** The register, or its overdue entries. */
async function breachRegister(
  scope: TenantScope,
  overdueOnly: boolean | null | undefined,
  context: ConfideContext,
) {
  const now = context.services.clock.now();
  const entries = await context.services.breaches.list(scope);
  return overdueOnly ? entries.filter((entry) => isOverdue(entry, now)) : entries;
}

builder.queryFields((t) => ({
  breaches: t.field({
    type: [BreachRef],
    description:
      'The breach register, newest discovery first, with the 72-hour deadlines (IG_LEAD, CALDICOTT_GUARDIAN, SERVICE_MANAGER, SENIOR_MANAGER: Community 7, a break of confidentiality is reported to the manager); `overdueOnly` lists those past the deadline and not yet notified.',
    deprecationReason: 'A list that grows (issue 19): use `breachesConnection`, which pages with cursors.',
    args: { overdueOnly: t.arg.boolean({ required: false, description: 'Only overdue entries.' }) },
    operation: { policy: 'breach.register', audit: 'after' },
    resolve: (operation, args, context) => breachRegister(operation.scope, args.overdueOnly, context),
  }),
  breachesConnection: t.connection({
    type: BreachRef,
    description:
      'The breach register as a cursor connection, newest discovery first, with the 72-hour deadlines (IG_LEAD, CALDICOTT_GUARDIAN, SERVICE_MANAGER, SENIOR_MANAGER); `overdueOnly` lists those past the deadline and not yet notified.',
    args: { overdueOnly: t.arg.boolean({ required: false, description: 'Only overdue entries.' }) },
    operation: { policy: 'breach.register', audit: 'after' },
    resolve: async (operation, args, context) =>
      resolveArrayConnection({ args }, await breachRegister(operation.scope, args.overdueOnly, context)),
  }),
}));

/** A reported breach's details, checked: BAD_USER_INPUT names the field at fault. */
function reportedBreach(
  input: {
    discoveredAt: Date;
    nature: string;
    categories: readonly string[];
    approximateSubjects: number;
    containment?: string | null;
  },
  now: Date,
) {
  if (input.discoveredAt.getTime() > now.getTime()) {
    throw validate.badInputError(['input', 'discoveredAt'], 'A breach cannot be discovered in the future.');
  }
  return {
    discoveredAt: input.discoveredAt,
    nature: validate.text(['input', 'nature'], input.nature, { max: 2000, multiline: true }),
    categories: validate
      .nonEmptyUnique(['input', 'categories'], input.categories)
      .map((c, i) => validate.text(['input', 'categories', String(i)], c, { max: 50 })),
    approximateSubjects: validate.integerInRange(
      ['input', 'approximateSubjects'],
      input.approximateSubjects,
      0,
      10_000_000,
    ),
    containment:
      input.containment == null
        ? undefined
        : validate.text(['input', 'containment'], input.containment, { max: 2000, multiline: true }),
  };
}

/** An assessment's dates and text, checked: BAD_USER_INPUT names the field at fault. */
function assessment(args: { regulatorNotifiedAt?: Date | null; containment?: string | null }, now: Date) {
  if (args.regulatorNotifiedAt && args.regulatorNotifiedAt > now) {
    throw validate.badInputError(['regulatorNotifiedAt'], 'The regulator cannot be told in the future.');
  }
  return {
    regulatorNotifiedAt: args.regulatorNotifiedAt ?? undefined,
    containment:
      args.containment == null
        ? undefined
        : validate.text(['containment'], args.containment, { max: 2000, multiline: true }),
  };
}

builder.mutationFields((t) => ({
  reportBreach: t.field({
    type: BreachRef,
    description:
      'Opens a breach register entry; the 72-hour regulator clock runs from discovery. Any staff member may report.',
    args: { input: t.arg({ type: ReportBreachInput, required: true }) },
    operation: {
      policy: 'breach.report',
      // Checked before the audit event: bad input records nothing.
      validate: ({ input }, context) => {
        reportedBreach(input, context.services.clock.now());
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, { input }, context) =>
      context.services.breaches.open(
        operation.scope,
        {
          source: 'REPORTED',
          ...reportedBreach(input, context.services.clock.now()),
          recordedBy: operation.staff.staffId,
        },
        organisationRetention(context),
      ),
  }),
  assessBreach: t.field({
    type: BreachRef,
    description: 'Records whether the breach is reportable and when the regulator was notified (IG_LEAD).',
    args: {
      breachId: t.arg.id({ required: true, description: 'The entry.' }),
      reportable: t.arg.boolean({ required: true, description: 'Must it be reported?' }),
      regulatorNotifiedAt: t.arg({
        type: 'DateTime',
        required: false,
        description: 'When the regulator was told.',
      }),
      containment: t.arg.string({ required: false, description: 'Containment, if updated.' }),
      expectedVersion: t.arg.int({ required: true, description: 'The version read.' }),
    },
    operation: {
      policy: 'breach.assess',
      change: (args) => ({ sharing: { detail: args.reportable ? 'reportable' : 'not-reportable' } }),
      // Checked before the audit event: bad input, and an entry that is not there, record no assessment.
      validate: async (args, context) => {
        const { regulatorNotifiedAt } = assessment(args, context.services.clock.now());
        const entry = await context.services.breaches.entry(context.access.scope, String(args.breachId));
        if (!entry) throw notFound('Breach');
        if (regulatorNotifiedAt && regulatorNotifiedAt.toISOString() < entry.discoveredAt) {
          throw validate.badInputError(
            ['regulatorNotifiedAt'],
            'The regulator cannot be told before the breach was discovered.',
          );
        }
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) =>
      context.services.breaches.assess(operation.scope, String(args.breachId), {
        reportable: args.reportable,
        ...assessment(args, context.services.clock.now()),
        expectedVersion: args.expectedVersion,
      }),
  }),
}));
