import { type Classification, conflict, isIdOf, notFound, validate } from '@confide/domain';
import {
  CONSENT_METHODS,
  CONSENT_SCOPES,
  type ConsentRecord,
  mapPage,
  type SealedConsentField,
  type ServiceUserRecord,
} from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import { personalData } from '../access/personal-data';
import { builder } from '../builder';
import { type ConfideContext, callerScope } from '../context';
import { disclosureConsentMethods } from './disclosures/consent-facts';
import { SHARING_SCOPES } from './disclosures/helpers';
import { DisclosurePurposeEnum } from './disclosures/register';
import { ServiceUserRef } from './service-users';
import { listPositions, storeConnection } from './store-paging';
import { clientById } from './subjects';
import { ClassificationEnum } from './vocabulary';

interface ConsentInContext {
  readonly client: ServiceUserRecord;
  readonly consent: ConsentRecord;
}

const ConsentScopeEnum = builder.enumType('ConsentScope', {
  description:
    'What the consent covers: sharing with family, a named agency, the GP; images or recordings for publicity.',
  values: CONSENT_SCOPES,
});
const ConsentMethodEnum = builder.enumType('ConsentMethod', {
  description:
    'How it was given. Images and recordings need written consent (SIGNED_FORM or EMAIL) with a manager involved (Azure 8.1).',
  values: CONSENT_METHODS,
});
const ConsentGiverEnum = builder.enumType('ConsentGiver', {
  description: 'The person themself, or a representative (with a mental-capacity note).',
  values: ['CLIENT', 'REPRESENTATIVE'] as const,
});

const ofConsent = (parent: ConsentInContext) => ({ client: parent.client });

async function sealed(parent: ConsentInContext, field: SealedConsentField, context: ConfideContext) {
  const key = await context.access.clientKey(parent.client);
  return context.services.consents.openSealed(key, parent.consent, field) ?? null;
}

const ConsentRef = builder.objectRef<ConsentInContext>('Consent');
ConsentRef.implement({
  ...personalData({}),
  description:
    'A consent record (CONSENT). Withdrawal takes effect at once on every check that relied on it.',
  fields: (t) => ({
    id: t.string({
      ...needToKnow('CONSENT', ofConsent),
      nullable: true,
      description: 'The consent.',
      resolve: (p) => p.consent.consentId,
    }),
    scope: t.field({
      ...needToKnow('CONSENT', ofConsent),
      type: ConsentScopeEnum,
      nullable: true,
      description: 'What it covers.',
      resolve: (p) => p.consent.scope,
    }),
    method: t.field({
      ...needToKnow('CONSENT', ofConsent),
      type: ConsentMethodEnum,
      nullable: true,
      description: 'How it was given.',
      resolve: (p) => p.consent.method,
    }),
    givenBy: t.field({
      ...needToKnow('CONSENT', ofConsent),
      type: ConsentGiverEnum,
      nullable: true,
      description: 'Who gave it.',
      resolve: (p) => p.consent.givenBy,
    }),
    agencyName: t.string({
      ...needToKnow('CONSENT', ofConsent),
      nullable: true,
      description: 'The named agency, for NAMED_AGENCY.',
      resolve: (p, _a, c) => sealed(p, 'agencyName', c),
    }),
    representativeName: t.string({
      ...needToKnow('CONSENT', ofConsent),
      nullable: true,
      description: 'The representative, if one consented.',
      resolve: (p, _a, c) => sealed(p, 'representativeName', c),
    }),
    capacityNote: t.string({
      ...needToKnow('CONSENT', ofConsent),
      nullable: true,
      description: 'Mental-capacity note, when a representative consented.',
      resolve: (p, _a, c) => sealed(p, 'capacityNote', c),
    }),
    partnerId: t.string({
      ...needToKnow('CONSENT', ofConsent),
      nullable: true,
      description: 'The registered partner agency the consent names, if it names one.',
      resolve: (p) => p.consent.partnerId ?? null,
    }),
    classifications: t.field({
      ...needToKnow('CONSENT', ofConsent),
      type: [ClassificationEnum],
      nullable: true,
      description: 'The kinds of information the consent covers; empty: all the person’s information.',
      resolve: (p) => [...p.consent.classifications] as Classification[],
    }),
    purposes: t.field({
      ...needToKnow('CONSENT', ofConsent),
      type: [DisclosurePurposeEnum],
      nullable: true,
      description:
        'The purposes the person agreed their information may be shared for; a disclosure on the CONSENT basis is authorised only for these. Empty: the consent authorises no disclosure (consents recorded before purposes, publicity consents).',
      resolve: (p) => [...p.consent.purposes],
    }),
    managerInvolved: t.boolean({
      ...needToKnow('CONSENT', ofConsent),
      nullable: true,
      description: 'A manager was involved in recording it.',
      resolve: (p) => p.consent.managerInvolved,
    }),
    recordedAt: t.field({
      ...needToKnow('CONSENT', ofConsent),
      type: 'DateTime',
      nullable: true,
      description: 'When recorded.',
      resolve: (p) => p.consent.recordedAt,
    }),
    withdrawnAt: t.field({
      ...needToKnow('CONSENT', ofConsent),
      type: 'DateTime',
      nullable: true,
      description: 'When withdrawn, if it was.',
      resolve: (p) => p.consent.withdrawnAt ?? null,
    }),
  }),
});

