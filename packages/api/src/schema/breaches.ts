import { forbidden, validate } from '@confide/domain';
import type { BreachEntry } from '@confide/store';
import { builder } from '../builder';
import { type ConfideContext, callerScope, hasRole, staffPrincipal } from '../context';

const BreachRef = builder.objectRef<BreachEntry>('Breach');
BreachRef.implement({
  description:
    'A personal data breach register entry (Lets connect 6): categories and counts only, never the personal data itself.',
  fields: (t) => ({
    id: t.exposeID('breachId', { description: 'The entry.' }),
    source: t.exposeString('source', {
      description: 'REPORTED, EMERGENCY_REVIEW_UNJUSTIFIED or MISDIRECTED_DISCLOSURE.',
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
      resolve: (b, _args, context) =>
        b.reportable !== false &&
        !b.regulatorNotifiedAt &&
        Date.parse(b.regulatorDeadline) < context.services.clock.now().getTime(),
    }),
    version: t.exposeInt('version', { description: 'For optimistic concurrency.' }),
  }),
});

function requireIgLead(context: ConfideContext) {
  if (!hasRole(context, 'IG_LEAD') && !hasRole(context, 'CALDICOTT_GUARDIAN')) throw forbidden();
}

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

builder.queryFields((t) => ({
  breaches: t.field({
    type: [BreachRef],
    description:
      'The breach register, newest first, with the 72-hour deadlines (IG_LEAD, CALDICOTT_GUARDIAN).',
    authScopes: { staff: true },
    resolve: (_root, _args, context) => {
      requireIgLead(context);
      return context.services.breaches.list(callerScope(context));
    },
  }),
}));

builder.mutationFields((t) => ({
  reportBreach: t.field({
    type: BreachRef,
    description:
      'Opens a breach register entry; the 72-hour regulator clock runs from discovery. Any staff member may report.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: ReportBreachInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      if (input.discoveredAt.getTime() > context.services.clock.now().getTime()) {
        throw validate.badInputError(
          ['input', 'discoveredAt'],
          'A breach cannot be discovered in the future.',
        );
      }
      const entry = await context.services.breaches.open(callerScope(context), {
        source: 'REPORTED',
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
        recordedBy: staffPrincipal(context).staffId,
      });
      context.access.audit.record({
        action: 'ADMIN',
        operation: 'reportBreach',
        outcome: 'ALLOWED',
        rule: 'breach.reported',
      });
      return entry;
    },
  }),
  assessBreach: t.field({
    type: BreachRef,
    description:
      'Records whether the breach is reportable and when the regulator was notified (IG_LEAD, CALDICOTT_GUARDIAN).',
    authScopes: { staff: true },
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
    resolve: async (_root, args, context) => {
      requireIgLead(context);
      const entry = await context.services.breaches.assess(callerScope(context), String(args.breachId), {
        reportable: args.reportable,
        regulatorNotifiedAt: args.regulatorNotifiedAt ?? undefined,
        containment:
          args.containment == null
            ? undefined
            : validate.text(['containment'], args.containment, { max: 2000, multiline: true }),
        expectedVersion: args.expectedVersion,
      });
      context.access.audit.record({ action: 'ADMIN', operation: 'assessBreach', outcome: 'ALLOWED' });
      return entry;
    },
  }),
}));
