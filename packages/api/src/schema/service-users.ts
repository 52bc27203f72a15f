import { NOTE_KIND_NAMES } from '@confide/domain';
import {
  type Allocation,
  allocationIsCurrent,
  type SealedProfileField,
  type ServiceUserRecord,
} from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import { personalData } from '../access/personal-data';
import { builder } from '../builder';
import type { ConfideContext } from '../context';
import { ServiceRef } from './care-services';

export const ServiceUserRef = builder.objectRef<ServiceUserRecord>('ServiceUser');
const AllocationRef = builder.objectRef<{ client: ServiceUserRecord; allocation: Allocation }>('Allocation');

export const NoteKindEnum = builder.enumType('NoteKind', {
  description:
    'What a note records. DAILY_SUPPORT, SUPPORT_PLAN, ASSESSMENT, HANDOVER, MEETING and CORRESPONDENCE are CARE; MEDICAL is HEALTH; FINANCE is FINANCE; SAFEGUARDING_CONCERN is SAFEGUARDING.',
  values: NOTE_KIND_NAMES,
});

const CaseStatusEnum = builder.enumType('CaseStatus', {
  description: 'Whether the service user is currently supported.',
  values: ['OPEN', 'CLOSED'] as const,
});

export const AllocationKindEnum = builder.enumType('AllocationKind', {
  description:
    'PRIMARY: the allocated worker. COVER: cover for sickness or holidays, with an end time (JRH).',
  values: ['PRIMARY', 'COVER'] as const,
});

const self = (client: ServiceUserRecord) => ({ client });

/** Opens a sealed profile detail for a field the caller was already authorised to read. */
async function detail(client: ServiceUserRecord, field: SealedProfileField, context: ConfideContext) {
  const key = await context.access.clientKey(client);
  return context.services.serviceUsers.openDetail(key, client, field) ?? null;
}

builder.node(ServiceUserRef, {
  ...personalData({
    id: 'an opaque global id: says nothing about the person',
    notes: 'a relation: each note it lists carries its own classification and is filtered per note',
    latestNote: 'a relation: the note returned carries its own classification',
  }),
  description:
    'A person the organisation supports. Every field carries a classification; what the caller reads depends on their relationship to this person (ACCESS-MODEL.md).',
  id: { resolve: (client) => client.clientId },
  loadOne: (id, context) => context.access.visibleClient(id, 'node').catch(() => null),
  fields: (t) => ({
    reference: t.string({
      ...needToKnow('PSEUDONYMOUS', self),
      nullable: true,
      description: 'Pseudonymous case reference; says nothing about the person.',
      resolve: (client) => client.reference,
    }),
    pseudonym: t.string({
      ...needToKnow('PSEUDONYMOUS', self),
      nullable: true,
      description: 'Pseudonym used in supervision and case-study views (Lets connect 4.2).',
      resolve: (client) => client.pseudonym,
    }),
    caseStatus: t.field({
      ...needToKnow('PSEUDONYMOUS', self),
      type: CaseStatusEnum,
      nullable: true,
      description: 'OPEN or CLOSED.',
      resolve: (client) => client.caseStatus,
    }),
    closedAt: t.field({
      ...needToKnow('PSEUDONYMOUS', self),
      type: 'DateTime',
      nullable: true,
      description: 'When the case closed, if it has.',
      resolve: (client) => client.closedAt ?? null,
    }),
    service: t.field({
      ...needToKnow('PSEUDONYMOUS', self),
      type: ServiceRef,
      nullable: true,
      description: 'The service supporting the person.',
      resolve: async (client, _args, context) => (await context.access.service(client.serviceId)) ?? null,
    }),
    version: t.int({
      ...needToKnow('PSEUDONYMOUS', self),
      nullable: true,
      description: 'For optimistic concurrency: pass as expectedVersion.',
      resolve: (client) => client.version,
    }),
    name: t.string({
      ...needToKnow('IDENTIFYING', self),
      nullable: true,
      description: 'Full name.',
      resolve: (client, _args, context) => detail(client, 'name', context),
    }),
    dateOfBirth: t.string({
      ...needToKnow('IDENTIFYING', self),
      nullable: true,
      description: 'Date of birth, YYYY-MM-DD.',
      resolve: (client, _args, context) => detail(client, 'dateOfBirth', context),
    }),
    address: t.string({
      ...needToKnow('IDENTIFYING', self),
      nullable: true,
      description: 'Postal address.',
      resolve: (client, _args, context) => detail(client, 'address', context),
    }),
    postcode: t.string({
      ...needToKnow('IDENTIFYING', self),
      nullable: true,
      description: 'UK postcode.',
      resolve: (client, _args, context) => detail(client, 'postcode', context),
    }),
    nhsNumber: t.string({
      ...needToKnow('IDENTIFYING', self),
      nullable: true,
      description: 'NHS number (ten digits).',
      resolve: (client, _args, context) => detail(client, 'nhsNumber', context),
    }),
    phone: t.string({
      ...needToKnow('CONTACT', self),
      nullable: true,
      description: 'Phone number.',
      resolve: (client, _args, context) => detail(client, 'phone', context),
    }),
    email: t.string({
      ...needToKnow('CONTACT', self),
      nullable: true,
      description: 'Email address.',
      resolve: (client, _args, context) => detail(client, 'email', context),
    }),
    preferredContact: t.string({
      ...needToKnow('CONTACT', self),
      nullable: true,
      description: 'How the person prefers to be contacted.',
      resolve: (client, _args, context) => detail(client, 'preferredContact', context),
    }),
    allocations: t.field({
      ...needToKnow('PSEUDONYMOUS', self),
      type: [AllocationRef],
      nullable: true,
      description: 'Workers currently allocated, with cover end times.',
      // A cover past its end time gives no access and is not a current allocation.
      resolve: (client, _args, context) => {
        const now = context.services.clock.now().toISOString();
        return client.allocations
          .filter((allocation) => allocationIsCurrent(allocation, now))
          .map((allocation) => ({ client, allocation }));
      },
    }),
  }),
});

AllocationRef.implement({
  description: 'A worker’s allocation to a service user.',
  fields: (t) => ({
    allocationId: t.string({
      description: 'Allocation id.',
      resolve: ({ allocation }) => allocation.allocationId,
    }),
    kind: t.field({
      type: AllocationKindEnum,
      description: 'PRIMARY or COVER.',
      resolve: ({ allocation }) => allocation.kind,
    }),
    staffId: t.globalID({
      description: 'The allocated staff member.',
      resolve: ({ allocation }) => ({ type: 'StaffMember', id: allocation.staffId }),
    }),
    startsAt: t.field({
      type: 'DateTime',
      description: 'Start.',
      resolve: ({ allocation }) => allocation.startsAt,
    }),
    endsAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'End, for cover.',
      resolve: ({ allocation }) => allocation.endsAt ?? null,
    }),
  }),
});
