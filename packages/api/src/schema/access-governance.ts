import { type ClassificationExplanation, clientVisible, explain } from '@confide/access';
import {
  ConfideError,
  EMERGENCY_REASONS,
  type EmergencyReason,
  ErrorCode,
  forbidden,
  isIdOf,
  newId,
  notFound,
  validate,
} from '@confide/domain';
import type { EmergencyReview, StoredAuditEvent } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../builder';
import { authenticated, type ConfideContext, callerScope, hasRole, staffPrincipal } from '../context';
import { organisationRetention } from './breaches';
import { localId } from './ids';
import { OrganisationRef } from './organisations';
import { AccessPresetEnum, ClassificationEnum, RelationshipEnum } from './vocabulary';

const EMERGENCY_WINDOW_MS = 60 * 60 * 1000;

const EmergencyReasonEnum = builder.enumType('EmergencyReason', {
  description:
    'Why break-glass access was opened. Sealed items open only for IMMINENT_DANGER or SAFEGUARDING (ACCESS-MODEL.md).',
  values: EMERGENCY_REASONS,
});

const ReviewOutcomeEnum = builder.enumType('ReviewOutcome', {
  description: 'The reviewer’s finding on an emergency access.',
  values: ['JUSTIFIED', 'UNJUSTIFIED'] as const,
});

const AccessEffectEnum = builder.enumType('AccessEffect', {
  description: 'What the caller gets when reading fields of a classification.',
  values: ['ALLOW', 'JUSTIFICATION_REQUIRED', 'FORBIDDEN', 'NOT_FOUND', 'POLICY_NOT_ACKNOWLEDGED'] as const,
});

// ── Policy acknowledgement gate and presets ────────────────────────────────────────────────────────────────

