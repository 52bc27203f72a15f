import { APPROVER_ROLE_RULE } from '@confide/access';
import {
  asOrgId,
  badInput,
  ConfideError,
  ErrorCode,
  forbidden,
  isIdOf,
  notFound,
  type OrgId,
  validate,
} from '@confide/domain';
import {
  EXPORT_REFERENCE,
  EXPORT_WAIVER_REASONS,
  type Organisation,
  type RetentionSettings,
  tenantScope,
} from '@confide/store';
import { builder } from '../builder';
import { type ConfideContext, operatorPrincipal } from '../context';
import { restoreAdministration } from '../operations/admin-restoration';
import {
  DEFAULT_KEY_DELETION_WINDOW_DAYS,
  type FoundingAdmin,
  offboardingUnfinished,
} from '../operations/onboarding';
import {
  organisationExports,
  organisationProvisioning,
  requireExportOrWaiver,
} from '../operations/provisioning';
import { localId } from './ids';
import { StaffMemberRef } from './staff';
import { PLAIN_POSITIONS, storeConnection } from './store-paging';
import { AccessPresetEnum } from './vocabulary';

export const OrganisationRef = builder.objectRef<Organisation>('Organisation');

const OrganisationStatusEnum = builder.enumType('OrganisationStatus', {
  description: 'ACTIVE organisations are served; OFFBOARDED ones are refused and their key is being deleted.',
  values: ['ACTIVE', 'OFFBOARDED'] as const,
});

const RetentionSettingsRef = builder.objectRef<RetentionSettings>('RetentionSettings');
RetentionSettingsRef.implement({
  description: 'How long the organisation keeps records (DATA-PROTECTION.md, Retention).',
  fields: (t) => ({
    clientYearsAfterClosure: t.exposeInt('clientYearsAfterClosure', {
      description: 'Years a client record is kept after the case closes.',
    }),
    childUntilAge: t.exposeInt('childUntilAge', {
      description: 'A child client’s record is kept at least until this birthday.',
    }),
    staffYearsAfterEmployment: t.exposeInt('staffYearsAfterEmployment', {
      description: 'Years a staff record is kept after employment ends.',
    }),
    auditYears: t.exposeInt('auditYears', { description: 'Years access audit events are kept.' }),
    breachYears: t.exposeInt('breachYears', { description: 'Years breach register entries are kept.' }),
  }),
});

OrganisationRef.implement({
  description:
    'A charity using Confide: the data controller of its records. Holds no personal data; its records are encrypted under its own KMS key.',
  fields: (t) => ({
    id: t.exposeID('orgId', { description: 'The organisation’s opaque id.' }),
    name: t.exposeString('name', { description: 'The charity’s name.' }),
    slug: t.exposeString('slug', { description: 'Short URL-safe name, unique in the deployment.' }),
    preset: t.field({
      type: AccessPresetEnum,
      resolve: (org) => org.preset,
      description: 'The access preset.',
    }),
    status: t.field({
      type: OrganisationStatusEnum,
      resolve: (org) => org.status,
      description: 'Whether the organisation is served.',
    }),
    dataProcessingAgreement: t.string({
      nullable: true,
      resolve: (org) => org.dataProcessingAgreement ?? null,
      description: 'Reference of the data-processing agreement with the platform operator.',
    }),
    retention: t.field({
      type: RetentionSettingsRef,
      resolve: (org) => org.retention,
      description: 'Retention rules.',
    }),
    keyDeletionDate: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (org) => org.keyDeletionDate ?? null,
      description:
        'When the organisation’s KMS key will be deleted, once offboarded. Null on an offboarded organisation while an offboarding a fault stopped is unfinished: the second operator’s same offboardOrganisation call completes it.',
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (org) => org.createdAt, description: 'When onboarded.' }),
    version: t.exposeInt('version', {
      description: 'For optimistic concurrency: pass as expectedVersion when changing organisation settings.',
    }),
  }),
});

