import type { Role } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import type { CallerFacts, ClientRelationFacts } from '../../facts';
import { OPERATION_POLICIES, type OperationPolicyId } from '../catalogue';
import type { ChangeFacts, OperationDecision, OperationFacts } from '../facts';
import { OPERATION_POLICY_CLAUSES } from '../policy-clauses';
import { REPORT_RULES, reportReach } from '../report-scope';

/*
 * The governance policies (policies/governance.ts), by table: for each policy, who is allowed and who is
 * refused, with the rule id each answer is recorded under.
 */

const NO_RELATION: ClientRelationFacts = {
  allocated: false,
  managesService: false,
  qaReview: false,
  investigation: false,
  serviceMember: false,
  emergency: undefined,
  self: false,
  conflict: false,
};

interface Given {
  readonly acknowledged?: boolean;
  readonly managesAnyService?: boolean;
  readonly targetIsCaller?: boolean;
  readonly change?: ChangeFacts;
  readonly relation?: ClientRelationFacts;
}

function facts(caller: CallerFacts, given: Given = {}): OperationFacts {
  return {
    caller,
    preset: 'STRICT',
    approved: false,
    ...(given.managesAnyService === undefined ? {} : { managesAnyService: given.managesAnyService }),
    ...(given.targetIsCaller === undefined ? {} : { targetIsCaller: given.targetIsCaller }),
    ...(given.change ? { change: given.change } : {}),
    ...(given.relation ? { relation: given.relation } : {}),
  };
}

const staff = (roles: readonly Role[], given: Given = {}) =>
  facts({ kind: 'STAFF', roles, acknowledgedPolicy: given.acknowledged ?? true }, given);
const SERVICE_USER = facts({ kind: 'SERVICE_USER' });
const PARTNER = facts({ kind: 'PARTNER' });
const OPERATOR = facts({ kind: 'OPERATOR' });

type Row = readonly [who: string, facts: OperationFacts, effect: OperationDecision['effect'], rule: string];

function decide(id: OperationPolicyId, row: Row): OperationDecision {
  return OPERATION_POLICIES[id].decide(row[1]);
}

function table(id: OperationPolicyId, rows: readonly Row[]) {
  describe(id, () => {
    it.each(rows)('%s → %s', (...row) => {
      const decision = decide(id, row as unknown as Row);
      expect([decision.effect, decision.rule]).toEqual([row[2], row[3]]);
    });
  });
}

/** The rows shared by the reports the IG lead and the Caldicott Guardian run across the organisation. */
function monitoringReportRows(refused: string): Row[] {
  return [
    ['IG_LEAD', staff(['IG_LEAD']), 'ALLOW', REPORT_RULES.ORG_WIDE],
    ['CALDICOTT_GUARDIAN', staff(['CALDICOTT_GUARDIAN']), 'ALLOW', REPORT_RULES.ORG_WIDE],
    [
      'IG_LEAD who also manages a service (org-wide wins)',
      staff(['IG_LEAD', 'SERVICE_MANAGER'], { managesAnyService: true }),
      'ALLOW',
      REPORT_RULES.ORG_WIDE,
    ],
    [
      'SERVICE_MANAGER managing a service',
      staff(['SERVICE_MANAGER'], { managesAnyService: true }),
      'ALLOW',
      REPORT_RULES.OWN_SERVICES,
    ],
    [
      'SERVICE_MANAGER managing no service',
      staff(['SERVICE_MANAGER'], { managesAnyService: false }),
      'FORBIDDEN',
      refused,
    ],
    ['SERVICE_MANAGER, services unknown', staff(['SERVICE_MANAGER']), 'FORBIDDEN', refused],
    [
      'SUPPORT_WORKER (even with a managed-service link)',
      staff(['SUPPORT_WORKER'], { managesAnyService: true }),
      'FORBIDDEN',
      refused,
    ],
    ['SENIOR_MANAGER', staff(['SENIOR_MANAGER']), 'FORBIDDEN', refused],
    ['CHIEF_EXECUTIVE', staff(['CHIEF_EXECUTIVE']), 'FORBIDDEN', refused],
    ['ORG_ADMIN', staff(['ORG_ADMIN']), 'FORBIDDEN', refused],
    ['HR_OFFICER', staff(['HR_OFFICER']), 'FORBIDDEN', refused],
    ['SERVICE_USER', SERVICE_USER, 'FORBIDDEN', refused],
    ['PARTNER', PARTNER, 'FORBIDDEN', refused],
    ['OPERATOR', OPERATOR, 'FORBIDDEN', refused],
  ];
}

