import { conflict, isIdOf, notFound, validate } from '@confide/domain';
import {
  IMPORT_AUTHORISATION_DEFAULT_MINUTES,
  IMPORT_AUTHORISATION_MAX_MINUTES,
  IMPORT_AUTHORISATION_MIN_MINUTES,
  type ImportAuthorisation,
  ImportAuthorisations,
} from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../builder';
import type { ConfideContext } from '../context';
import { oncePerRequest } from './access-governance/shared';
import { existingService } from './service-user-operations/shared';

// ── Import authorisations (decision 0146) ────────────────────────────────────────────────────────────────────
// An import into a deployed stage is run by a platform operator (`confide import --stage`), who sees no tenant data,
// under the authority of one of the service's managers: the manager gives it here, for a few hours, and hands the
// operator its id, which opens nothing in this API. The stage's transfer function checks the authorisation and the
// manager's standing as it is then, on every call. The service's managers list those that stand for it.

const ImportAuthorisationRef = builder.objectRef<ImportAuthorisation>('ImportAuthorisation');
ImportAuthorisationRef.implement({
  description:
    'A service manager’s authorisation of an import of records into their service through a deployed stage (`confide import --stage <stage> --authorisation <id>`, run by a platform operator). The import runs under the manager’s authority, names them as the writer of every record, and stops the moment the authorisation ends, is withdrawn, or the manager is no longer active or no longer manages the service. Ids and times only.',
  fields: (t) => ({
    id: t.exposeID('authorisationId', {
      description:
        'The authorisation: an opaque id (not a Node global id) to give the operator running the import. It is not a credential to this API: it opens nothing here, and in the transfer function only with an operator’s own sign-in.',
    }),
    serviceId: t.globalID({
      description: 'The service imported into.',
      resolve: (authorisation) => ({ type: 'Service', id: authorisation.serviceId }),
    }),
    grantedBy: t.globalID({
      description: 'The staff member who gave it: the import runs under their authority.',
      resolve: (authorisation) => ({ type: 'StaffMember', id: authorisation.grantedBy }),
    }),
    grantedAt: t.field({
      type: 'DateTime',
      description: 'When it was given.',
      resolve: (authorisation) => authorisation.grantedAt,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      description: `When it ends (at most ${IMPORT_AUTHORISATION_MAX_MINUTES / 60} hours after it was given); it is then deleted.`,
      resolve: (authorisation) => authorisation.validUntil,
    }),
    withdrawnAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its grantor withdrew it, if they did.',
      resolve: (authorisation) => authorisation.withdrawnAt ?? null,
    }),
  }),
});

const AuthoriseImportInput = builder.inputType('AuthoriseImportInput', {
  description: 'Authorises an import into a service the caller manages.',
  fields: (t) => ({
    serviceId: t.id({ required: true, description: 'The service the import brings people into.' }),
    expiresInMinutes: t.int({
      required: false,
      description: `How long the authorisation runs: ${IMPORT_AUTHORISATION_MIN_MINUTES} to ${IMPORT_AUTHORISATION_MAX_MINUTES} minutes; ${IMPORT_AUTHORISATION_DEFAULT_MINUTES} by default. An import interrupted when it ends resumes under a new one.`,
    }),
  }),
});

const WithdrawImportAuthorisationInput = builder.inputType('WithdrawImportAuthorisationInput', {
  description: 'Withdraws an import authorisation.',
  fields: (t) => ({
    authorisationId: t.id({ required: true, description: 'The authorisation to withdraw.' }),
  }),
});

/** The authorisation's lifetime in minutes, or BAD_USER_INPUT naming `input.expiresInMinutes`. */
function lifetimeOf(minutes: number | null | undefined): number {
  if (minutes === null || minutes === undefined) return IMPORT_AUTHORISATION_DEFAULT_MINUTES;
  if (minutes < IMPORT_AUTHORISATION_MIN_MINUTES || minutes > IMPORT_AUTHORISATION_MAX_MINUTES) {
    throw validate.badInputError(
      ['input', 'expiresInMinutes'],
      `An import authorisation runs ${IMPORT_AUTHORISATION_MIN_MINUTES} to ${IMPORT_AUTHORISATION_MAX_MINUTES} minutes; give a new one for a longer import.`,
    );
  }
  return minutes;
}

function authorisations(context: ConfideContext): ImportAuthorisations {
  return ImportAuthorisations.of(context.services);
}

/** The authorisation an id names in the caller's organisation, read once a request; NOT_FOUND when there is none. */
function authorisationById(
  context: ConfideContext,
  authorisationId: string | number,
): Promise<ImportAuthorisation> {
  const id = String(authorisationId);
  return oncePerRequest(context, `import-authorisation:${id}`, async () => {
    const found = isIdOf('importAuthorisation', id)
      ? await authorisations(context).get(context.access.scope, id)
      : undefined;
    if (!found) throw notFound('Import authorisation');
    return found;
  });
}

