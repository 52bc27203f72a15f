import type { RetentionBasis } from '@confide/domain';
import type { ServiceUserRecord } from '@confide/store';
import { needToKnow } from '../../access/need-to-know';
import { builder } from '../../builder';
import { ServiceUserRef } from '../service-users';

export const RetentionBasisEnum = builder.enumType('RetentionBasis', {
  description:
    'Which rule set a closed case’s expiry: AFTER_CLOSURE (years after closure) or CHILD_AGE (a child client’s birthday, when later).',
  values: ['AFTER_CLOSURE', 'CHILD_AGE'] as const,
});

// ── The client's own retention state ────────────────────────────────────────────────────────────────────────

interface RetentionState {
  readonly expiresAt: Date | null;
  readonly basis: RetentionBasis | null;
  readonly legalHold: boolean;
}

const ServiceUserRetentionRef = builder.objectRef<RetentionState>('ServiceUserRetention');
ServiceUserRetentionRef.implement({
  description: 'When this person’s records expire, and whether a legal hold keeps them.',
  fields: (t) => ({
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When every record of the person expires; null while the case is open, under a legal hold, or kept for the review of an emergency access to the person.',
      resolve: (state) => state.expiresAt,
    }),
    basis: t.field({
      type: RetentionBasisEnum,
      nullable: true,
      description: 'The rule that set the date.',
      resolve: (state) => state.basis,
    }),
    legalHold: t.boolean({
      description: 'Whether a legal hold keeps the records past any schedule.',
      resolve: (state) => state.legalHold,
    }),
  }),
});

const self = (client: ServiceUserRecord) => ({ client });

builder.objectFields(ServiceUserRef, (t) => ({
  retention: t.field({
    ...needToKnow('PSEUDONYMOUS', self),
    type: ServiceUserRetentionRef,
    nullable: true,
    description: 'The retention schedule of the person’s records.',
    resolve: (client, _args, context) => ({
      expiresAt: client.expiresAt === undefined ? null : new Date(client.expiresAt * 1000),
      basis: client.expiresAt === undefined ? null : (context.services.retention.basisOf(client) ?? null),
      legalHold: context.services.retention.holdOn(client) !== undefined,
    }),
  }),
}));
