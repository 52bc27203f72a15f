import { badInput, ConfideError, ErrorCode, notFound } from '@confide/domain';
import type { ConfideServices } from '../services';
import { DIRECT_INVOCATION } from './provisioner-assertion';

/**
 * Registering a platform operator in a deployed stage (decision 0105), and reactivating a suspended one (decision 0113).
 * The api admits an operator only with a stored ACTIVE record (decision 0026), and nothing wrote one outside the local
 * stack: the operators the deployment steps create in the user pool were refused every request. The provisioner
 * registers them, on an invocation IAM allowed (as a direct onboarding):
 * `{ "action": "registerOperator", "input": { "username": "<the user's email>" } }`; `reactivateOperator` with the same
 * input makes a suspended one ACTIVE again.
 */
export interface RegisterOperatorRequest {
  readonly action: 'registerOperator' | 'reactivateOperator';
  readonly input: { readonly username: string };
}

/** The operators' users of the user pool, as far as registering them needs. */
export interface OperatorAccounts {
  /**
   * The user `username` (their email address, in a pool that signs in by email): their subject (`sub`, which their
   * tokens carry) and whether they are in `group`; undefined when there is no such user.
   */
  operator(username: string, group: string): Promise<{ subject: string; inGroup: boolean } | undefined>;
  /** Disables the user `subject` (their username in a pool that signs in by email); false when there is no such user. */
  disable(subject: string): Promise<boolean>;
  /** Enables the user `subject` again; false when there is no such user. */
  enable(subject: string): Promise<boolean>;
}

/** An operator's id: their subject as identity providers issue them (a Cognito `sub` is a UUID), never free text. */
export const OPERATOR_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The provisioner's request to end a suspended operator's sign-in (decision 0128), signed by the api. */
export interface DisableOperatorSignInInput {
  readonly operatorId: string;
}

/**
 * Disables a suspended operator's user in the pool (decision 0128): the pool issues them no more tokens, so a status
 * put back to ACTIVE below the api admits no new sign-in. Only a SUSPENDED operator (CONFLICT for an active one,
 * NOT_FOUND for one never registered): disabling an active operator's user would lock them out. Answers whether a
 * user was disabled (false: the pool has no such user, or there is no pool).
 */
export async function disableOperatorSignIn(
  services: ConfideServices,
  input: DisableOperatorSignInInput,
  operators: OperatorAccounts | undefined,
): Promise<boolean> {
  const stored = await services.operators.status(input.operatorId);
  if (!stored) {
    throw new ConfideError(ErrorCode.NOT_FOUND, 'No such operator.', { field: ['input', 'operatorId'] });
  }
  if (stored.status !== 'SUSPENDED') {
    throw new ConfideError(ErrorCode.CONFLICT, 'The operator is active: suspend them first.', {
      field: ['input', 'operatorId'],
    });
  }
  // A deployment with no user pool (CDK always configures one) has no operator's user to disable.
  if (!operators) return false;
  return operators.disable(input.operatorId);
}

/**
 * Registers the pool's user `username` as an ACTIVE operator, by their subject, if they are in the operators' group.
 * Registering never reactivates a suspended operator (CONFLICT); `reactivateOperator` does, and only that (NOT_FOUND
 * for a user never registered, CONFLICT for an active one). Recorded in the platform audit log first (no record, no
 * change); the username (an email address) is recorded nowhere.
 */
export async function registerOperator(
  services: ConfideServices,
  request: RegisterOperatorRequest,
  operators: OperatorAccounts | undefined,
  requestId: string,
): Promise<{ operatorId: string }> {
  const record = (outcome: string, rule: string, subject?: string) =>
    services.platformAudit.record({
      actor: DIRECT_INVOCATION,
      operation: `provisioner.${request.action}`,
      organisationId: undefined,
      outcome,
      rule: `provisioner.${request.action}.${rule}`,
      requestId,
      ...(subject ? { subjectId: subject } : {}),
    });
  if (!operators) {
    throw new ConfideError(
      ErrorCode.BAD_USER_INPUT,
      request.action === 'registerOperator'
        ? 'Registering an operator needs a user pool, and this deployment has none: the local stack seeds its operators.'
        : 'Reactivating an operator needs a user pool, and this deployment has none: `npm start -- --fresh` seeds the local operators again.',
      { details: { unavailable: 'userPool' } },
    );
  }
  const field = ['input', 'username'];
  const user = await operators.operator(request.input.username, services.config.auth.operatorGroup);
  if (!user) {
    await record('NOT_FOUND', 'unknown');
    throw new ConfideError(ErrorCode.NOT_FOUND, notFound('User').message, { field });
  }
  if (!user.inGroup) {
    await record('FORBIDDEN', 'notInGroup', user.subject);
    throw badInput(
      field,
      `The user is not in the ${services.config.auth.operatorGroup} group: add them first.`,
    );
  }
  await record('ALLOWED', 'inGroup', user.subject);
  if (request.action === 'reactivateOperator') {
    await reactivate(services, operators, user.subject, (outcome, rule) =>
      record(outcome, rule, user.subject),
    );
    return { operatorId: user.subject };
  }
  const stored = await services.operators.register(user.subject, DIRECT_INVOCATION.id);
  if (stored.status !== 'ACTIVE') {
    await record('CONFLICT', 'suspended', user.subject);
    throw new ConfideError(
      ErrorCode.CONFLICT,
      'The operator is suspended; registering does not reactivate (reactivateOperator does).',
      { field },
    );
  }
  return { operatorId: user.subject };
}

/**
 * The stored operator made ACTIVE again, each outcome recorded (a fault too); refusals and a change meanwhile write
 * nothing. Their user, disabled at their suspension (decision 0128), is enabled first: a fault after it leaves them
 * suspended in the table, which refuses them, and reactivating again finishes it (enabling an enabled user changes
 * nothing).
 */
async function reactivate(
  services: ConfideServices,
  operators: OperatorAccounts,
  subject: string,
  record: (outcome: string, rule: string) => Promise<unknown>,
): Promise<void> {
  const field = ['input', 'username'];
  let outcome: Awaited<ReturnType<typeof services.operators.reactivate>>;
  try {
    outcome = await services.operators.reactivate(subject, DIRECT_INVOCATION.id, async () => {
      await operators.enable(subject);
    });
  } catch (error) {
    // A fault after the ALLOWED event is recorded as FAILED, as a suspension's is.
    await record('FAILED', 'fault');
    throw error;
  }
  if (outcome === 'UNKNOWN') {
    await record('NOT_FOUND', 'notRegistered');
    throw new ConfideError(
      ErrorCode.NOT_FOUND,
      'The user was never registered as an operator: add them instead.',
      {
        field,
      },
    );
  }
  if (outcome === 'ACTIVE') {
    await record('CONFLICT', 'active');
    throw new ConfideError(ErrorCode.CONFLICT, 'The operator is not suspended.', { field });
  }
  if (outcome === 'CHANGED') {
    await record('FAILED', 'changed');
    throw new ConfideError(ErrorCode.CONFLICT, 'The operator was changed meanwhile; try again.', { field });
  }
  await record('COMPLETED', 'reactivated');
}
