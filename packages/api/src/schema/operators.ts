import { badInput } from '@confide/domain';
import type { OperatorRecord } from '@confide/store';
import { builder } from '../builder';
import { operatorPrincipal } from '../context';
import { OPERATOR_ID } from '../operations/operator-registration';
import { organisationProvisioning } from '../operations/provisioning';

/**
 * Platform operators themselves (decision 0106): the api admits an operator only while their stored status is ACTIVE
 * (decision 0026); a second operator suspends one who leaves, and the suspension holds from their next request, where
 * disabling their user in the pool alone would leave their tokens valid for up to an hour. Their user is disabled too
 * (decision 0128), so a status put back below the api admits no new sign-in. Operators are known by their subject
 * (their user's `sub`), never by name or address.
 */

const OperatorStatusEnum = builder.enumType('OperatorStatus', {
  description: 'Whether the api admits a platform operator.',
  values: {
    ACTIVE: { description: 'Admitted (with a token of the operators’ group).' },
    SUSPENDED: { description: 'Refused on every request, whatever their token says.' },
  },
});

const PlatformOperatorRef = builder.objectRef<OperatorRecord>('PlatformOperator').implement({
  description: 'A platform operator’s stored status. No personal data: ids and times only.',
  fields: (t) => ({
    operatorId: t.exposeString('operatorId', {
      description: 'The operator’s subject (their user’s `sub` in the user pool): an opaque id.',
    }),
    status: t.field({ type: OperatorStatusEnum, description: 'Admitted or not.', resolve: (r) => r.status }),
    changedBy: t.exposeString('changedBy', {
      description: 'The operator (or deployment step) that last changed the status.',
    }),
    changedAt: t.field({
      type: 'DateTime',
      description: 'When the status last changed.',
      resolve: (record) => new Date(record.changedAt),
    }),
  }),
});

/** An operator id as given: their subject, format-checked (it is recorded in the platform audit log). */
function operatorIdArg(value: string): string {
  if (!OPERATOR_ID.test(value)) {
    throw badInput(
      ['operatorId'],
      'operatorId is an operator’s subject: 1–128 letters, digits and . _ : - (a Cognito sub is a UUID).',
    );
  }
  return value;
}

builder.mutationFields((t) => ({
  suspendOperator: t.field({
    type: PlatformOperatorRef,
    description:
      'Suspends another platform operator (platform operators only; decision 0106): the api refuses their every request from the next one, whatever their token says. In a deployed stage their user in the user pool is then disabled, so they obtain no new token (decision 0128); if that fails the answer is an error, the suspension stands, and suspending them again disables the user. Never oneself (FORBIDDEN); NOT_FOUND for no such operator; CONFLICT for one already suspended where there is no user pool (locally). Recorded in the platform audit log before it is stored. A suspended operator is not reactivated by registering them again.',
    args: {
      operatorId: t.arg.string({
        required: true,
        description: 'The operator to suspend: their subject (`sub`), as `confide operator add` printed it.',
      }),
    },
    operation: {
      policy: 'platform.operator.suspend',
      validate: (args) => operatorIdArg(args.operatorId),
      // The registry records the suspension itself, before and after it is stored (refusals too); the plugin
      // records a caller the policy refuses.
      audit: 'fields',
      action: 'ADMIN',
    },
    resolve: async (_operation, args, context) => {
      const operatorId = operatorIdArg(args.operatorId);
      const principal = operatorPrincipal(context);
      const provisioning = organisationProvisioning(context.services);
      const suspended = await context.services.operators.suspend(
        operatorId,
        principal.operatorId,
        context.access.requestId,
        { signInToEnd: provisioning.signInThroughPool },
      );
      // Then their user in the pool is disabled (decision 0128): the pool issues them no more tokens, so a status put
      // back below the api admits no new sign-in. The suspension above already refuses them; a fault here answers an
      // error, and suspending them again disables the user then.
      await provisioning.disableOperatorSignIn(operatorId, principal);
      return suspended;
    },
  }),
}));