builder.queryFields((t) => ({
  importAuthorisations: t.connection({
    type: ImportAuthorisationRef,
    description:
      'The import authorisations that stand for a service the caller manages, whoever of its managers gave them: those not yet ended, a withdrawn one too (with `withdrawnAt`) until it ends; newest first. To the service’s managers (a management role and a link to it as a manager; FORBIDDEN to anyone else, NOT_FOUND for a service that is not the organisation’s). Ids and times only. An authorisation found changed in the table fails the whole list (an integrity incident), as it fails the import. Audited as a read of the service.',
    args: { serviceId: t.arg.id({ required: true, description: 'The service.' }) },
    operation: {
      policy: 'import.list',
      subject: existingService((args) => args.serviceId),
      audit: 'after',
    },
    resolve: async (operation, args, context) =>
      resolveArrayConnection(
        { args },
        await authorisations(context).listForService(operation.scope, operation.subjectId ?? ''),
      ),
  }),
}));

builder.mutationFields((t) => ({
  authoriseImport: t.field({
    type: ImportAuthorisationRef,
    description: `Authorises an import of records into a service the caller manages, through a deployed stage (decision 0146): a manager of the service who has acknowledged the current policy (the standing the import itself needs; CONFLICT while the organisation has published no confidentiality policy), for ${IMPORT_AUTHORISATION_DEFAULT_MINUTES / 60} hours unless \`expiresInMinutes\` says otherwise (at most ${IMPORT_AUTHORISATION_MAX_MINUTES / 60}). Give its id to the operator who runs \`confide import --stage <stage> --authorisation <id>\`: the import runs under the caller’s authority and names them as the writer of every record, while the authorisation is in force and the caller is still active and managing the service. Audited with the change.`,
    args: { input: t.arg({ type: AuthoriseImportInput, required: true }) },
    operation: {
      policy: 'import.authorise',
      subject: existingService((args) => args.input.serviceId),
      validate: ({ input }, context) => {
        lifetimeOf(input.expiresInMinutes);
        // An import runs only once the organisation has published its policy (`importAuthority`): an authorisation
        // given before would authorise nothing.
        if (context.auth?.organisation?.policyVersion === undefined) {
          throw conflict(
            'The organisation has no confidentiality policy yet: publish one (publishConfidentialityPolicy) before an import can be authorised.',
          );
        }
      },
      record: () => ({ fields: ['ImportAuthorisation.granted'] }),
      audit: 'with-change',
      action: 'ADMIN',
    },
    resolve: (operation, { input }, context) =>
      authorisations(context).grant(
        operation.scope,
        {
          serviceId: operation.subjectId ?? '',
          grantedBy: operation.staff.staffId,
          minutes: lifetimeOf(input.expiresInMinutes),
        },
        {
          commit: (change, authorisationId) => {
            operation.nameItem(authorisationId);
            return context.access.audit.commitWithChange(change);
          },
        },
      ),
  }),
  withdrawImportAuthorisation: t.field({
    type: ImportAuthorisationRef,
    description:
      'Withdraws an import authorisation the caller gave (to any other staff member it is NOT_FOUND; an operator is FORBIDDEN): an import under it is refused from its next call on. CONFLICT when it is already withdrawn or has ended. Audited with the change.',
    args: { input: t.arg({ type: WithdrawImportAuthorisationInput, required: true }) },
    operation: {
      policy: 'import.withdraw',
      subject: async ({ input }, context) => ({
        kind: 'SERVICE',
        serviceId: (await authorisationById(context, input.authorisationId)).serviceId,
      }),
      change: async ({ input }, context) => {
        const principal = context.auth?.principal;
        const authorisation = await authorisationById(context, input.authorisationId);
        return { namesCaller: principal?.kind === 'STAFF' && principal.staffId === authorisation.grantedBy };
      },
      validate: async ({ input }, context) => {
        const authorisation = await authorisationById(context, input.authorisationId);
        const state = authorisations(context).stateOf(authorisation);
        if (state !== 'IN_FORCE') {
          throw conflict(
            state === 'WITHDRAWN'
              ? 'The import authorisation is already withdrawn.'
              : 'The import authorisation has ended already.',
          );
        }
      },
      record: () => ({ fields: ['ImportAuthorisation.withdrawn'] }),
      audit: 'with-change',
      action: 'ADMIN',
    },
    resolve: async (operation, { input }, context) => {
      const { authorisationId } = await authorisationById(context, input.authorisationId);
      return authorisations(context).withdraw(operation.scope, authorisationId, {
        commit: (change) => {
          operation.nameItem(authorisationId);
          return context.access.audit.commitWithChange(change);
        },
      });
    },
  }),
}));
