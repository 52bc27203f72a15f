import {
  type ChangeFacts,
  OPERATION_POLICIES,
  type OperationDecision,
  type OperationFacts,
  type OperationPolicy,
  type OperationPolicyId,
} from '@confide/access';
import {
  ConfideError,
  ErrorCode,
  forbidden,
  notFound,
  type OrgId,
  type PartnerPrincipal,
  type Principal,
  type StaffPrincipal,
  type TenantPrincipal,
  unauthenticated,
} from '@confide/domain';
import type { AuditAction, ServiceUserRecord, StaffMember, TenantScope } from '@confide/store';
import { tenantScope } from '@confide/store';
import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type InputShapeFromFields,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type TypeParam,
} from '@pothos/core';
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import type { ConfideContext } from '../context';
import type { AuditRecord } from './audit-trail';
import { readRefusal, staffRelationTo } from './request-access';

/** What an operation acts on, as the plugin loaded it for the policy and hands it to the resolver. */
export type OperationSubject =
  | { readonly kind: 'NONE' }
  | { readonly kind: 'CLIENT'; readonly client: ServiceUserRecord }
  | { readonly kind: 'STAFF'; readonly staffId: string }
  | { readonly kind: 'SERVICE'; readonly serviceId: string };

/** Loads what an operation acts on (see {@link OperationOptions.subject}). */
export type SubjectLoader<Args> = (
  args: Args,
  context: ConfideContext,
  proposed?: { readonly subjectId: string | undefined },
) => OperationSubject | Promise<OperationSubject>;

/** Starts a subject loader's reads in the organisation the verified token names; decides nothing. */
type SubjectPrefetch = (args: never, context: ConfideContext, orgId: OrgId) => void;

const prefetchers = new WeakMap<object, SubjectPrefetch>();

/**
 * Gives a subject loader a prefetch: while the caller's account is still being read, the plugin starts the
 * subject's reads in the organisation the verified token names, so that both travel in one round trip (issue 18).
 * Nothing is decided from or served out of them until the caller is confirmed.
 */
export function withPrefetch<Args, Result>(
  load: (args: Args, context: ConfideContext) => Result,
  prefetch: (args: Args, context: ConfideContext, orgId: OrgId) => void,
): (args: Args, context: ConfideContext) => Result {
  prefetchers.set(load, prefetch as SubjectPrefetch);
  return load;
}

/** Who a verified token says the caller is, before the table has confirmed it. */
export interface TokenClaim {
  readonly orgId: OrgId;
  readonly staffId: string | undefined;
}

/**
 * How a query or mutation is governed: the policy that decides it, how to find what it acts on, the facts of
 * its arguments the policy needs, and when its audit event is written.
 * - `audit: 'before'`: the event is written before the resolver runs (a change: if the audit cannot be
 *   written, nothing changes);
 * - `'with-change'`: the event is written in the same transaction as the change, which the resolver hands to
 *   `context.access.audit.commitWithChange` (one round trip fewer than `'before'`, same guarantee: no change without
 *   its event, and the event only with the change or, if the change's conditions refuse it, after execution);
 * - `'after'`: recorded when the resolver succeeds and written with the request's other events before the
 *   response leaves (a read);
 * - `'fields'`: the classified fields it returns record their own reads; only a refusal is recorded here.
 */
