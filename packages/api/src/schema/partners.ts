import { badInput, newId, validate } from '@confide/domain';
import type { PartnerAgency } from '@confide/store';
import { builder } from '../builder';
import { organisationProvisioning } from '../operations/provisioning';
import { listPositions, storeConnection } from './store-paging';

const PartnerAgencyRef = builder.objectRef<PartnerAgency>('PartnerAgency');
PartnerAgencyRef.implement({
  description:
    'An external agency (GP, local authority, police) whose client-credentials app reads only what disclosures released to it.',
  fields: (t) => ({
    id: t.exposeID('partnerId', { description: 'The partner.' }),
    name: t.exposeString('name', { description: 'The agency’s name.' }),
    clientId: t.exposeString('clientId', { description: 'The OAuth client id of its app.' }),
    createdAt: t.field({ type: 'DateTime', description: 'When registered.', resolve: (p) => p.createdAt }),
  }),
});

export const PartnerAgencyEntryRef = builder.objectRef<PartnerAgency>('PartnerAgencyEntry');
PartnerAgencyEntryRef.implement({
  description:
    'A registered partner agency as those who record requests from it see it: its id and name, nothing about its app.',
  fields: (t) => ({
    id: t.exposeID('partnerId', { description: 'The partner, as `recordDisclosureRequest` takes it.' }),
    name: t.exposeString('name', { description: 'The agency’s name.' }),
  }),
});

builder.queryFields((t) => ({
  partnerAgencyDirectory: t.field({
    type: [PartnerAgencyEntryRef],
    description:
      'The organisation’s partner agencies, ids and names only, to record a request from one (ORG_ADMIN, SERVICE_MANAGER, SENIOR_MANAGER, CALDICOTT_GUARDIAN, IG_LEAD; Lets connect 4.3).',
    // Agencies' names, no personal data: no read event (a refusal is recorded).
    deprecationReason:
      'A list that grows (issue 19): use `partnerAgencyDirectoryConnection`, which pages with cursors.',
    operation: { policy: 'identity.partner.directory', audit: 'fields' },
    resolve: (operation, _args, context) => context.services.partners.list(operation.scope),
  }),
  partnerAgencyDirectoryConnection: t.connection({
    type: PartnerAgencyEntryRef,
    description:
      'The organisation’s partner agencies, ids and names only, as a cursor connection paged in the store in a stable order by partner id, to record a request from one (ORG_ADMIN, SERVICE_MANAGER, SENIOR_MANAGER, CALDICOTT_GUARDIAN, IG_LEAD; Lets connect 4.3).',
    // Agencies' names, no personal data: no read event (a refusal is recorded).
    operation: { policy: 'identity.partner.directory', audit: 'fields' },
    resolve: (operation, args, context) =>
      storeConnection<PartnerAgency>(
        args,
        listPositions(context, 'partnerAgencyDirectoryConnection'),
        (page) => context.services.partners.page(operation.scope, page),
      ),
  }),
  partnerAgencies: t.field({
    type: [PartnerAgencyRef],
    description: 'The organisation’s partner agencies (ORG_ADMIN).',
    deprecationReason:
      'A list that grows (issue 19): use `partnerAgenciesConnection`, which pages with cursors.',
    // Agencies' names and client ids, no personal data: no read event, as before (a refusal is recorded).
    operation: { policy: 'identity.partner.list', audit: 'fields' },
    resolve: (operation, _args, context) => context.services.partners.list(operation.scope),
  }),
  partnerAgenciesConnection: t.connection({
    type: PartnerAgencyRef,
    description:
      'The organisation’s partner agencies (ORG_ADMIN), as a cursor connection paged in the store in a stable order by partner id.',
    // Agencies' names and client ids, no personal data: no read event, as before (a refusal is recorded).
    operation: { policy: 'identity.partner.list', audit: 'fields' },
    resolve: (operation, args, context) =>
      storeConnection<PartnerAgency>(args, listPositions(context, 'partnerAgenciesConnection'), (page) =>
        context.services.partners.page(operation.scope, page),
      ),
  }),
}));

/** Where the agency's app client comes from, checked before anything is written or audited. */
function registration(args: { name: string; clientId?: string | null | undefined }, deployed: boolean) {
  const name = validate.text(['name'], args.name, { max: 200 });
  // Deployed (a provisioner, hence a user pool): the provisioner creates the agency's app client (decision 0022).
  if (deployed && args.clientId != null) {
    throw badInput(['clientId'], 'Leave clientId out: this deployment creates the agency’s app client.');
  }
  if (!deployed && args.clientId == null) {
    throw badInput(['clientId'], 'clientId is required: this deployment has no user pool to create it in.');
  }
  return {
    name,
    // Until the provisioner binds the app client, a generated subject that no token of the pool can carry.
    clientId:
      args.clientId == null ? newId('subject') : validate.handle(['clientId'], args.clientId.toLowerCase()),
  };
}

builder.mutationFields((t) => ({
  registerPartnerAgency: t.field({
    type: PartnerAgencyRef,
    description:
      'Registers a partner agency and binds its client-credentials app to this organisation (ORG_ADMIN). It reads nothing until a disclosure is released to it. In a deployed stage the agency’s own app client is created in the user pool (leave `clientId` out; an operator hands its secret to the agency); locally `clientId` is the client id its tokens carry, and required. Audited before it happens.',
    args: {
      name: t.arg.string({ required: true, description: 'The agency’s name.' }),
      clientId: t.arg.string({
        required: false,
        description:
          'The OAuth client id of its app: required locally; left out in a deployed stage, where the app client is created for the agency.',
      }),
    },
    operation: {
      policy: 'identity.partner.register',
      validate: (args, context) => registration(args, context.services.config.provisioner !== undefined),
      // Recorded before the agency or its app client exists: the app client grants access once it has its secret.
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const deployed = context.services.config.provisioner !== undefined;
      const partner = await context.services.partners.register(operation.scope, registration(args, deployed));
      if (!deployed) return partner;
      return organisationProvisioning(context.services).registerPartnerClient(
        { organisationId: operation.scope.orgId, partnerId: partner.partnerId },
        operation.principal,
      );
    },
  }),
}));
