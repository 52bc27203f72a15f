import type { Authenticated } from '../authentication';
import { builder } from '../builder';
import { authenticated } from '../context';
import { OrganisationRef } from './organisations';
import { StaffMemberRef } from './staff';
import { PrincipalKindEnum, RoleEnum } from './vocabulary';

const ViewerRef = builder.objectRef<Authenticated>('Viewer');

ViewerRef.implement({
  description: 'The caller, as the server sees them after verifying the token and loading the account.',
  fields: (t) => ({
    kind: t.field({
      type: PrincipalKindEnum,
      resolve: (v) => v.principal.kind,
      description: 'Kind of caller.',
    }),
    roles: t.field({
      type: [RoleEnum],
      description: 'Roles held (staff only; empty otherwise). Read from the table, never from the token.',
      resolve: (v) => (v.principal.kind === 'STAFF' ? [...v.principal.roles] : []),
    }),
    organisation: t.field({
      type: OrganisationRef,
      nullable: true,
      description: 'The caller’s organisation; null for platform operators.',
      resolve: (v) => v.organisation ?? null,
    }),
    staffMember: t.field({
      type: StaffMemberRef,
      nullable: true,
      description: 'The caller’s staff account, when the caller is staff.',
      resolve: (v) => v.staff ?? null,
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: ViewerRef,
    description: 'Who the caller is. Needs a valid bearer token; reads no client data.',
    operation: { policy: 'identity.self', audit: 'fields' },
    resolve: (_operation, _args, context) => authenticated(context),
  }),
}));
