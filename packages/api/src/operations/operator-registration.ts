import { badInput, ConfideError, ErrorCode, notFound } from '@confide/domain';
import type { ConfideServices } from '../services';
import { DIRECT_INVOCATION } from './provisioner-assertion';

/**
 * Registering a platform operator in a deployed stage (decision 0105). The api admits an operator only with a stored
 * ACTIVE record (decision 0026), and nothing wrote one outside the local stack: the operators the deployment steps
 * create in the user pool were refused every request. The provisioner registers them, on an invocation IAM allowed
 * (as a direct onboarding): `{ "action": "registerOperator", "input": { "username": "<the user's email>" } }`.
 */
export interface RegisterOperatorRequest {
  readonly action: 'registerOperator';
  readonly input: { readonly username: string };
}

/** The operators' users of the user pool, as far as registering them needs. */
export interface OperatorAccounts {
  /**
   * The user `username` (their email address, in a pool that signs in by email): their subject (`sub`, which their
   * tokens carry) and whether they are in `group`; undefined when there is no such user.
   */
  operator(username: string, group: string): Promise<{ subject: string; inGroup: boolean } | undefined>;
}

/**
 * Registers the pool's user `username` as an ACTIVE operator, by their subject, if they are in the operators' group.
 * Never reactivates a suspended operator (CONFLICT): suspension is on two operators' word, and undoing it is not a
 * deployment step. Recorded in the platform audit log first (no record, no registration); the username (an email
 * address) is recorded nowhere.
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
      operation: 'provisioner.registerOperator',
      organisationId: undefined,
      outcome,
      rule: `provisioner.registerOperator.${rule}`,
      requestId,
      ...(subject ? { subjectId: subject } : {}),
    });
  if (!operators) {
    throw new ConfideError(
      ErrorCode.BAD_USER_INPUT,
      'Registering an operator needs a user pool, and this deployment has none: the local stack seeds its operators.',
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
  const stored = await services.operators.register(user.subject, DIRECT_INVOCATION.id);
  if (stored.status !== 'ACTIVE') {
    await record('CONFLICT', 'suspended', user.subject);
    throw new ConfideError(
      ErrorCode.CONFLICT,
      'The operator is suspended; registering does not reactivate.',
      {
        field,
      },
    );
  }
  return { operatorId: user.subject };
}