builder.mutationFields((t) => ({
  publishConfidentialityPolicy: t.field({
    type: OrganisationRef,
    description:
      'Publishes a new version of the organisation’s confidentiality policy; every staff member must acknowledge it before reading client records again (ORG_ADMIN, IG_LEAD).',
    args: {
      title: t.arg.string({ required: true, description: 'Title or reference of the policy version.' }),
    },
    operation: {
      policy: 'organisation.policy.publish',
      validate: (args) => validate.text(['title'], args.title, { max: 200 }),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) =>
      context.services.directory.publishPolicy(
        operation.scope.orgId,
        validate.text(['title'], args.title, { max: 200 }),
      ),
  }),
  acknowledgePolicy: t.field({
    type: 'Int',
    description: 'Signs that the caller has read the given (current) policy version; returns it.',
    args: { version: t.arg.int({ required: true, description: 'The current policy version.' }) },
    operation: {
      policy: 'organisation.policy.acknowledge',
      validate: (args, context) => {
        const { organisation } = authenticated(context);
        if (organisation?.policyVersion === undefined || args.version !== organisation.policyVersion) {
          throw validate.badInputError(['version'], 'That is not the organisation’s current policy version.');
        }
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      await context.services.directory.acknowledgePolicy(
        operation.scope,
        operation.staff.staffId,
        args.version,
      );
      return args.version;
    },
  }),
  setAccessPreset: t.field({
    type: OrganisationRef,
    description:
      'Changes the organisation’s access preset (ORG_ADMIN). GROUP_WIDE never lowers the platform floor. Switching to GROUP_WIDE needs two people: the call answers APPROVAL_REQUIRED with `extensions.approvalId`, and the change is made when the Caldicott Guardian approves it (`approveChange`). Audited before it happens, naming the preset.',
    args: {
      preset: t.arg({ type: AccessPresetEnum, required: true, description: 'The new preset.' }),
      expectedVersion: t.arg.int({ required: true, description: 'The organisation version read.' }),
    },
    operation: {
      policy: 'organisation.preset',
      change: (args, context) => ({
        widensPreset: args.preset === 'GROUP_WIDE' && context.access.preset !== 'GROUP_WIDE',
      }),
      record: (args) => ({ fields: [args.preset] }),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: (operation, args, context) =>
      context.services.directory.setPreset(operation.scope.orgId, args.preset, args.expectedVersion),
  }),
}));

// ── Conflicts of interest and investigations ─────────────────────────────────────────────────────────────

const ConnectionEnum = builder.enumType('ConflictConnection', {
  description: 'How a staff member is connected to a client, or NAMED_BY_CLIENT when the client asked.',
  values: ['RELATIVE', 'NEIGHBOUR', 'FORMER_PARTNER', 'FRIEND', 'NAMED_BY_CLIENT', 'OTHER'] as const,
});

async function conflictTarget(
  context: ConfideContext,
  serviceUserGlobalId: string | number,
  staffGlobalId: string | number,
) {
  const caller = staffPrincipal(context);
  const staffId = localId(staffGlobalId, 'StaffMember', 'staff', 'Staff member');
  const clientId = localId(serviceUserGlobalId, 'ServiceUser', 'serviceUser', 'Service user');
  const scope = callerScope(context);
  // Staff declare their own connections without needing access; managers, HR and senior managers for others.
  if (staffId === caller.staffId) {
    const client = await context.services.serviceUsers.get(scope, clientId, context.access.loader);
    if (!client) throw notFound('Service user');
    return { client, staffId };
  }
  const client = await context.access.visibleClient(clientId, 'declareConflict');
  const relation = await context.access.relationTo(client);
  if (!relation.managesService && !hasRole(context, 'HR_OFFICER') && !hasRole(context, 'SENIOR_MANAGER')) {
    throw forbidden();
  }
  if (!(await context.services.directory.staff(scope, staffId))) throw notFound('Staff member');
  return { client, staffId };
}

builder.mutationFields((t) => ({
  declareConflict: t.field({
    type: 'Boolean',
    description:
      'Declares that a staff member is connected to a client (or that the client named them): they are denied that client whatever their role. Audited.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The client.' }),
      staffId: t.arg.id({ required: true, description: 'The staff member.' }),
      connection: t.arg({ type: ConnectionEnum, required: true, description: 'The connection.' }),
    },
    resolve: async (_root, args, context) => {
      const { client, staffId } = await conflictTarget(context, args.serviceUserId, args.staffId);
      await context.services.serviceUsers.setConflict(callerScope(context), client.clientId, staffId, true);
      context.access.audit.record({
        action: 'ADMIN',
        operation: 'declareConflict',
        subjectId: client.clientId,
        outcome: 'ALLOWED',
        rule: `conflict.${args.connection}`,
      });
      return true;
    },
  }),
  clearConflict: t.field({
    type: 'Boolean',
    description: 'Clears a declared conflict of interest (managers, HR, senior managers). Audited.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The client.' }),
      staffId: t.arg.id({ required: true, description: 'The staff member.' }),
    },
    resolve: async (_root, args, context) => {
      if (localId(args.staffId, 'StaffMember', 'staff') === staffPrincipal(context).staffId) {
        throw forbidden('A conflict is cleared by a manager, not by the person it concerns.');
      }
      const { client, staffId } = await conflictTarget(context, args.serviceUserId, args.staffId);
      await context.services.serviceUsers.setConflict(callerScope(context), client.clientId, staffId, false);
      context.access.audit.record({
        action: 'ADMIN',
        operation: 'clearConflict',
        subjectId: client.clientId,
        outcome: 'ALLOWED',
      });
      return true;
    },
  }),
  openSafeguardingInvestigation: t.field({
    type: 'String',
    description:
      'Opens a safeguarding investigation naming clients, with a SAFEGUARDING_LEAD as investigator; every read under it needs a stated reason (Azure 4.1). Returns the investigation id.',
    authScopes: { staff: true },
    args: {
      serviceUserIds: t.arg.idList({ required: true, description: 'The clients it concerns.' }),
      investigatorId: t.arg.id({ required: true, description: 'The investigating safeguarding lead.' }),
    },
    resolve: async (_root, args, context) => {
      const scope = callerScope(context);
      const investigatorId = localId(args.investigatorId, 'StaffMember', 'staff', 'Staff member');
      const investigator = await context.services.directory.staff(scope, investigatorId);
      if (!investigator?.roles.includes('SAFEGUARDING_LEAD')) {
        throw validate.badInputError(['investigatorId'], 'The investigator must be a safeguarding lead.');
      }
      const ids = validate.nonEmptyUnique(['serviceUserIds'], args.serviceUserIds);
      const clients = await Promise.all(
        ids.map((id) =>
          context.access.visibleClient(
            localId(id, 'ServiceUser', 'serviceUser'),
            'openSafeguardingInvestigation',
          ),
        ),
      );
      for (const client of clients) {
        const relation = await context.access.relationTo(client);
        if (!relation.managesService && !hasRole(context, 'SENIOR_MANAGER')) throw forbidden();
      }
      const investigationId = newId('investigation');
      for (const client of clients) {
        await context.services.serviceUsers.linkInvestigation(scope, client.clientId, {
          investigationId,
          investigatorId,
          status: 'OPEN',
        });
        context.access.audit.record({
          action: 'ADMIN',
          operation: 'openSafeguardingInvestigation',
          subjectId: client.clientId,
          outcome: 'ALLOWED',
        });
      }
      return investigationId;
    },
  }),
}));