export interface OperationOptions<Args> {
  readonly policy: OperationPolicyId;
  /**
   * Loads what the operation acts on. When a second person runs an approved change, `proposed` carries the
   * subject id recorded with the proposal (so an operation that creates its subject keeps the id it proposed).
   */
  readonly subject?: SubjectLoader<Args>;
  readonly change?: (
    args: Args,
    context: ConfideContext,
    subject: OperationSubject,
  ) => ChangeFacts | Promise<ChangeFacts>;
  readonly audit: 'before' | 'with-change' | 'after' | 'fields';
  /**
   * Starts reads of what the operation will need beside the login lookup, in the organisation (and as the staff
   * member) the verified token names. Nothing read is used until the caller is confirmed as that principal.
   */
  readonly prefetch?: (args: Args, context: ConfideContext, claim: TokenClaim) => void;
  /** The audit action of an allowed call: WRITE for mutations and READ for queries unless given. */
  readonly action?: AuditAction;
  /**
   * Checks the arguments against the subject's state once the policy has admitted the caller and before anything
   * is proposed, audited or changed: BAD_USER_INPUT and CONFLICT thrown here change and record nothing, and a
   * caller the policy refuses is told FORBIDDEN, not what was wrong with their input. A refusal thrown here
   * (NOT_FOUND, FORBIDDEN, CONSENT_REQUIRED) is recorded as DENIED, never after an ALLOWED event.
   */
  readonly validate?: (args: Args, context: ConfideContext, subject: OperationSubject) => unknown;
  /**
   * What the operation's events name beyond its subject: another subject id (a team change names the staff
   * member, not the service) and `fields` (e.g. the roles given; never personal data).
   */
  readonly record?: (
    args: Args,
    subject: OperationSubject,
    context: ConfideContext,
  ) => {
    readonly subjectId?: string;
    readonly fields?: readonly string[];
    /** Further subjects the allowed event is also recorded against (an investigation naming several clients). */
    readonly alsoSubjectIds?: readonly string[];
    /** The disclosure the allowed event records making, by id (decision 0150); the resolver has it as `operation.disclosureId`. */
    readonly disclosureId?: string;
  };
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      operationPolicy: OperationPolicyPlugin<Types>;
    }
    export interface QueryFieldOptions<
      Types extends SchemaTypes,
      Type extends TypeParam<Types>,
      Nullable extends FieldNullability<Type>,
      Args extends InputFieldMap,
      ResolveReturnShape,
    > {
      /** Required on every query: the operation policy that decides it (see access/operation-plugin.ts). */
      operation?: OperationOptions<InputShapeFromFields<Args>>;
    }
    export interface MutationFieldOptions<
      Types extends SchemaTypes,
      Type extends TypeParam<Types>,
      Nullable extends FieldNullability<Type>,
      Args extends InputFieldMap,
      ResolveReturnShape,
    > {
      /** Required on every mutation: the operation policy that decides it. */
      operation?: OperationOptions<InputShapeFromFields<Args>>;
    }
  }
}

/**
 * What a governed root resolver receives as its parent: who is asking, in which organisation, about what,
 * and why it was allowed. Only built after the policy said ALLOW.
 */
export class Operation {
  constructor(
    readonly name: string,
    readonly principal: Principal,
    readonly subject: OperationSubject,
    readonly decision: OperationDecision,
    /** The staff member who proposed the change, when a second person's approval is running it. */
    readonly proposedBy?: string,
    /** Names an item on the operation's own ALLOWED event (see {@link nameItem}). */
    private readonly named: (item: string) => void = () => undefined,
    /** The disclosure its ALLOWED event names (`record`): the one the resolver makes. */
    readonly disclosureId?: string,
  ) {}

  /**
   * Names on the operation's own ALLOWED event an item it made, whose id is known only once made (an authorisation
   * given): the event that records the change says which item it is, with no event of the resolver's own.
   */
  nameItem(item: string): void {
    this.named(item);
  }

  /** The caller's organisation. Tenant policies never allow operators, so this holds in their resolvers. */
  get scope(): TenantScope {
    if (this.principal.kind === 'OPERATOR') throw forbidden();
    return tenantScope(this.principal.orgId);
  }

  get tenantPrincipal(): TenantPrincipal {
    if (this.principal.kind === 'OPERATOR') throw forbidden();
    return this.principal;
  }

  get staff(): StaffPrincipal {
    if (this.principal.kind !== 'STAFF') throw forbidden();
    return this.principal;
  }

  /** The partner agency calling: policies admitting only `PARTNER` principals make this hold in their resolvers. */
  get partner(): PartnerPrincipal {
    if (this.principal.kind !== 'PARTNER') throw forbidden();
    return this.principal;
  }

  /** The client a CLIENT operation acts on (visible to the caller: the policy checked). */
  get client(): ServiceUserRecord {
    if (this.subject.kind !== 'CLIENT') throw new Error(`${this.name} has no client subject`);
    return this.subject.client;
  }

  get subjectId(): string | undefined {
    return subjectIdOf(this.subject);
  }
}

function subjectIdOf(subject: OperationSubject): string | undefined {
  switch (subject.kind) {
    case 'CLIENT':
      return subject.client.clientId;
    case 'STAFF':
      return subject.staffId;
    case 'SERVICE':
      return subject.serviceId;
    default:
      return undefined;
  }
}