const OnboardOrganisationInput = builder.inputType('OnboardOrganisationInput', {
  description: 'A new organisation and its first administrator.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The charity’s name (1–200 characters).' }),
    slug: t.string({ required: true, description: '1–40 lower-case letters, digits or hyphens.' }),
    preset: t.field({ type: AccessPresetEnum, required: true, description: 'The access preset.' }),
    dataProcessingAgreement: t.string({ required: false, description: 'Reference of the signed DPA.' }),
    firstAdminHandle: t.string({ required: true, description: 'Login handle of the first ORG_ADMIN.' }),
    firstAdminDisplayName: t.string({ required: true, description: 'Display name of the first ORG_ADMIN.' }),
    firstAdminEmail: t.string({
      required: false,
      description:
        'Email address the user pool invites the first ORG_ADMIN at; required where staff sign in through Cognito.',
    }),
    secondAdminHandle: t.string({
      required: false,
      description:
        'Login handle of a second ORG_ADMIN from the start (with `secondAdminDisplayName`). One ORG_ADMIN alone gives no role that opens client content, nor ORG_ADMIN: another ORG_ADMIN approves it (decision 0081), so an organisation onboarded with one admin cannot give those roles until it has a second.',
    }),
    secondAdminDisplayName: t.string({
      required: false,
      description: 'Display name of the second ORG_ADMIN.',
    }),
    secondAdminEmail: t.string({
      required: false,
      description:
        'Email address the user pool invites the second ORG_ADMIN at; required where staff sign in through Cognito.',
    }),
  }),
});

const OnboardOrganisationPayload = builder
  .objectRef<{
    organisation: Organisation;
    firstAdmin: import('@confide/store').StaffMember;
    secondAdmin?: import('@confide/store').StaffMember;
  }>('OnboardOrganisationPayload')
  .implement({
    description: 'The organisation created and its founding administrators.',
    fields: (t) => ({
      organisation: t.field({
        type: OrganisationRef,
        resolve: (p) => p.organisation,
        description: 'Created.',
      }),
      firstAdmin: t.field({
        type: StaffMemberRef,
        resolve: (p) => p.firstAdmin,
        description: 'Its ORG_ADMIN.',
      }),
      secondAdmin: t.field({
        type: StaffMemberRef,
        nullable: true,
        resolve: (p) => p.secondAdmin ?? null,
        description: 'Its second ORG_ADMIN, when the input named one.',
      }),
    }),
  });

const OffboardOrganisationInput = builder.inputType('OffboardOrganisationInput', {
  description: 'Which organisation to offboard, and the KMS key deletion window.',
  fields: (t) => ({
    organisationId: t.id({ required: true, description: 'The organisation’s id.' }),
    pendingWindowInDays: t.int({
      required: false,
      description: 'Days before the KMS key is deleted (7–30, default 30).',
    }),
  }),
});

function organisationIdArg(value: string | number): OrgId {
  const id = String(value);
  if (!isIdOf('org', id)) throw notFound('Organisation');
  return asOrgId(id);
}

/**
 * The organisation an operator acts on: NOT_FOUND when there is none, CONFLICT once it is offboarded, unless
 * `unfinishedOffboarding` admits one whose offboarding a fault stopped (to complete it).
 */
async function activeOrganisation(
  context: ConfideContext,
  orgId: OrgId,
  options: { readonly unfinishedOffboarding?: boolean } = {},
): Promise<Organisation> {
  const organisation = await context.services.directory.organisation(orgId);
  if (!organisation) throw notFound('Organisation');
  if (options.unfinishedOffboarding && offboardingUnfinished(organisation)) return organisation;
  if (organisation.status === 'OFFBOARDED') {
    throw new ConfideError(ErrorCode.CONFLICT, 'The organisation is offboarded.');
  }
  return organisation;
}

/**
 * The staff member an operator names: their staff id as `confide users` lists it, or the StaffMember id the person
 * reads from `me` (the charity's own front-ends show that one).
 */
function staffIdArg(value: string | number): string {
  const id = String(value);
  if (isIdOf('staff', id)) return id;
  try {
    return localId(id, 'StaffMember', 'staff');
  } catch {
    throw badInput(['staffId'], 'staffId is a staff id (stf_…) or a StaffMember id.');
  }
}

/** A platform audit event of one step of an operator's `operation` on an organisation. */
const platformStep = (operation: string, orgId: OrgId) => (outcome: string, rule: string) => ({
  action: 'ADMIN' as const,
  operation,
  subjectId: orgId,
  outcome,
  rule,
});