// ── Break-glass ────────────────────────────────────────────────────────────────────────────────────────────

const EmergencyReviewRef = builder.objectRef<EmergencyReview>('EmergencyAccessReview');
EmergencyReviewRef.implement({
  description:
    'The review an emergency access raises for the service manager and the Caldicott Guardian. Carries references only.',
  fields: (t) => ({
    id: t.exposeID('reviewId', { description: 'The review.' }),
    staffId: t.globalID({
      description: 'Who broke the glass.',
      resolve: (r) => ({ type: 'StaffMember', id: r.staffId }),
    }),
    serviceUserId: t.globalID({
      description: 'Whose record was opened.',
      resolve: (r) => ({ type: 'ServiceUser', id: r.clientId }),
    }),
    reason: t.field({
      type: EmergencyReasonEnum,
      description: 'The stated reason.',
      resolve: (r) => r.reason,
    }),
    detail: t.string({
      nullable: true,
      description: 'The stated detail, for the reviewers.',
      resolve: async (review, _args, context) => {
        const key = await context.access.loader.subjectKey(callerScope(context).orgId, review.clientId);
        return key ? context.services.emergencyReviews.openDetail(key, review) : null;
      },
    }),
    openedAt: t.field({ type: 'DateTime', description: 'When opened.', resolve: (r) => r.openedAt }),
    until: t.field({
      type: 'DateTime',
      description: 'When the access ends (at most one hour).',
      resolve: (r) => r.until,
    }),
    status: t.string({ description: 'PENDING or COMPLETED.', resolve: (r) => r.status }),
    outcome: t.field({
      type: ReviewOutcomeEnum,
      nullable: true,
      description: 'The finding.',
      resolve: (r) => r.outcome ?? null,
    }),
  }),
});

/** The Caldicott Guardian reviews every emergency access; a service manager those of their services. */
function mayReview(context: ConfideContext, review: EmergencyReview): boolean {
  return hasRole(context, 'CALDICOTT_GUARDIAN') || context.access.managesService(review.serviceId);
}