builder.objectFields(ServiceUserRef, (t) => ({
  consents: t.field({
    ...needToKnow('CONSENT', (client: ServiceUserRecord) => ({ client })),
    type: [ConsentRef],
    nullable: true,
    description: 'Consents given, current and withdrawn.',
    deprecationReason: 'A list that grows (issue 19): use `consentsConnection`, which pages with cursors.',
    resolve: async (client, _args, context) =>
      (await context.services.consents.list(callerScope(context), client.clientId)).map((consent) => ({
        client,
        consent,
      })),
  }),
  consentsConnection: t.connection({
    ...needToKnow('CONSENT', (client: ServiceUserRecord) => ({ client })),
    type: ConsentRef,
    nullable: true,
    description:
      'Consents given, current and withdrawn, as a cursor connection paged in the store, in a stable order by consent id (not by date).',
    resolve: (client, args, context) =>
      storeConnection(args, listPositions(context, 'consentsConnection'), async (page) =>
        mapPage(
          await context.services.consents.page(callerScope(context), client.clientId, page),
          (consent) => ({
            client,
            consent,
          }),
        ),
      ),
  }),
}));

const RecordConsentInput = builder.inputType('RecordConsentInput', {
  description: 'A consent given by the person or their representative.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The person.' }),
    scope: t.field({ type: ConsentScopeEnum, required: true, description: 'What it covers.' }),
    method: t.field({ type: ConsentMethodEnum, required: true, description: 'How it was given.' }),
    givenBy: t.field({ type: ConsentGiverEnum, required: true, description: 'Who gave it.' }),
    agencyName: t.string({ required: false, description: 'Required for NAMED_AGENCY.' }),
    representativeName: t.string({ required: false, description: 'Required when a representative gave it.' }),
    capacityNote: t.string({ required: false, description: 'Required when a representative gave it.' }),
    partnerId: t.id({
      required: false,
      description:
        'The registered partner agency the consent names (NAMED_AGENCY, GP, OTHER): only that agency’s requests are covered.',
    }),
    classifications: t.field({
      type: [ClassificationEnum],
      required: false,
      description:
        'The kinds of information the consent covers (e.g. CARE, HEALTH); omitted: all. A request for other information is not covered.',
    }),
    purposes: t.field({
      type: [DisclosurePurposeEnum],
      required: false,
      description:
        'The purposes the person agreed to (sharing scopes only: FAMILY, NAMED_AGENCY, GP, OTHER). A disclosure on the CONSENT basis is authorised only for a purpose named here; omitted: none, so the consent authorises no disclosure.',
    }),
  }),
});

type RecordConsentInputShape = typeof RecordConsentInput.$inferInput;

/**
 * A consent's input, checked as far as it can be without reading anything: its sealed details trimmed, its
 * classifications and purposes, and the rules between them. BAD_USER_INPUT names the field at fault.
 */
function consentInput(input: RecordConsentInputShape) {
  const optional = (field: SealedConsentField, max: number) => {
    const value = input[field];
    return value == null
      ? undefined
      : validate.text(['input', field], value, { max, multiline: field === 'capacityNote' });
  };
  const sealedValues = {
    agencyName: optional('agencyName', 200),
    representativeName: optional('representativeName', 200),
    capacityNote: optional('capacityNote', 2000),
  };
  if (input.scope === 'NAMED_AGENCY' && !sealedValues.agencyName) {
    throw validate.badInputError(['input', 'agencyName'], 'Name the agency the consent is for.');
  }
  if (
    input.givenBy === 'REPRESENTATIVE' &&
    (!sealedValues.representativeName || !sealedValues.capacityNote)
  ) {
    throw validate.badInputError(
      ['input', 'capacityNote'],
      'A representative’s consent needs their name and a mental-capacity note.',
    );
  }
  const partnerId = input.partnerId == null ? undefined : String(input.partnerId);
  if (partnerId && input.scope !== 'NAMED_AGENCY' && input.scope !== 'GP' && input.scope !== 'OTHER') {
    throw validate.badInputError(['input', 'partnerId'], 'Only an agency or GP consent names a partner.');
  }
  const classifications = input.classifications
    ? validate.nonEmptyUnique(['input', 'classifications'], input.classifications)
    : undefined;
  const purposes = input.purposes
    ? validate.nonEmptyUnique(['input', 'purposes'], input.purposes)
    : undefined;
  if (purposes && !SHARING_SCOPES.includes(input.scope)) {
    throw validate.badInputError(['input', 'purposes'], 'Only a consent to share names purposes.');
  }
  return { sealedValues, partnerId, classifications, purposes };
}

