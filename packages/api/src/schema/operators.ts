import { badInput } from '@confide/domain';
import type { OperatorRecord } from '@confide/store';
import { builder } from '../builder';
import { operatorPrincipal } from '../context';

/**
 * Platform operators themselves (decision 0106): the api admits an operator only while their stored status is ACTIVE
 * (decision 0026); a second operator suspends one who leaves, and the suspension holds from their next request, where
 * disabling their user in the pool would leave their tokens valid for up to an hour. Operators are known by their
 * subject (their user's `sub`), never by name or address.
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

/** A subject as identity providers issue them (a Cognito `sub` is a UUID): never free text, which the audit names. */
const OPERATOR_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

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
      'Suspends another platform operator (platform operators only; decision 0106): the api refuses their every request from the next one, whatever their token says. Never oneself (FORBIDDEN); NOT_FOUND for no such operator, CONFLICT for one already suspended. Recorded in the platform audit log before it is stored. A suspended operator is not reactivated by registering them again.',
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
    resolve: (_operation, args, context) =>
      context.services.operators.suspend(
        operatorIdArg(args.operatorId),
        operatorPrincipal(context).operatorId,
        context.access.requestId,
      ),
  }),
}));
