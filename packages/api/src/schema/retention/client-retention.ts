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

export const ExpiryPrecisionEnum = builder.enumType('ExpiryPrecision', {
  description:
    'How exactly an expiry is shown: DAY (the instant itself) or YEAR (1 January of its year). A CHILD_AGE expiry falls on the person’s birthday, so a caller who may not read their date of birth is shown its year only.',
  values: ['DAY', 'YEAR'] as const,
});

/**
 * An expiry as a caller may see it. A CHILD_AGE expiry is the person's birthday at the organisation's child age (a
 * public setting), from which their date of birth (IDENTIFYING) could be worked back: a caller who may not read it is
 * shown the year only.
 */
export function shownExpiry(
  expiresAt: Date,
  basis: RetentionBasis | undefined,
  mayReadBirthDate: boolean,
): { expiresAt: Date; precision: 'DAY' | 'YEAR' } {
  if (basis !== 'CHILD_AGE' || mayReadBirthDate) return { expiresAt, precision: 'DAY' };
  return { expiresAt: new Date(Date.UTC(expiresAt.getUTCFullYear(), 0, 1)), precision: 'YEAR' };
}

// ── The client's own retention state ────────────────────────────────────────────────────────────────────────

interface RetentionState {
  readonly expiresAt: Date | null;
  readonly expiresAtPrecision: 'DAY' | 'YEAR' | null;
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
    expiresAtPrecision: t.field({
      type: ExpiryPrecisionEnum,
      nullable: true,
      description:
        'How exactly `expiresAt` is shown (YEAR: a CHILD_AGE expiry, to a caller who may not read the date of birth).',
      resolve: (state) => state.expiresAtPrecision,
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
    resolve: async (client, _args, context) => {
      const legalHold = context.services.retention.holdOn(client) !== undefined;
      if (client.expiresAt === undefined) {
        return { expiresAt: null, expiresAtPrecision: null, basis: null, legalHold };
      }
      const basis = context.services.retention.basisOf(client);
      // Decided, not recorded: no date of birth is read, only whether this caller may read one.
      const mayRead = (await context.access.peekRead(client, 'IDENTIFYING')).effect === 'ALLOW';
      const shown = shownExpiry(new Date(client.expiresAt * 1000), basis, mayRead);
      return {
        expiresAt: shown.expiresAt,
        expiresAtPrecision: shown.precision,
        basis: basis ?? null,
        legalHold,
      };
    },
  }),
}));