describe('governance policies', () => {
  table('monitoring.report', monitoringReportRows('monitoring.report'));
  table('monitoring.staff-access-report', monitoringReportRows('monitoring.staff-access-report'));

  table('monitoring.aggregate-report', [
    ['IG_LEAD', staff(['IG_LEAD']), 'ALLOW', REPORT_RULES.ORG_WIDE],
    ['CALDICOTT_GUARDIAN', staff(['CALDICOTT_GUARDIAN']), 'ALLOW', REPORT_RULES.ORG_WIDE],
    ['SENIOR_MANAGER', staff(['SENIOR_MANAGER']), 'ALLOW', REPORT_RULES.ORG_WIDE],
    ['CHIEF_EXECUTIVE', staff(['CHIEF_EXECUTIVE']), 'ALLOW', REPORT_RULES.ORG_WIDE],
    [
      'SERVICE_MANAGER managing a service',
      staff(['SERVICE_MANAGER'], { managesAnyService: true }),
      'ALLOW',
      REPORT_RULES.OWN_SERVICES,
    ],
    [
      'SERVICE_MANAGER managing no service',
      staff(['SERVICE_MANAGER'], { managesAnyService: false }),
      'FORBIDDEN',
      'monitoring.aggregate-report',
    ],
    ['SUPPORT_WORKER', staff(['SUPPORT_WORKER']), 'FORBIDDEN', 'monitoring.aggregate-report'],
    ['TEAM_LEADER', staff(['TEAM_LEADER']), 'FORBIDDEN', 'monitoring.aggregate-report'],
    ['ORG_ADMIN', staff(['ORG_ADMIN']), 'FORBIDDEN', 'monitoring.aggregate-report'],
    ['SERVICE_USER', SERVICE_USER, 'FORBIDDEN', 'monitoring.aggregate-report'],
  ]);

  table('monitoring.governance-summary', [
    ['IG_LEAD', staff(['IG_LEAD']), 'ALLOW', 'monitoring.governance-summary'],
    ['CALDICOTT_GUARDIAN', staff(['CALDICOTT_GUARDIAN']), 'FORBIDDEN', 'monitoring.governance-summary'],
    [
      'SERVICE_MANAGER managing a service',
      staff(['SERVICE_MANAGER'], { managesAnyService: true }),
      'FORBIDDEN',
      'monitoring.governance-summary',
    ],
    ['CHIEF_EXECUTIVE', staff(['CHIEF_EXECUTIVE']), 'FORBIDDEN', 'monitoring.governance-summary'],
    ['OPERATOR', OPERATOR, 'FORBIDDEN', 'monitoring.governance-summary'],
  ]);

  table('monitoring.settings.read', [
    ['IG_LEAD', staff(['IG_LEAD']), 'ALLOW', 'monitoring.settings.read'],
    ['CALDICOTT_GUARDIAN', staff(['CALDICOTT_GUARDIAN']), 'ALLOW', 'monitoring.settings.read'],
    ['ORG_ADMIN', staff(['ORG_ADMIN']), 'ALLOW', 'monitoring.settings.read'],
    ['SERVICE_MANAGER', staff(['SERVICE_MANAGER']), 'ALLOW', 'monitoring.settings.read'],
    ['SUPPORT_WORKER', staff(['SUPPORT_WORKER']), 'FORBIDDEN', 'monitoring.settings.read'],
    ['SERVICE_USER', SERVICE_USER, 'FORBIDDEN', 'monitoring.settings.read'],
  ]);

  table('monitoring.settings.change', [
    ['IG_LEAD', staff(['IG_LEAD']), 'ALLOW', 'monitoring.settings.change'],
    ['ORG_ADMIN', staff(['ORG_ADMIN']), 'ALLOW', 'monitoring.settings.change'],
    ['CALDICOTT_GUARDIAN', staff(['CALDICOTT_GUARDIAN']), 'FORBIDDEN', 'monitoring.settings.change'],
    ['SERVICE_MANAGER', staff(['SERVICE_MANAGER']), 'FORBIDDEN', 'monitoring.settings.change'],
    ['SUPPORT_WORKER', staff(['SUPPORT_WORKER']), 'FORBIDDEN', 'monitoring.settings.change'],
  ]);

  const self = { ...NO_RELATION, self: true };
  table('monitoring.own-access-log', [
    [
      'the person themself',
      facts({ kind: 'SERVICE_USER' }, { relation: self }),
      'ALLOW',
      'self-view.own-access-log',
    ],
    [
      'another service user',
      facts({ kind: 'SERVICE_USER' }, { relation: NO_RELATION }),
      'NOT_FOUND',
      'existence.no-relationship',
    ],
    [
      'a senior manager (sees the client, but this is the person’s own view)',
      staff(['SENIOR_MANAGER'], { relation: NO_RELATION }),
      'FORBIDDEN',
      'monitoring.own-access-log',
    ],
    [
      'staff who have not acknowledged the policy',
      staff(['SUPPORT_WORKER'], { acknowledged: false, relation: { ...NO_RELATION, allocated: true } }),
      'POLICY_NOT_ACKNOWLEDGED',
      'policy.acknowledgement',
    ],
  ]);

  table('monitoring.staff-names', [
    ['ORG_ADMIN', staff(['ORG_ADMIN']), 'ALLOW', 'monitoring.staff-names'],
    ['SERVICE_MANAGER', staff(['SERVICE_MANAGER']), 'FORBIDDEN', 'monitoring.staff-names'],
    ['IG_LEAD', staff(['IG_LEAD']), 'FORBIDDEN', 'monitoring.staff-names'],
  ]);

  const other = { targetIsCaller: false };
  const own = { targetIsCaller: true };
  table('staff-personal.read', [
    ['HR_OFFICER, someone else’s', staff(['HR_OFFICER'], other), 'ALLOW', 'staff-personal.personnel'],
    ['SENIOR_MANAGER', staff(['SENIOR_MANAGER'], other), 'ALLOW', 'staff-personal.personnel'],
    ['CHIEF_EXECUTIVE', staff(['CHIEF_EXECUTIVE'], other), 'ALLOW', 'staff-personal.personnel'],
    ['the staff member, their own', staff(['SUPPORT_WORKER'], own), 'ALLOW', 'staff-personal.own-record'],
    [
      'the staff member, their own, before acknowledging',
      staff(['SUPPORT_WORKER'], { ...own, acknowledged: false }),
      'ALLOW',
      'staff-personal.own-record',
    ],
    [
      'HR_OFFICER before acknowledging',
      staff(['HR_OFFICER'], { ...other, acknowledged: false }),
      'POLICY_NOT_ACKNOWLEDGED',
      'policy.acknowledgement',
    ],
    ['a colleague', staff(['SERVICE_MANAGER'], other), 'FORBIDDEN', 'staff-personal.none'],
    ['ORG_ADMIN', staff(['ORG_ADMIN'], other), 'FORBIDDEN', 'staff-personal.none'],
    ['IG_LEAD', staff(['IG_LEAD'], other), 'FORBIDDEN', 'staff-personal.none'],
    ['a service user', SERVICE_USER, 'NOT_FOUND', 'staff-personal.none'],
    ['an operator', OPERATOR, 'FORBIDDEN', 'operator.none'],
  ]);

  const contact = { classification: 'STAFF_PERSONAL' as const, fields: ['PersonnelRecord.personalPhone'] };
  const notes = { classification: 'STAFF_PERSONAL' as const, fields: ['PersonnelRecord.personnelNotes'] };
  const both = {
    classification: 'STAFF_PERSONAL' as const,
    fields: ['PersonnelRecord.homeAddress', 'PersonnelRecord.personnelNotes'],
  };
  table('staff-personal.write', [
    [
      'HR_OFFICER, someone else’s notes',
      staff(['HR_OFFICER'], { ...other, change: notes }),
      'ALLOW',
      'staff-personal.hr-officer',
    ],
    [
      'the staff member, their own contact details',
      staff(['SUPPORT_WORKER'], { ...own, change: contact }),
      'ALLOW',
      'staff-personal.own-contact-details',
    ],
    [
      'the staff member, their own contact details before acknowledging',
      staff(['SUPPORT_WORKER'], { ...own, change: contact, acknowledged: false }),
      'ALLOW',
      'staff-personal.own-contact-details',
    ],
    [
      'the staff member, their own personnel notes',
      staff(['SUPPORT_WORKER'], { ...own, change: notes }),
      'FORBIDDEN',
      'staff-personal.own-personnel-notes',
    ],
    [
      'the staff member, contact details and notes at once',
      staff(['SUPPORT_WORKER'], { ...own, change: both }),
      'FORBIDDEN',
      'staff-personal.own-personnel-notes',
    ],
    [
      'the staff member, no fields named',
      staff(['SUPPORT_WORKER'], own),
      'FORBIDDEN',
      'staff-personal.own-personnel-notes',
    ],
    [
      'HR_OFFICER, their own personnel notes',
      staff(['HR_OFFICER'], { ...own, change: notes }),
      'FORBIDDEN',
      'staff-personal.own-personnel-notes',
    ],
    [
      'HR_OFFICER before acknowledging',
      staff(['HR_OFFICER'], { ...other, change: notes, acknowledged: false }),
      'POLICY_NOT_ACKNOWLEDGED',
      'policy.acknowledgement',
    ],
    [
      'SENIOR_MANAGER (reads, does not write)',
      staff(['SENIOR_MANAGER'], { ...other, change: contact }),
      'FORBIDDEN',
      'staff-personal.none',
    ],
    [
      'a colleague',
      staff(['SERVICE_MANAGER'], { ...other, change: contact }),
      'FORBIDDEN',
      'staff-personal.none',
    ],
    ['a service user', SERVICE_USER, 'FORBIDDEN', 'staff-personal.none'],
  ]);

  table('staff-personal.reference-permission', [
    [
      'the staff member themself',
      staff(['SUPPORT_WORKER'], own),
      'ALLOW',
      'staff-personal.reference-permission',
    ],
    [
      'HR_OFFICER on their behalf',
      staff(['HR_OFFICER'], other),
      'FORBIDDEN',
      'staff-personal.reference-permission-own-only',
    ],
    [
      'a senior manager',
      staff(['SENIOR_MANAGER'], other),
      'FORBIDDEN',
      'staff-personal.reference-permission-own-only',
    ],
    ['a service user', SERVICE_USER, 'FORBIDDEN', 'staff-personal.reference-permission-own-only'],
  ]);

  table('staff-personal.reference-permission-withdraw', [
    [
      'the staff member themself',
      staff(['SUPPORT_WORKER'], own),
      'ALLOW',
      'staff-personal.reference-permission',
    ],
    [
      'HR_OFFICER recording it for them',
      staff(['HR_OFFICER'], other),
      'ALLOW',
      'staff-personal.reference-permission-withdrawn-by-hr',
    ],
    [
      'HR_OFFICER before acknowledging',
      staff(['HR_OFFICER'], { ...other, acknowledged: false }),
      'POLICY_NOT_ACKNOWLEDGED',
      'policy.acknowledgement',
    ],
    [
      'a senior manager',
      staff(['SENIOR_MANAGER'], other),
      'FORBIDDEN',
      'staff-personal.reference-permission-withdraw-own-or-hr',
    ],
    ['a service user', SERVICE_USER, 'FORBIDDEN', 'staff-personal.reference-permission-withdraw-own-or-hr'],
  ]);

  table('staff-personal.reference-release', [
    ['HR_OFFICER', staff(['HR_OFFICER'], other), 'ALLOW', 'staff-personal.reference-release'],
    [
      'HR_OFFICER before acknowledging',
      staff(['HR_OFFICER'], { ...other, acknowledged: false }),
      'POLICY_NOT_ACKNOWLEDGED',
      'policy.acknowledgement',
    ],
    [
      'the staff member themself',
      staff(['SUPPORT_WORKER'], own),
      'FORBIDDEN',
      'staff-personal.reference-release-hr-only',
    ],
    [
      'a colleague, unacknowledged (refused for the role first)',
      staff(['SERVICE_MANAGER'], { ...other, acknowledged: false }),
      'FORBIDDEN',
      'staff-personal.reference-release-hr-only',
    ],
    [
      'CHIEF_EXECUTIVE',
      staff(['CHIEF_EXECUTIVE'], other),
      'FORBIDDEN',
      'staff-personal.reference-release-hr-only',
    ],
    ['a partner', PARTNER, 'FORBIDDEN', 'staff-personal.reference-release-hr-only'],
  ]);
});