builder.mutationFields((t) => ({
  recordConsent: t.field({
    type: ConsentRef,
    description: 'Records a consent (the service’s managers, or the person themself).',
    args: { input: t.arg({ type: RecordConsentInput, required: true }) },
    operation: {
      policy: 'consent.record',
      subject: clientById(({ input }) => input.serviceUserId),
      change: () => ({ classification: 'CONSENT' }),
      // Checked before the audit event: bad input records nothing, not a consent about to be recorded.
      // (The resolver runs only after it, so the partner named is read once, here.)
      validate: async ({ input }, context) => {
        const { partnerId } = consentInput(input);
        if (
          partnerId &&
          !(
            isIdOf('partner', partnerId) &&
            (await context.services.partners.get(callerScope(context), partnerId))
          )
        ) {
          throw validate.badInputError(['input', 'partnerId'], 'Name a registered partner agency.');
        }
      },
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const client = operation.client;
      const { sealedValues, partnerId, classifications, purposes } = consentInput(input);
      const principal = operation.tenantPrincipal;
      const relation = await context.access.relationTo(client);
      const consent = await context.services.consents.record(
        operation.scope,
        client.clientId,
        await context.access.clientKey(client),
        {
          scope: input.scope,
          method: input.method,
          givenBy: input.givenBy,
          managerInvolved: relation.managesService,
          partnerId,
          classifications,
          purposes,
          recordedBy:
            principal.kind === 'STAFF'
              ? principal.staffId
              : principal.kind === 'SERVICE_USER'
                ? principal.serviceUserId
                : 'unknown',
          sealed: sealedValues,
        },
      );
      return { client, consent };
    },
  }),
  withdrawConsent: t.field({
    type: ConsentRef,
    description: 'Withdraws a consent; every grant and check relying on it stops at once.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      consentId: t.arg.string({ required: true, description: 'The consent.' }),
    },
    operation: {
      policy: 'consent.withdraw',
      subject: clientById((args) => args.serviceUserId),
      change: () => ({ classification: 'CONSENT' }),
      // A consent that is not the person's, or no longer stands, records no withdrawal.
      validate: async (args, context, subject) => {
        if (subject.kind !== 'CLIENT') return;
        const consent = isIdOf('consent', args.consentId)
          ? await context.services.consents.get(context.access.scope, subject.client.clientId, args.consentId)
          : undefined;
        if (!consent) throw notFound('Consent');
        if (consent.withdrawnAt) throw conflict('The consent is already withdrawn.');
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const client = operation.client;
      const principal = operation.tenantPrincipal;
      const by =
        principal.kind === 'STAFF'
          ? principal.staffId
          : principal.kind === 'SERVICE_USER'
            ? principal.serviceUserId
            : principal.partnerId;
      const consent = await context.services.consents.withdraw(
        operation.scope,
        client.clientId,
        args.consentId,
        by,
      );
      if (!consent) throw notFound('Consent');
      return { client, consent };
    },
  }),
}));

// ── The consent methods that can authorise a disclosure (issue 15) ──────────────────────────────────────────

builder.queryFields((t) => ({
  disclosureConsentMethods: t.field({
    type: [ConsentMethodEnum],
    description:
      'The consent methods that can authorise a disclosure on the CONSENT basis: written (SIGNED_FORM, EMAIL) unless the organisation also accepts VERBAL_WITNESSED (Azure 7.1; Community 4).',
    operation: { policy: 'consent.methods.read', audit: 'after' },
    resolve: async (_operation, _args, context) =>
      (await disclosureConsentMethods(context)) as (typeof CONSENT_METHODS)[number][],
  }),
}));

builder.mutationFields((t) => ({
  setDisclosureConsentMethods: t.field({
    type: [ConsentMethodEnum],
    description:
      'Sets the consent methods that can authorise a disclosure (ORG_ADMIN, IG_LEAD): at least one written method; VERBAL_WITNESSED only where the organisation chooses it. Audited before it changes.',
    args: { methods: t.arg({ type: [ConsentMethodEnum], required: true, description: 'The methods.' }) },
    operation: {
      policy: 'consent.methods.change',
      // Bad input is refused before anything is audited or changed.
      change: ({ methods }) => {
        writtenAmong(methods);
        return {};
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, { methods }, context) => {
      const chosen = writtenAmong(methods);
      await context.services.consents.setDisclosureMethods(operation.scope, chosen, operation.staff.staffId);
      return chosen;
    },
  }),
}));

/** The methods, unique, including a written one (Azure 7.1: identifiable disclosure needs written consent). */
function writtenAmong(methods: readonly (typeof CONSENT_METHODS)[number][]) {
  const unique = validate.nonEmptyUnique(['methods'], methods);
  if (!unique.some((method) => method === 'SIGNED_FORM' || method === 'EMAIL')) {
    throw validate.badInputError(['methods'], 'Accept at least one written method (SIGNED_FORM or EMAIL).');
  }
  return unique;
}