/** One governed operation as registered at schema build: for the refusal enumeration and approvals. */
export interface GovernedOperation {
  readonly name: string;
  readonly kind: 'Query' | 'Mutation';
  readonly policy: OperationPolicy;
  readonly options: OperationOptions<Record<string, unknown>>;
  /**
   * Runs the operation under its own policy and audit for another root field (`node`/`nodes` resolve a type under
   * the rules of the type's own query), optionally with another resolver that loads just what that field needs.
   */
  readonly runFor: (
    args: Record<string, unknown>,
    context: ConfideContext,
    info: GraphQLResolveInfo,
    resolve?: (operation: Operation, args: Record<string, unknown>, context: ConfideContext) => unknown,
  ) => Promise<unknown>;
  /** Runs the operation as a second person approving a pending change (see approvals). */
  readonly runApproved: (
    args: Record<string, unknown>,
    context: ConfideContext,
    info: GraphQLResolveInfo,
    proposedBy: string,
    proposedSubjectId?: string,
  ) => Promise<unknown>;
}

const governed = new Map<string, GovernedOperation>();

/** Every governed query and mutation, by field name. */
export function governedOperations(): ReadonlyMap<string, GovernedOperation> {
  return governed;
}

/** The error a refusal gives the caller. */
function refusal(decision: OperationDecision, name: string): ConfideError {
  switch (decision.effect) {
    case 'NOT_FOUND':
      return notFound();
    case 'POLICY_NOT_ACKNOWLEDGED':
      return readRefusal({ effect: 'POLICY_NOT_ACKNOWLEDGED', rule: 'policy.acknowledgement' }, name);
    case 'CONSENT_REQUIRED':
      return new ConfideError(
        ErrorCode.CONSENT_REQUIRED,
        'No current consent of the person authorises this.',
      );
    default:
      return forbidden();
  }
}

const REFUSALS: readonly string[] = [
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
  ErrorCode.POLICY_NOT_ACKNOWLEDGED,
  // A change the subject has not permitted (a reference without the staff member's permission…).
  ErrorCode.CONSENT_REQUIRED,
];

function isRefusal(error: unknown): error is ConfideError {
  return error instanceof ConfideError && REFUSALS.includes(error.code);
}

/** Refusals already recorded as a DENIED event: one operation run for another (node) does not record them twice. */
const recordedRefusals = new WeakSet<object>();

function unrecordedRefusal(error: unknown): error is ConfideError {
  return isRefusal(error) && !recordedRefusals.has(error);
}

/**
 * Whether the caller, as a second person, may approve a pending change of `operation` with these arguments:
 * not its proposer (unless `ownConfirmed`: an operator was its second person, decision 0081), allowed by the
 * operation's own policy, and named by its `approvedBy`.
 */
export async function mayApprove(
  context: ConfideContext,
  operation: GovernedOperation,
  args: Record<string, unknown>,
  proposedBy: string,
  ownConfirmed = false,
): Promise<boolean> {
  const principal = context.auth?.principal;
  if (principal?.kind !== 'STAFF' || (principal.staffId === proposedBy && !ownConfirmed)) return false;
  if (!operation.policy.principals.includes('STAFF')) return false;
  try {
    const subject = operation.options.subject
      ? await operation.options.subject(args, context)
      : { kind: 'NONE' as const };
    const change = operation.options.change
      ? await operation.options.change(args, context, subject)
      : undefined;
    const facts = await gatherFacts(operation.policy, context, subject, change, true);
    return (
      operation.policy.decide(facts).effect === 'ALLOW' && (operation.policy.approvedBy?.(facts) ?? false)
    );
  } catch (error) {
    if (error instanceof ConfideError) return false;
    throw error;
  }
}

/**
 * Someone a policy decides for other than the request's caller: a pending change's proposer, whose account as it is
 * now must still let them propose it when it is approved (their roles, their relationship to the person).
 */
export type DecidingStaff = Pick<
  StaffMember,
  'staffId' | 'roles' | 'acknowledgedPolicyVersion' | 'serviceLinks' | 'emergencyGrants'
>;