describe('report reach', () => {
  it('reads the reach back from an allowed report decision only', () => {
    expect(reportReach({ effect: 'ALLOW', rule: REPORT_RULES.ORG_WIDE })).toBe('ORG_WIDE');
    expect(reportReach({ effect: 'ALLOW', rule: REPORT_RULES.OWN_SERVICES })).toBe('OWN_SERVICES');
    expect(reportReach({ effect: 'FORBIDDEN', rule: REPORT_RULES.ORG_WIDE })).toBeUndefined();
    expect(reportReach({ effect: 'ALLOW', rule: 'monitoring.governance-summary' })).toBeUndefined();
  });

  it('gives a service manager their services only, and only while they manage one', () => {
    const policy = OPERATION_POLICIES['monitoring.report'];
    const reach = (given: OperationFacts) => reportReach(policy.decide(given));
    expect(reach(staff(['SERVICE_MANAGER'], { managesAnyService: true }))).toBe('OWN_SERVICES');
    expect(reach(staff(['SERVICE_MANAGER'], { managesAnyService: false }))).toBeUndefined();
    expect(reach(staff(['CALDICOTT_GUARDIAN', 'SERVICE_MANAGER'], { managesAnyService: true }))).toBe(
      'ORG_WIDE',
    );
  });
});

describe('the governance policies’ shape', () => {
  const ids = Object.keys(OPERATION_POLICIES).filter(
    (id) => id.startsWith('monitoring.') || id.startsWith('staff-personal.'),
  ) as OperationPolicyId[];

  it('each names its clause and admits staff only, except the person’s own log', () => {
    for (const id of ids) {
      const policy = OPERATION_POLICIES[id];
      expect(OPERATION_POLICY_CLAUSES[id].length, id).toBeGreaterThan(10);
      expect(policy.principals, id).toEqual(
        id === 'monitoring.own-access-log' ? ['SERVICE_USER'] : ['STAFF'],
      );
    }
  });

  it('marks every change as a write', () => {
    for (const id of [
      'monitoring.settings.change',
      'monitoring.staff-names',
      'staff-personal.write',
      'staff-personal.reference-permission',
      'staff-personal.reference-permission-withdraw',
      'staff-personal.reference-release',
    ] as const) {
      expect(OPERATION_POLICIES[id].effects.writes, id).toBe(true);
    }
  });
});