builder.mutationFields((t) => ({
  openEmergencyAccess: t.field({
    type: EmergencyReviewRef,
    description:
      'Break-glass: opens access to one client for at most one hour, with a reason. Every read under it is audited as emergency and a review is raised. Staff who already have a relationship never need it.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The client.' }),
      reason: t.arg({ type: EmergencyReasonEnum, required: true, description: 'Why.' }),
      detail: t.arg.string({ required: true, description: 'What is happening (kept for the reviewers).' }),
    },
    resolve: async (_root, args, context) => {
      const caller = staffPrincipal(context);
      const scope = callerScope(context);
      const clientId = localId(args.serviceUserId, 'ServiceUser', 'serviceUser', 'Service user');
      const detail = validate.text(['detail'], args.detail, { max: 2000, multiline: true });
      const client = await context.services.serviceUsers.get(scope, clientId, context.access.loader);
      if (!client) throw notFound('Service user');
      const relation = await context.access.relationTo(client);
      if (relation.conflict) throw forbidden('A declared conflict of interest bars access to this client.');
      const facts = context.access.callerFacts();
      if (facts.kind === 'STAFF' && !facts.acknowledgedPolicy) {
        throw new ConfideError(
          ErrorCode.POLICY_NOT_ACKNOWLEDGED,
          'Acknowledge the current confidentiality policy first.',
        );
      }
      if (clientVisible(facts, { ...relation, emergency: undefined }, context.access.preset)) {
        throw new ConfideError(
          ErrorCode.CONFLICT,
          'You already have access to this client; no emergency access is needed.',
        );
      }
      const until = new Date(context.services.clock.now().getTime() + EMERGENCY_WINDOW_MS);
      const reason = args.reason as EmergencyReason;
      const key = await context.access.clientKey(client);
      const review = await context.services.emergencyReviews.open(scope, key, {
        staffId: caller.staffId,
        clientId,
        serviceId: client.serviceId,
        reason,
        detail,
        until,
      });
      await context.services.directory.recordEmergencyGrant(scope, caller.staffId, clientId, {
        grantId: review.reviewId,
        reason,
        until: until.toISOString(),
      });
      context.access.audit.record({
        action: 'EMERGENCY_ACCESS',
        operation: 'openEmergencyAccess',
        subjectId: clientId,
        relationship: 'EMERGENCY',
        emergency: true,
        outcome: 'ALLOWED',
        rule: `emergency.${reason}`,
      });
      return review;
    },
  }),
  completeEmergencyAccessReview: t.field({
    type: EmergencyReviewRef,
    description: 'Records the review’s finding (the service manager or the Caldicott Guardian).',
    authScopes: { staff: true },
    args: {
      reviewId: t.arg.id({ required: true, description: 'The review.' }),
      outcome: t.arg({ type: ReviewOutcomeEnum, required: true, description: 'The finding.' }),
    },
    resolve: async (_root, args, context) => {
      const reviewId = String(args.reviewId);
      if (!isIdOf('emergency', reviewId)) throw notFound('Review');
      const review = await context.services.emergencyReviews.get(callerScope(context), reviewId);
      if (!review || !mayReview(context, review)) throw notFound('Review');
      if (review.staffId === staffPrincipal(context).staffId)
        throw forbidden('Nobody reviews their own emergency access.');
      const completed = await context.services.emergencyReviews.complete(review, {
        outcome: args.outcome,
        reviewedBy: staffPrincipal(context).staffId,
      });
      context.access.audit.record({
        action: 'ADMIN',
        operation: 'completeEmergencyAccessReview',
        subjectId: review.clientId,
        outcome: 'ALLOWED',
        rule: `review.${args.outcome}`,
      });
      if (args.outcome === 'UNJUSTIFIED') {
        // An unjustified emergency access is a breach discovered now: the entry opens with its clock running.
        await context.services.breaches.open(
          callerScope(context),
          {
            source: 'EMERGENCY_REVIEW_UNJUSTIFIED',
            discoveredAt: context.services.clock.now(),
            nature: 'Emergency access found unjustified on review.',
            categories: ['CLIENT_RECORD'],
            approximateSubjects: 1,
            reference: review.reviewId,
            recordedBy: staffPrincipal(context).staffId,
          },
          organisationRetention(context),
        );
      }
      return completed;
    },
  }),
}));

builder.queryFields((t) => ({
  emergencyAccessReviews: t.field({
    type: [EmergencyReviewRef],
    description:
      'Emergency accesses to review: all for the Caldicott Guardian, their services’ for a service manager.',
    authScopes: { staff: true },
    args: { status: t.arg.string({ required: false, description: 'PENDING or COMPLETED.' }) },
    resolve: async (_root, args, context) => {
      const status = args.status === 'PENDING' || args.status === 'COMPLETED' ? args.status : undefined;
      const reviews = await context.services.emergencyReviews.list(callerScope(context), status);
      const visible = reviews.filter((review) => mayReview(context, review));
      // Each review is about a person (its detail is sealed under their key): recorded against each.
      for (const review of visible) {
        context.access.audit.record({
          action: 'READ',
          operation: 'emergencyAccessReviews',
          subjectId: review.clientId,
          field: 'EmergencyAccessReview',
          outcome: 'ALLOWED',
          rule: 'review.listed',
        });
      }
      return visible;
    },
  }),
}));

// ── Explain and access log ───────────────────────────────────────────────────────────────────────────────

