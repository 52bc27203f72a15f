/**
 * Every rule a decision can rest on: a stable id (safe to log and to store with audit records), a reason in
 * plain words for `explain`, and the policy text it comes from. Ids never change meaning; retire, don't reuse.
 */
export const RULES = {
  'operator.none': {
    reason: 'platform operators never see tenant data',
    source: 'ACCESS-MODEL.md Operators see nothing',
  },
  'policy.acknowledgement': {
    reason:
      "you must acknowledge the organisation's current confidentiality policy before you can see client data",
    source: 'Carers Trust 6.1; ACCESS-MODEL.md Policy acknowledgement gate',
  },
  'floor.conflict': {
    reason: 'a declared conflict of interest denies this client whatever the role, allocation or emergency',
    source: 'ACCESS-MODEL.md Conflicts of interest',
  },
  'floor.sealed': {
    reason:
      'the client asked that this item is not shared; only the client, the staff they named, or emergency access for imminent danger or safeguarding can open it',
    source: 'community group 2; Carers Trust 2.2; ACCESS-MODEL.md Sealed items',
  },
  'floor.staff-personal': {
    reason: "staff members' personal data is never read through a client's record",
    source: 'Azure 5.1; community group 9',
  },
  'existence.no-relationship': {
    reason: 'you have no relationship with this client',
    source: 'ACCESS-MODEL.md Existence hiding',
  },
  'existence.hidden': {
    reason: 'no client record is visible to you under this reference',
    source: 'ACCESS-MODEL.md Existence hiding; Explain',
  },
  'self.withheld': {
    reason: 'this item is withheld from the person it is about under a recorded exemption',
    source: 'ACCESS-MODEL.md Principals (service user)',
  },
  'partner.grant': {
    reason: 'this item was released to your organisation by a disclosure that has not expired',
    source: 'ACCESS-MODEL.md Principals (partner agency); Lets connect 4.3',
  },
  'partner.no-grant': {
    reason: 'nothing about this person has been released to your organisation',
    source: 'ACCESS-MODEL.md Principals (partner agency); Lets connect 4.3',
  },
  'partner.read-only': {
    reason: 'a disclosure releases items to read, never to change',
    source: 'ACCESS-MODEL.md Principals (partner agency)',
  },
  'preset.group-wide': {
    reason:
      'your organisation shares pseudonymous, identifying, contact and care data of every client with all staff',
    source: 'community group 2; ACCESS-MODEL.md Presets (GROUP_WIDE)',
  },
  'matrix.allocated-support-worker': {
    reason: 'you are allocated to support this client',
    source: 'Azure 4.1b; JRH "Handling of Information by Support Workers"',
  },
  'matrix.allocated-volunteer': {
    reason: 'you are allocated to this client as a volunteer',
    source: 'Carers Trust 1.1, 2.1',
  },
  'matrix.manages-service': {
    reason: 'you manage the service that supports this client',
    source: 'Azure 4.1c',
  },
  'matrix.qa-review': {
    reason: "you hold a QA review assignment for this client's service",
    source: 'Azure 4.1d',
  },
  'matrix.investigation': {
    reason:
      'you are the investigator of a safeguarding investigation naming this client, and record why you read',
    source: 'Azure 4.1 (investigations)',
  },
  'matrix.org-wide': {
    reason: 'as a senior manager you see the clients of the whole organisation',
    source: 'Azure 4.1e',
  },
  'matrix.emergency': {
    reason: 'you opened emergency access to this client; every read is recorded and reviewed',
    source: 'JRH "Exceptional Breaches of Confidentiality"; Carers Trust 3.3',
  },
  'matrix.self': {
    reason: 'this is your own record',
    source: 'Azure 4.1a; Carers Trust 2.2; community group 3a',
  },
  'matrix.administrator': {
    reason: 'you handle the files of clients of your services in an administrative capacity',
    source: 'Carers Trust 2.1',
  },
  'matrix.information-governance': {
    reason:
      'as Caldicott Guardian or information governance lead you see pseudonymous and consent data of every client',
    source: 'Lets connect 2, 4.3, 4.5',
  },
  'matrix.chief-executive': {
    reason: 'the Chief Executive sees client records only through emergency access',
    source: 'Azure 4.1f',
  },
  'staff-personal.personnel': {
    reason: 'named personnel staff, senior management and the Chief Executive read staff records',
    source: 'Azure 5.1',
  },
  'staff-personal.employment': {
    reason:
      'personnel staff, senior management, the Chief Executive, the administrators who record it and the information governance lead see when a staff member left',
    source: 'Azure 5.1; DATA-PROTECTION.md Retention',
  },
  'staff-personal.own-record': {
    reason: 'this is your own staff record',
    source: 'Azure 5.1',
  },
  'staff-personal.none': {
    reason:
      "only personnel staff, senior management, the Chief Executive and the staff member read a staff member's personal data",
    source: 'Azure 5.1; community group 9',
  },
} as const satisfies Record<string, { readonly reason: string; readonly source: string }>;

/** A stable rule id, e.g. `'matrix.allocated-support-worker'` or `'floor.conflict'`. */
export type RuleId = keyof typeof RULES;

/** All rule ids, in catalogue order. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];