/** The facts of the caller (or of `as`) and the subject a policy decides on. */
async function gatherFacts(
  policy: OperationPolicy,
  context: ConfideContext,
  subject: OperationSubject,
  change: ChangeFacts | undefined,
  approved: boolean,
  as?: DecidingStaff,
): Promise<OperationFacts> {
  const principal = context.auth?.principal;
  const policyVersion = context.auth?.organisation?.policyVersion;
  const actor = as
    ? { staffId: as.staffId, links: as.serviceLinks }
    : {
        staffId: principal?.kind === 'STAFF' ? principal.staffId : undefined,
        links: context.auth?.staff?.serviceLinks,
      };
  const base = {
    caller: as
      ? {
          kind: 'STAFF' as const,
          roles: as.roles,
          acknowledgedPolicy: policyVersion === undefined || as.acknowledgedPolicyVersion === policyVersion,
        }
      : context.access.callerFacts(),
    preset: context.access.preset,
    approved,
    managesAnyService: (actor.links?.manages.size ?? 0) > 0,
    ...(change ? { change } : {}),
  };
  switch (subject.kind) {
    case 'CLIENT':
      return {
        ...base,
        relation: as
          ? staffRelationTo(as, subject.client, context.services.clock.now().toISOString())
          : await context.access.relationTo(subject.client),
      };
    case 'STAFF':
      return { ...base, targetIsCaller: actor.staffId !== undefined && actor.staffId === subject.staffId };
    case 'SERVICE': {
      const manages = actor.links?.manages.has(subject.serviceId) ?? false;
      return {
        ...base,
        service: { manages, member: manages || (actor.links?.memberOf.has(subject.serviceId) ?? false) },
      };
    }
    default:
      if (policy.subject !== 'NONE') throw new Error(`${policy.id} needs a ${policy.subject} subject`);
      return base;
  }
}

/**
 * Whether `proposer`, as their account is now, could still propose the pending change (`args`, about the subject it
 * was proposed on): its policy asks for approval, or allows it outright. A proposer demoted since, or whom a conflict
 * of interest now hides the person from, no longer gives their word to it.
 */
export async function proposerMayStill(
  context: ConfideContext,
  operation: GovernedOperation,
  args: Record<string, unknown>,
  subjectId: string | undefined,
  proposer: DecidingStaff,
): Promise<boolean> {
  const { policy, options } = operation;
  const subject = options.subject
    ? await options.subject(args, context, { subjectId })
    : { kind: 'NONE' as const };
  const change = options.change ? await options.change(args, context, subject) : undefined;
  const { effect } = policy.decide(await gatherFacts(policy, context, subject, change, false, proposer));
  return effect === 'APPROVAL_REQUIRED' || effect === 'ALLOW';
}

/**
 * The one place queries and mutations are authorised and audited. For each governed field it:
 * 1. refuses a caller of a kind the policy never admits, before reading anything;
 * 2. loads the subject and the facts, and asks the pure policy in `@confide/access`;
 * 3. records every refusal as exactly one DENIED event (also a refusal the resolver itself throws);
 * 4. turns APPROVAL_REQUIRED into a pending change a second person approves (see approvals);
 * 5. writes the change's event before the resolver runs (`audit: 'before'`), or records the read after it;
 * 6. hands the resolver an {@link Operation} as its parent.
 * A root field without an `operation` option fails the schema build.
 */
