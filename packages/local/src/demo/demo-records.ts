import type { ConfideServices } from '@confide/api/services';
import type { NoteKind, OrgId } from '@confide/domain';
import { ItemLoader, type StaffMember, tenantScope } from '@confide/store';

/** Invented people: any resemblance is accidental. NHS numbers are valid-format test numbers. */
const DEMO_CLIENTS = [
  {
    name: 'Morgan Ellis',
    dateOfBirth: '1979-03-14',
    postcode: 'SA31 1AB',
    nhsNumber: '9434765919',
    phone: '07700 900001',
  },
  {
    name: 'Rhiannon Price',
    dateOfBirth: '1992-11-02',
    postcode: 'SA61 2CD',
    nhsNumber: '9434765870',
    phone: '07700 900002',
  },
  {
    name: 'Tomasz Nowak',
    dateOfBirth: '1958-07-21',
    postcode: 'LS6 3EF',
    nhsNumber: '9434765862',
    phone: '07700 900003',
  },
  {
    name: 'Aisha Rahman',
    dateOfBirth: '2010-05-30',
    postcode: 'M14 4GH',
    nhsNumber: '9434765846',
    phone: '07700 900004',
  },
] as const;

const DEMO_NOTES: readonly { kind: NoteKind; body: string }[] = [
  { kind: 'SUPPORT_PLAN', body: 'Goals: shopping independently twice a week; weekly budgeting session.' },
  { kind: 'DAILY_SUPPORT', body: 'Walked to the shops together; chose and paid for items with prompting.' },
  { kind: 'ASSESSMENT', body: 'Manages personal care independently; needs prompting with appointments.' },
  { kind: 'MEDICAL', body: 'GP changed medication; morning dose now 10 mg. Monitor for dizziness.' },
  { kind: 'FINANCE', body: 'Rent paid; benefits review letter received and filed.' },
  { kind: 'CORRESPONDENCE', body: 'Letter from the community mental health team about the next review.' },
  {
    kind: 'SAFEGUARDING_CONCERN',
    body: 'Mentioned a neighbour asking for money; reported to the safeguarding lead.',
  },
];

/**
 * A supported-living service per demo organisation, with clients, allocations and notes of every kind, so
 * every cell of the need-to-know matrix can be tried with a printed token. Idempotent per organisation.
 */
export async function seedDemoRecords(
  services: ConfideServices,
  orgId: OrgId,
  prefix: string,
): Promise<void> {
  const scope = tenantScope(orgId);
  if ((await services.careServices.list(scope)).length > 0) return;
  const staff = new Map<string, StaffMember>();
  for (const member of await services.directory.listStaff(scope)) staff.set(member.handle, member);
  const idOf = (suffix: string) => {
    const member = staff.get(`${prefix}.${suffix}`);
    if (!member) throw new Error(`Demo staff ${prefix}.${suffix} is missing.`);
    return member.staffId;
  };

  const service = await services.careServices.create(scope, 'Supported living');
  await services.careServices.addStaff(scope, service.serviceId, idOf('manager'), 'managers');
  for (const member of ['worker', 'cover', 'volunteer', 'office']) {
    await services.careServices.addStaff(scope, service.serviceId, idOf(member), 'members');
  }
  const now = services.clock.now();
  await services.careServices.assignQa(
    scope,
    service.serviceId,
    idOf('teamleader'),
    now,
    new Date(now.getTime() + 30 * 86_400_000),
  );

  const loader = new ItemLoader(services.dynamo, services.keys);
  const clientIds: string[] = [];
  for (const [index, details] of DEMO_CLIENTS.entries()) {
    const { clientId } = await services.serviceUsers.register(scope, {
      serviceId: service.serviceId,
      details: { ...details, address: `${index + 1} Example Street`, preferredContact: 'Phone' },
    });
    clientIds.push(clientId);
    const allocations = [
      await services.serviceUsers.allocate(scope, clientId, { staffId: idOf('worker'), kind: 'PRIMARY' }),
      await services.serviceUsers.allocate(scope, clientId, { staffId: idOf('volunteer'), kind: 'PRIMARY' }),
      await services.serviceUsers.allocate(scope, clientId, {
        staffId: idOf('cover'),
        kind: 'COVER',
        endsAt: new Date(now.getTime() + 14 * 86_400_000),
      }),
    ];
    // As recordNote does: each allocation is told of the latest note (the caseload's hint).
    const noteOptions = { allocationIds: allocations.map((allocation) => allocation.allocationId) };
    const key = await loader.subjectKey(orgId, clientId);
    if (!key) throw new Error('Demo client has no key.');
    for (const note of DEMO_NOTES) {
      await services.caseNotes.record(
        scope,
        clientId,
        key,
        {
          ...note,
          authorId: idOf('worker'),
          authorOrganisation: note.kind === 'CORRESPONDENCE' ? 'Community mental health team' : undefined,
        },
        noteOptions,
      );
    }
    await services.caseNotes.record(
      scope,
      clientId,
      key,
      {
        kind: 'HANDOVER',
        body: 'Evening handover: settled, ate well, asked about the weekend trip.',
        authorId: idOf('worker'),
        distribution: [idOf('worker'), idOf('cover'), idOf('manager')],
      },
      noteOptions,
    );
    await services.consents.record(scope, clientId, key, {
      scope: 'GP',
      method: 'SIGNED_FORM',
      givenBy: 'CLIENT',
      managerInvolved: true,
      // A consent authorises a disclosure only for the purposes it names (issue 15).
      purposes: ['HEALTH_TREATMENT', 'CARE_COORDINATION'],
      recordedBy: idOf('manager'),
      sealed: {},
    });
  }

  // A break-glass review waiting in the governance console (its manager and Caldicott Guardian review it): the chief
  // executive reads a client only through emergency access (ACCESS-MODEL.md).
  const [firstClient] = clientIds;
  const firstKey = firstClient ? await loader.subjectKey(orgId, firstClient) : undefined;
  if (firstClient && firstKey) {
    await services.emergencyReviews.open(scope, firstKey, {
      staffId: idOf('ceo'),
      clientId: firstClient,
      serviceId: service.serviceId,
      reason: 'MEDICAL_EMERGENCY',
      detail:
        'Out-of-hours call: a neighbour found them unwell and the ambulance crew asked for the medication list.',
      until: new Date(now.getTime() + 60 * 60 * 1000),
    });
  }
}