/**
 * A step of a request one operator makes and a second runs (offboarding, restoring an administration). With none
 * pending, the platform audit records the request before `ask` stores it (no audit, no request), and the call answers
 * APPROVAL_REQUIRED with what `ask` returns. The operator who asked cannot run it (FORBIDDEN, recorded as DENIED).
 * `check` then refuses a call the pending request cannot run as made, and `run` runs it between ALLOWED and its
 * outcome. `rules` prefixes the audit's rule ids.
 */
async function twoOperatorStep<P extends { readonly proposedBy: string }, T>(
  context: ConfideContext,
  event: ReturnType<typeof platformStep>,
  rules: string,
  request: {
    readonly pending: P | undefined;
    readonly ask: () => Promise<{ readonly message: string; readonly details: Record<string, unknown> }>;
    readonly check?: (pending: P) => Promise<void>;
    readonly run: (pending: P) => Promise<T>;
  },
): Promise<T> {
  const audit = context.access.audit;
  const { pending } = request;
  if (!pending) {
    await audit.recordBeforeChange(event('APPROVAL_REQUESTED', `${rules}.requested`));
    const { message, details } = await request.ask();
    throw new ConfideError(ErrorCode.APPROVAL_REQUIRED, message, { details });
  }
  if (pending.proposedBy === operatorPrincipal(context).operatorId) {
    audit.record({ ...event('FORBIDDEN', `${rules}.own-request`), action: 'DENIED' });
    throw forbidden('The operator who asked cannot approve it.');
  }
  await request.check?.(pending);
  await audit.recordBeforeChange(event('ALLOWED', `${rules}.second-operator`));
  try {
    const done = await request.run(pending);
    audit.record(event('COMPLETED', `${rules}.second-operator`));
    return done;
  } catch (error) {
    audit.record(event(failureOutcome(error), `${rules}.second-operator`));
    throw error;
  }
}

/** The outcome of a failed platform operation, for the platform audit log: the error code only. */
function failureOutcome(error: unknown): string {
  return error instanceof ConfideError ? error.code : ErrorCode.INTERNAL;
}

const ExportWaiverReasonEnum = builder.enumType('ExportWaiverReason', {
  description:
    'Why an organisation is offboarded without its records handed back to it (decision 0034): CONTROLLER_DECLINED (it said in writing it does not want them), CONTROLLER_HOLDS_COPY (it confirmed it holds a complete copy), CONTROLLER_DISSOLVED (it no longer exists).',
  values: EXPORT_WAIVER_REASONS,
});

builder.queryFields((t) => ({
  organisation: t.field({
    type: OrganisationRef,
    description: 'The caller’s own organisation.',
    // Settings only, no personal data: nothing to audit but a refusal.
    operation: { policy: 'platform.organisation.own', audit: 'fields' },
    resolve: (_operation, _args, context) => {
      const organisation = context.auth?.organisation;
      if (!organisation) throw notFound('Organisation');
      return organisation;
    },
  }),
  organisations: t.field({
    type: [OrganisationRef],
    description: 'Every organisation of the deployment (platform operators only).',
    deprecationReason:
      'A list that grows (issue 19): use `organisationsConnection`, which pages with cursors.',
    operation: { policy: 'platform.organisations.list', audit: 'after' },
    resolve: (_operation, _args, context) => context.services.directory.listOrganisations(),
  }),
  organisationsConnection: t.connection({
    type: OrganisationRef,
    description:
      'Every organisation of the deployment (platform operators only), as a cursor connection paged in the store, in a stable order by organisation id.',
    operation: { policy: 'platform.organisations.list', audit: 'after' },
    resolve: (_operation, args, context) =>
      // The platform's own list, for operators, hides nothing and belongs to no organisation: plain cursors.
      storeConnection<Organisation>(args, PLAIN_POSITIONS, (page) =>
        context.services.directory.organisationsPage(page),
      ),
  }),
}));

/** The second founding admin the input names: a handle and a display name both, or neither (BAD_USER_INPUT). */
function secondAdminOf(input: {
  secondAdminHandle?: string | null | undefined;
  secondAdminDisplayName?: string | null | undefined;
  secondAdminEmail?: string | null | undefined;
}): { secondAdmin?: FoundingAdmin } {
  const { secondAdminHandle: handle, secondAdminDisplayName: displayName, secondAdminEmail: email } = input;
  if (handle == null && displayName == null && email == null) return {};
  if (handle == null || displayName == null) {
    throw badInput(
      ['input', handle == null ? 'secondAdminHandle' : 'secondAdminDisplayName'],
      'A second admin needs both a handle and a display name.',
    );
  }
  return { secondAdmin: { handle, displayName, email: email ?? null } };
}