export class OperationPolicyPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> | null {
    if (fieldConfig.kind !== 'Query' && fieldConfig.kind !== 'Mutation') return fieldConfig;
    const options = (fieldConfig.pothosOptions as { operation?: OperationOptions<never> }).operation;
    if (!options) {
      throw new Error(`${fieldConfig.parentType}.${fieldConfig.name} has no operation policy`);
    }
    if (!(options.policy in OPERATION_POLICIES)) {
      throw new Error(`${fieldConfig.parentType}.${fieldConfig.name}: unknown policy ${options.policy}`);
    }
    return fieldConfig;
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.kind !== 'Query' && fieldConfig.kind !== 'Mutation') return resolver;
    const options = (fieldConfig.pothosOptions as { operation?: OperationOptions<Record<string, unknown>> })
      .operation;
    // onOutputFieldConfig refused every root field without one.
    if (!options) throw new Error(`${fieldConfig.parentType}.${fieldConfig.name} has no operation policy`);
    const policy: OperationPolicy = OPERATION_POLICIES[options.policy];
    const name = fieldConfig.name;
    const isMutation = fieldConfig.kind === 'Mutation';
    const action: AuditAction = options.action ?? (isMutation ? 'WRITE' : 'READ');

    const run = async (
      args: Record<string, unknown>,
      context: ConfideContext,
      info: GraphQLResolveInfo,
      approval: { proposedBy: string; subjectId?: string | undefined } | undefined,
      resolve: GraphQLFieldResolver<unknown, Types['Context'], object> = resolver,
    ): Promise<unknown> => {
      const prefetch = options.subject && prefetchers.get(options.subject);
      if (context.claimedOrgId) {
        prefetch?.(args as never, context, context.claimedOrgId);
        options.prefetch?.(args, context, { orgId: context.claimedOrgId, staffId: context.claimedStaffId });
      }
      await context.authenticating;
      if (!context.auth) throw context.authError ?? unauthenticated();
      const { principal } = context.auth;
      const audit = context.access.audit;
      let change: ChangeFacts | undefined;
      const deny = (decision: OperationDecision, subjectId: string | undefined) => {
        audit.record({
          action: 'DENIED',
          operation: name,
          subjectId,
          outcome: decision.effect,
          rule: decision.rule,
          classification: change?.classification,
        });
        const error = refusal(decision, name);
        recordedRefusals.add(error);
        return error;
      };
      /**
       * A refusal met before the policy has admitted the caller (finding the subject, gathering the change's facts)
       * answers as a subject that is not the caller's business: NOT_FOUND or FORBIDDEN, naming nothing, recorded
       * once. Anything else is thrown as it is.
       */
      const hiddenRefusal = (error: unknown, step: 'subject' | 'change', subjectId: string | undefined) => {
        if (!unrecordedRefusal(error)) return error;
        const hidden = {
          effect: error.code === 'FORBIDDEN' ? 'FORBIDDEN' : 'NOT_FOUND',
          rule: `${policy.id}.${step}`,
        } as const;
        if (!audit.hasDenied(name)) return deny(hidden, subjectId);
        // Recorded once per operation and request; a later one answers alike, or its own message ("Service user not
        // found.") would tell a record that is not there from one that is not the caller's business.
        const again = refusal(hidden, name);
        recordedRefusals.add(again);
        return again;
      };
      if (!policy.principals.includes(principal.kind)) {
        throw deny({ effect: 'FORBIDDEN', rule: `${policy.id}.principal` }, undefined);
      }
      let subject: OperationSubject = { kind: 'NONE' };
      try {
        if (options.subject) {
          subject = await options.subject(
            args,
            context,
            approval ? { subjectId: approval.subjectId } : undefined,
          );
        }
      } catch (error) {
        // A subject that does not exist answers like one that is not the caller's business.
        throw hiddenRefusal(error, 'subject', undefined);
      }
      const subjectId = subjectIdOf(subject);
      const named = options.record?.(args, subject, context) ?? {};
      const eventSubjectId = named.subjectId ?? subjectId;
      const withFields = (event: AuditRecord) => {
        for (const field of named.fields ?? []) audit.record({ ...event, field });
        for (const also of named.alsoSubjectIds ?? []) audit.record({ ...event, subjectId: also });
        return event;
      };
      /** Records a refusal decided on the subject's state (in validate or the resolver) as DENIED, once. */
      const recordRefusal = (error: unknown) => {
        if (!unrecordedRefusal(error) || audit.hasDenied(name)) return;
        recordedRefusals.add(error);
        audit.record({
          action: 'DENIED',
          operation: name,
          subjectId: eventSubjectId,
          outcome: error.code,
          rule: policy.id,
          classification: change?.classification,
        });
      };
      try {
        if (options.change) change = await options.change(args, context, subject);
      } catch (error) {
        // An item of the subject that is not there tells no stranger that the subject exists.
        throw hiddenRefusal(error, 'change', eventSubjectId);
      }
      const facts = await gatherFacts(policy, context, subject, change, approval !== undefined);
      const decision = policy.decide(facts);
      const proposing = decision.effect === 'APPROVAL_REQUIRED' && !approval;
      if (proposing || (decision.effect === 'ALLOW' && (!approval || policy.approvedBy?.(facts)))) {
        try {
          await options.validate?.(args, context, subject);
        } catch (error) {
          // Bad input and conflicts record nothing; a refusal on the subject's state (an item that is not the
          // person's, a consent withdrawn) is recorded as DENIED, as it is when the resolver decides it.
          recordRefusal(error);
          throw error;
        }
      }
      if (proposing) {
        return proposeChange(context, {
          name,
          policy,
          args,
          subjectId,
          action,
          rule: decision.rule,
          event: withFields({
            action,
            operation: name,
            subjectId: eventSubjectId,
            outcome: 'APPROVAL_REQUESTED',
            rule: decision.rule,
          }),
        });
      }
      if (decision.effect !== 'ALLOW') throw deny(decision, eventSubjectId);
      if (approval && !(policy.approvedBy?.(facts) ?? false)) {
        throw deny({ effect: 'FORBIDDEN', rule: `${policy.id}.approver` }, eventSubjectId);
      }
      const rule = approval ? `${decision.rule}+approved` : decision.rule;
      const allowed = {
        action:
          decision.relationship === 'EMERGENCY' && action === 'READ' ? ('EMERGENCY_ACCESS' as const) : action,
        operation: name,
        subjectId: eventSubjectId,
        outcome: 'ALLOWED',
        rule,
        relationship: decision.relationship,
        emergency: decision.relationship === 'EMERGENCY',
        classification: change?.classification,
        disclosureId: named.disclosureId,
      };
      const operation = new Operation(
        name,
        principal,
        subject,
        decision,
        approval?.proposedBy,
        (item) => audit.record({ ...allowed, item }),
        named.disclosureId,
      );
      // The fields a change writes are listed on its one event.
      if (options.audit !== 'fields')
        for (const field of change?.fields ?? []) audit.record({ ...allowed, field });
      if (options.audit === 'before') await audit.recordBeforeChange(withFields(allowed));
      if (options.audit === 'with-change') audit.record(withFields(allowed));
      const commitsBefore = audit.changeCommits;
      let result: unknown;
      try {
        // The resolver passes `operation.principal` to what acts for the caller (the provisioner signs for it).
        result = await resolve(operation, args, context, info);
      } catch (error) {
        // A refusal the resolver decides itself (a rule on the subject's own state) is recorded the same way.
        recordRefusal(error);
        throw error;
      }
      if (options.audit === 'after') audit.record(withFields(allowed));
      if (options.audit === 'with-change' && audit.changeCommits === commitsBefore) {
        // A resolver that changed something without its audit would break 'with-change''s promise: fail the request.
        throw new Error(`${name} is audited with its change but made none through the audit trail.`);
      }
      return result;
    };

    governed.set(name, {
      name,
      kind: fieldConfig.kind,
      policy,
      options,
      runFor: (args, context, info, resolve) =>
        run(
          args,
          context,
          info,
          undefined,
          resolve
            ? (parent, fieldArgs, fieldContext) =>
                resolve(
                  parent as Operation,
                  fieldArgs as Record<string, unknown>,
                  fieldContext as ConfideContext,
                )
            : resolver,
        ),
      runApproved: (args, context, info, proposedBy, proposedSubjectId) =>
        run(args, context, info, { proposedBy, subjectId: proposedSubjectId }),
    });

    return (_parent, args, context, info) =>
      run(args as Record<string, unknown>, context as ConfideContext, info, undefined);
  }
}

/** Records a change proposed under the two-person rule; it runs when a second person approves it. */
async function proposeChange(
  context: ConfideContext,
  change: {
    name: string;
    policy: OperationPolicy;
    args: Record<string, unknown>;
    subjectId: string | undefined;
    action: AuditAction;
    rule: string;
    /** The proposal's own event (its fields already recorded). */
    event: AuditRecord;
  },
): Promise<never> {
  const principal = context.auth?.principal;
  if (principal?.kind !== 'STAFF') throw forbidden();
  await context.access.audit.recordBeforeChange(change.event);
  const approval = await context.services.approvals.propose(tenantScope(principal.orgId), {
    operation: change.name,
    args: change.args,
    subjectId: change.subjectId,
    proposedBy: principal.staffId,
    rule: change.rule,
  });
  throw new ConfideError(
    ErrorCode.APPROVAL_REQUIRED,
    'This change needs a second person’s approval; it has been recorded and takes effect once approved.',
    { details: { approvalId: approval.approvalId } },
  );
}

/** The plugin's name, for the builder's `plugins` list. */
export const OPERATION_POLICY_PLUGIN = 'operationPolicy' as const;
SchemaBuilder.registerPlugin(OPERATION_POLICY_PLUGIN, OperationPolicyPlugin);
