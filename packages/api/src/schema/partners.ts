import { validate } from '@confide/domain';
import type { PartnerAgency } from '@confide/store';
import { builder } from '../builder';
import { callerScope } from '../context';

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

builder.queryFields((t) => ({
  partnerAgencies: t.field({
    type: [PartnerAgencyRef],
    description: 'The organisation’s partner agencies (ORG_ADMIN).',
    authScopes: { role: 'ORG_ADMIN' },
    resolve: (_root, _args, context) => context.services.partners.list(callerScope(context)),
  }),
}));

builder.mutationFields((t) => ({
  registerPartnerAgency: t.field({
    type: PartnerAgencyRef,
    description:
      'Registers a partner agency and binds its client-credentials app to this organisation (ORG_ADMIN). It reads nothing until a disclosure is released to it.',
    authScopes: { role: 'ORG_ADMIN' },
    args: {
      name: t.arg.string({ required: true, description: 'The agency’s name.' }),
      clientId: t.arg.string({ required: true, description: 'The OAuth client id of its app.' }),
    },
    resolve: async (_root, args, context) => {
      const partner = await context.services.partners.register(callerScope(context), {
        name: validate.text(['name'], args.name, { max: 200 }),
        clientId: validate.handle(['clientId'], args.clientId.toLowerCase()),
      });
      context.access.audit.record({
        action: 'ADMIN',
        operation: 'registerPartnerAgency',
        outcome: 'ALLOWED',
      });
      return partner;
    },
  }),
}));
