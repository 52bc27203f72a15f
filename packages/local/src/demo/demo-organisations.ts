import type { AccessPreset, Role } from '@confide/domain';

/** A demo staff member: handle, name and roles. Names are invented. */
export interface DemoStaff {
  readonly handle: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
}

export interface DemoOrganisation {
  readonly slug: string;
  readonly name: string;
  readonly preset: AccessPreset;
  /** Which policy in shared/policies the organisation follows. */
  readonly policy: string;
  readonly admin: DemoStaff;
  readonly staff: readonly DemoStaff[];
}

/** Staff in every role, so each cell of the need-to-know matrix can be tried with a printed token. */
function staffInEveryRole(prefix: string): DemoStaff[] {
  return [
    { handle: `${prefix}.worker`, displayName: 'Sam Worker', roles: ['SUPPORT_WORKER'] },
    { handle: `${prefix}.cover`, displayName: 'Chris Cover', roles: ['SUPPORT_WORKER'] },
    { handle: `${prefix}.volunteer`, displayName: 'Val Volunteer', roles: ['VOLUNTEER'] },
    { handle: `${prefix}.teamleader`, displayName: 'Terry Leader', roles: ['TEAM_LEADER'] },
    { handle: `${prefix}.manager`, displayName: 'Morgan Manager', roles: ['SERVICE_MANAGER'] },
    { handle: `${prefix}.senior`, displayName: 'Sasha Senior', roles: ['SENIOR_MANAGER'] },
    { handle: `${prefix}.ceo`, displayName: 'Casey Chief', roles: ['CHIEF_EXECUTIVE'] },
    { handle: `${prefix}.guardian`, displayName: 'Gale Guardian', roles: ['CALDICOTT_GUARDIAN'] },
    { handle: `${prefix}.safeguarding`, displayName: 'Robin Lead', roles: ['SAFEGUARDING_LEAD'] },
    { handle: `${prefix}.ig`, displayName: 'Indra Governance', roles: ['IG_LEAD'] },
    { handle: `${prefix}.office`, displayName: 'Alex Office', roles: ['ADMINISTRATOR'] },
    { handle: `${prefix}.hr`, displayName: 'Harper People', roles: ['HR_OFFICER'] },
  ];
}

/** One organisation per policy in shared/policies. */
export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  {
    slug: 'azure',
    name: 'Azure Support Services',
    preset: 'STRICT',
    policy: 'azure-support-services-confidentiality.txt',
    admin: { handle: 'azure.admin', displayName: 'Avery Admin', roles: ['ORG_ADMIN'] },
    staff: staffInEveryRole('azure'),
  },
  {
    slug: 'jrh',
    name: 'JRH Support',
    preset: 'STRICT',
    policy: 'jrh-support-confidentiality.txt',
    admin: { handle: 'jrh.admin', displayName: 'Jordan Admin', roles: ['ORG_ADMIN'] },
    staff: staffInEveryRole('jrh'),
  },
  {
    slug: 'crossroads',
    name: 'Carers Trust Crossroads West Wales',
    preset: 'STRICT',
    policy: 'carers-trust-crossroads-west-wales-staff-guidance.txt',
    admin: { handle: 'crossroads.admin', displayName: 'Cerys Admin', roles: ['ORG_ADMIN'] },
    staff: staffInEveryRole('crossroads'),
  },
  {
    slug: 'community',
    name: 'Riverside Community Group',
    preset: 'GROUP_WIDE',
    policy: 'community-group-confidentiality-template.txt',
    admin: { handle: 'community.admin', displayName: 'Pat Admin', roles: ['ORG_ADMIN'] },
    staff: staffInEveryRole('community'),
  },
  {
    slug: 'letsconnect',
    name: 'Lets connect',
    preset: 'STRICT',
    policy: 'lets-connect-confidentiality.txt',
    admin: { handle: 'letsconnect.admin', displayName: 'Lee Admin', roles: ['ORG_ADMIN'] },
    staff: staffInEveryRole('letsconnect'),
  },
];