builder.mutationFields((t) => ({
  onboardOrganisation: t.field({
    type: OnboardOrganisationPayload,
    description:
      'Onboards a charity with its own KMS key, branch key and first ORG_ADMIN, and a second ORG_ADMIN when named (platform operators only). Recorded in the platform audit log: the request before it runs, then its outcome with the new organisation’s id.',
    args: { input: t.arg({ type: OnboardOrganisationInput, required: true }) },
    operation: {
      policy: 'platform.organisation.onboard',
      validate: ({ input }) => {
        secondAdminOf(input);
      },
      audit: 'before',
      action: 'ADMIN',
    },
    // In AWS through the provisioner function: the api role may not create KMS keys.
    resolve: async (operation, { input }, context) => {
      const audit = context.access.audit;
      try {
        const onboarded = await organisationProvisioning(context.services).onboard(
          {
            name: input.name,
            slug: input.slug,
            preset: input.preset,
            dataProcessingAgreement: input.dataProcessingAgreement ?? null,
            firstAdmin: {
              handle: input.firstAdminHandle,
              displayName: input.firstAdminDisplayName,
              email: input.firstAdminEmail ?? null,
            },
            // Absent, not null, without one: the provisioner's assertion binds the input as it parses it.
            ...secondAdminOf(input),
          },
          operation.principal,
        );
        audit.record({
          action: 'ADMIN',
          operation: 'onboardOrganisation',
          subjectId: onboarded.organisation.orgId,
          outcome: 'COMPLETED',
          rule: 'platform.organisation.onboard',
        });
        return onboarded;
      } catch (error) {
        audit.record({
          action: 'ADMIN',
          operation: 'onboardOrganisation',
          outcome: failureOutcome(error),
          rule: 'platform.organisation.onboard',
        });
        throw error;
      }
    },
  }),
  offboardOrganisation: t.field({
    type: OrganisationRef,
    description:
      'Offboards an organisation on two operators’ word (platform operators only). The first operator’s call records the request and answers APPROVAL_REQUIRED (`extensions.organisationId`), or answers EXPORT_REQUIRED and records nothing until the organisation’s records were exported to it or the export waived (decision 0034); the same call by a different operator within 72 hours refuses all further access for the organisation at once and schedules deletion of its KMS key, with the window the first operator gave. The operator who asked cannot approve their own request (FORBIDDEN). Every step is recorded in the platform audit log.',
    args: { input: t.arg({ type: OffboardOrganisationInput, required: true }) },
    // The two-operator rule is kept on the pending offboarding in the platform store (see the policy).
    operation: { policy: 'platform.organisation.offboard', audit: 'fields', action: 'ADMIN' },
    resolve: async (_operation, { input }, context) => {
      const orgId = organisationIdArg(input.organisationId);
      const window = validate.integerInRange(
        ['input', 'pendingWindowInDays'],
        input.pendingWindowInDays ?? DEFAULT_KEY_DELETION_WINDOW_DAYS,
        7,
        30,
      );
      const operator = operatorPrincipal(context).operatorId;
      const { platformAudit } = context.services;
      // An offboarding a fault left unfinished (offboarded, no key deletion date) is run again to complete it.
      await activeOrganisation(context, orgId, { unfinishedOffboarding: true });
      const pending = await platformAudit.pendingOffboarding(orgId);
      // The charity gets its records first (decision 0034): the first operator learns it now, and nothing is left
      // pending that could only fail. Checked again where the offboarding runs.
      if (!pending) await requireExportOrWaiver(context.services, orgId, window);
      return twoOperatorStep(context, platformStep('offboardOrganisation', orgId), 'platform.offboarding', {
        pending,
        ask: async () => {
          await platformAudit.proposeOffboarding(orgId, operator, window);
          return {
            message:
              'Offboarding needs a second operator: the request is recorded, and a different operator’s offboardOrganisation runs it.',
            details: { organisationId: orgId },
          };
        },
        check: async (request) => {
          if (input.pendingWindowInDays != null && window !== request.pendingWindowInDays) {
            throw new ConfideError(
              ErrorCode.CONFLICT,
              'The pending offboarding names another key deletion window: approve it as requested.',
              { field: ['input', 'pendingWindowInDays'] },
            );
          }
        },
        run: async (request) => {
          const offboarded = await organisationProvisioning(context.services).offboard(
            orgId,
            request.pendingWindowInDays,
            { proposedBy: request.proposedBy, approvedBy: operator },
          );
          await platformAudit.clearOffboarding(orgId);
          return offboarded;
        },
      });
    },
  }),
  waiveOrganisationExport: t.field({
    type: OrganisationRef,
    description:
      'Records that an organisation’s records will not be exported to it before offboarding, with a reason code and the controller’s reference (platform operators only; decision 0034). Offboarding is refused with EXPORT_REQUIRED until an export (`npx confide org export`) or a waiver is recorded; a waiver does not do while any record of the organisation is under a legal hold (held records are exported, never destroyed). Recorded in the platform audit log before it is stored.',
    args: {
      organisationId: t.arg.id({ required: true, description: 'The organisation.' }),
      reason: t.arg({ type: ExportWaiverReasonEnum, required: true, description: 'Why no export is made.' }),
      reference: t.arg.string({
        required: false,
        description:
          'The controller’s reference (a letter, a ticket): letters, digits and ._/- only, at most 64.',
      }),
    },
    operation: {
      policy: 'platform.organisation.export.waive',
      // The reason code is the qualifier of the event's rule (`platform.organisation.export.waived.<reason>`).
      change: (args) => ({ detail: args.reason }),
      validate: async (args, context) => {
        if (args.reference != null && !EXPORT_REFERENCE.test(args.reference)) {
          throw new ConfideError(
            ErrorCode.BAD_USER_INPUT,
            'The reference takes 1–64 letters, digits, ".", "_", "/" or "-".',
            { field: ['reference'] },
          );
        }
        await activeOrganisation(context, organisationIdArg(args.organisationId));
      },
      record: (args) => ({ subjectId: organisationIdArg(args.organisationId) }),
      // Written to the platform audit log before the waiver is stored: no audit, no waiver.
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (_operation, args, context) => {
      const orgId = organisationIdArg(args.organisationId);
      await organisationExports(context.services).record(tenantScope(orgId), {
        kind: 'WAIVED',
        by: operatorPrincipal(context).operatorId,
        reason: args.reason,
        reference: args.reference ?? undefined,
      });
      const organisation = await context.services.directory.organisation(orgId);
      if (!organisation) throw notFound('Organisation');
      return organisation;
    },
  }),
  confirmOrganisationAdministrator: t.field({
    type: OrganisationRef,
    description:
      'Confirms, as its second person, an organisation’s pending change that gives ORG_ADMIN, when its proposer is the organisation’s only ORG_ADMIN (platform operators only; decision 0081). One admin gives no role that lets its holder approve: an organisation onboarded with one admin gets its second this way, on the charity’s request. Nothing changes until the proposer approves the change (`approveChange`), which they may then do. BAD_USER_INPUT for a change that does not give ORG_ADMIN, NOT_FOUND for none pending, CONFLICT while the organisation has another ORG_ADMIN (who approves it). Recorded in the platform audit log before it is stored.',
    args: {
      organisationId: t.arg.id({ required: true, description: 'The organisation.' }),
      approvalId: t.arg.id({
        required: true,
        description: 'The pending change (`extensions.approvalId` of the admin’s APPROVAL_REQUIRED).',
      }),
    },
    operation: {
      policy: 'platform.organisation.admin.confirm',
      validate: async (args, context) => {
        const orgId = organisationIdArg(args.organisationId);
        await activeOrganisation(context, orgId);
        const scope = tenantScope(orgId);
        const approval = await context.services.approvals.get(scope, String(args.approvalId));
        if (approval?.status !== 'PENDING') throw notFound('Pending change');
        if (approval.rule !== APPROVER_ROLE_RULE) {
          throw badInput(['approvalId'], 'An operator confirms only a change that gives ORG_ADMIN.');
        }
        // Checked accounts (their access MACs): a second admin hidden by a raw write fails this closed.
        const admins = (await context.services.directory.listStaff(scope)).filter(
          (staff) => staff.status === 'ACTIVE' && staff.roles.includes('ORG_ADMIN'),
        );
        if (admins.some((admin) => admin.staffId !== approval.proposedBy)) {
          throw new ConfideError(
            ErrorCode.CONFLICT,
            'The organisation has another ORG_ADMIN: they approve the change.',
          );
        }
      },
      record: (args) => ({ subjectId: organisationIdArg(args.organisationId) }),
      // Written to the platform audit log before the confirmation is stored: no audit, no confirmation.
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (_operation, args, context) => {
      const orgId = organisationIdArg(args.organisationId);
      await context.services.approvals.confirmByOperator(
        tenantScope(orgId),
        String(args.approvalId),
        operatorPrincipal(context).operatorId,
      );
      const organisation = await context.services.directory.organisation(orgId);
      if (!organisation) throw notFound('Organisation');
      return organisation;
    },
  }),
  restoreOrganisationAdministrator: t.field({
    type: OrganisationRef,
    description:
      'Restores an organisation’s administration once its admins have all left (platform operators only; decision 0109). The first operator’s call records the request (APPROVAL_REQUIRED, `extensions.restorationId`); a different operator’s same call within 72 hours gives the named staff member ORG_ADMIN, deactivates every other admin account and notifies the governance contacts. Recorded in the platform audit log.',
    args: {
      organisationId: t.arg.id({ required: true, description: 'The organisation.' }),
      staffId: t.arg.id({
        required: true,
        description:
          'The active staff member the charity names: their staff id (stf_…, as `confide users` lists it) or their StaffMember id.',
      }),
    },
    // The two-operator rule is kept on the pending restoration in the platform store, as offboarding's is.
    operation: {
      policy: 'platform.organisation.admin.restore',
      audit: 'fields',
      action: 'ADMIN',
    },
    resolve: async (_operation, args, context) => {
      const orgId = organisationIdArg(args.organisationId);
      const staffId = staffIdArg(args.staffId);
      const { platformAudit, directory } = context.services;
      const event = platformStep('restoreOrganisationAdministrator', orgId);
      const organisation = await activeOrganisation(context, orgId);
      const scope = tenantScope(orgId);
      const pending = await platformAudit.pendingAdminRestoration(orgId);
      const named = await directory.staff(scope, pending?.staffId ?? staffId);
      if (!pending) {
        if (!named) throw notFound('Staff member');
        if (named.status !== 'ACTIVE') {
          throw new ConfideError(ErrorCode.CONFLICT, 'The staff member is deactivated.', {
            field: ['staffId'],
          });
        }
        if (named.roles.includes('ORG_ADMIN')) {
          throw new ConfideError(ErrorCode.CONFLICT, 'The staff member is already an ORG_ADMIN.', {
            field: ['staffId'],
          });
        }
      }
      return twoOperatorStep(context, event, 'platform.admin-restoration', {
        pending,
        ask: async () => {
          const proposed = await platformAudit.proposeAdminRestoration(
            orgId,
            operatorPrincipal(context).operatorId,
            staffId,
          );
          return {
            message: 'A second operator runs the restoration: the request is recorded.',
            details: { organisationId: orgId, restorationId: proposed.restorationId },
          };
        },
        check: async (request) => {
          if (request.staffId !== staffId) {
            throw new ConfideError(
              ErrorCode.CONFLICT,
              'The pending restoration names another staff member.',
              {
                field: ['staffId'],
              },
            );
          }
          // A request naming an account deactivated meanwhile can never run: withdrawn, so the charity can be asked
          // again now rather than after it lapses.
          if (named?.status !== 'ACTIVE') {
            await platformAudit.clearAdminRestoration(orgId);
            context.access.audit.record(event('CONFLICT', 'platform.admin-restoration.withdrawn'));
            throw new ConfideError(
              ErrorCode.CONFLICT,
              'The account the request named is no longer active: the request is withdrawn.',
              { field: ['staffId'] },
            );
          }
        },
        run: async (request) => {
          await restoreAdministration(context.services, scope, named, request, operatorPrincipal(context));
          await platformAudit.clearAdminRestoration(orgId);
          return organisation;
        },
      });
    },
  }),
}));