const ClassificationAccessRef = builder.objectRef<ClassificationExplanation>('ClassificationAccess');
ClassificationAccessRef.implement({
  description: 'Why the caller can or cannot read one classification of a client’s data.',
  fields: (t) => ({
    classification: t.field({
      type: ClassificationEnum,
      description: 'The classification.',
      resolve: (e) => e.classification,
    }),
    effect: t.field({
      type: AccessEffectEnum,
      description: 'What the caller gets.',
      resolve: (e) => e.effect,
    }),
    relationship: t.field({
      type: RelationshipEnum,
      nullable: true,
      description: 'The relationship it rests on.',
      resolve: (e) => e.relationship ?? null,
    }),
    rule: t.string({ description: 'The rule that decides.', resolve: (e) => e.rule }),
    reason: t.string({ description: 'The same, in plain words.', resolve: (e) => e.reason }),
  }),
});

export const AccessEventRef = builder.objectRef<StoredAuditEvent>('AccessEvent');
AccessEventRef.implement({
  description: 'One audited access to a record. Never contains the personal data itself.',
  fields: (t) => ({
    id: t.exposeID('eventId', { description: 'The event.' }),
    at: t.field({ type: 'DateTime', description: 'When.', resolve: (e) => e.at }),
    actorKind: t.string({ description: 'STAFF, SERVICE_USER or PARTNER.', resolve: (e) => e.actor.kind }),
    actorId: t.string({
      description: 'Who (staff, service user or partner id).',
      resolve: (e) => e.actor.id,
    }),
    actorRoles: t.stringList({
      description: 'The actor’s roles at the time.',
      resolve: (e) => [...e.actor.roles],
    }),
    action: t.string({
      description: 'READ, WRITE, DENIED, EMERGENCY_ACCESS or ADMIN.',
      resolve: (e) => e.action,
    }),
    operation: t.exposeString('operation', { description: 'The API operation.' }),
    fields: t.stringList({ description: 'Fields touched.', resolve: (e) => [...e.fields] }),
    classifications: t.field({
      type: [ClassificationEnum],
      description: 'Their classifications.',
      resolve: (e) => [...e.classifications],
    }),
    relationship: t.field({
      type: RelationshipEnum,
      nullable: true,
      description: 'The relationship used.',
      resolve: (e) => e.relationship ?? null,
    }),
    purpose: t.string({
      nullable: true,
      description: 'The stated purpose.',
      resolve: (e) => e.purpose ?? null,
    }),
    emergency: t.boolean({ description: 'Under break-glass.', resolve: (e) => e.emergency }),
    outcome: t.exposeString('outcome', { description: 'ALLOWED, or the refusal given.' }),
  }),
});

builder.queryFields((t) => ({
  accessExplanation: t.field({
    type: [ClassificationAccessRef],
    description:
      'Why the caller can or cannot read each classification of this client: the relationship and rule behind each, revealing nothing else.',
    authScopes: { staff: true },
    args: { serviceUserId: t.arg.id({ required: true, description: 'The client.' }) },
    resolve: async (_root, args, context) => {
      const client = await context.access.visibleClient(
        localId(args.serviceUserId, 'ServiceUser', 'serviceUser', 'Service user'),
        'accessExplanation',
      );
      return explain(
        context.access.callerFacts(),
        await context.access.relationTo(client),
        context.access.preset,
      );
    },
  }),
  accessLog: t.connection({
    type: AccessEventRef,
    description:
      'Every audited access to a client’s record, newest first (IG_LEAD, CALDICOTT_GUARDIAN, the service’s managers).',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The client.' }),
      from: t.arg({ type: 'DateTime', required: false, description: 'From this instant.' }),
      to: t.arg({ type: 'DateTime', required: false, description: 'Up to this instant.' }),
    },
    resolve: async (_root, args, context) => {
      const client = await context.access.visibleClient(
        localId(args.serviceUserId, 'ServiceUser', 'serviceUser', 'Service user'),
        'accessLog',
      );
      const relation = await context.access.relationTo(client);
      if (
        !hasRole(context, 'IG_LEAD') &&
        !hasRole(context, 'CALDICOTT_GUARDIAN') &&
        !relation.managesService
      ) {
        throw forbidden();
      }
      const events = await context.services.auditLog.bySubject(callerScope(context), client.clientId, {
        from: args.from?.toISOString(),
        to: args.to?.toISOString(),
        limit: 500,
      });
      return resolveArrayConnection({ args }, events);
    },
  }),
}));
