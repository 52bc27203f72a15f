import type { OperationPolicyId } from './catalogue';

/*
 * Which policy clause each operation policy encodes: ACCESS-MODEL.md, DATA-PROTECTION.md, a charity's own policy
 * (Azure 4.1, Lets connect 3.1, ...), an issue or a decision. They are read by tests and people, not by the deciding
 * code, so they live here rather than on the policies: no runtime module imports this file, which keeps them out of
 * the Lambda bundles (decision 0043, checked by infra/test/api-bundle.test.ts).
 */

const ACCOUNTS_CLAUSE =
  'ACCESS-MODEL.md Roles: ORG_ADMIN manages the organisation’s staff accounts and roles';
const TWO_PERSON_ROLES =
  'ACCESS-MODEL.md Operations: nobody changes their own roles; a role that grants client content takes effect only when a second person with authority approves it; no single person can, by operations they can run alone, read a record they have no relationship with (so ORG_ADMIN, which approves, is given by two: decision 0081)';
const SERVICES_CLAUSE =
  'ACCESS-MODEL.md Relationships: MANAGES_SERVICE and team membership are set up by ORG_ADMIN and SENIOR_MANAGER, the team also by the service’s managers; no single person grants themself a relationship';
const DISCLOSURE_CLAUSE =
  'DATA-PROTECTION.md Consent and disclosure; Azure 4.1: disclosure requests are handled by the service’s managers or the Caldicott Guardian';
const REPORT_CLAUSE =
  'DATA-PROTECTION.md Access audit: reports for IG_LEAD and CALDICOTT_GUARDIAN, a SERVICE_MANAGER for their services (Lets connect 4.3, 5.2)';
const CONFLICT_CLAUSE =
  'ACCESS-MODEL.md Rules, conflicts of interest: a staff member connected to a client is denied that client whatever their role; they may declare it themself, the service’s managers, HR and senior managers declare it for others, and only a manager clears it';

/** The clause of every operation policy, one per catalogue id (the type requires it), in the catalogue's order. */
export const OPERATION_POLICY_CLAUSES: { readonly [Id in OperationPolicyId]: string } = {
  // ── policies/identity.ts ──
  'identity.self':
    'ACCESS-MODEL.md Principals: every verified caller may see who the server takes them to be',
  'node.read':
    'ACCESS-MODEL.md Existence hiding: a node is looked up by any tenant principal, then decided and audited by the operation policy of its type’s own query (services, staffMembers or me, serviceUser, caseNote)',
  'identity.staff.list':
    'ACCESS-MODEL.md Roles: ORG_ADMIN manages staff accounts; HR_OFFICER, named personnel staff (Azure 5.1)',
  'identity.staff.read':
    'ACCESS-MODEL.md Roles: ORG_ADMIN and HR_OFFICER manage staff accounts; IG_LEAD and CALDICOTT_GUARDIAN oversee every access and so may open the staff member behind any audited event, a service’s managers those of the services they manage (issue 19); everyone sees their own account',
  'identity.staff.add': `${ACCOUNTS_CLAUSE}; ${TWO_PERSON_ROLES}`,
  'identity.roles.assign': `${ACCOUNTS_CLAUSE}; ${TWO_PERSON_ROLES}`,
  'identity.roles.remove': `${ACCOUNTS_CLAUSE}; ${TWO_PERSON_ROLES}`,
  'identity.staff.deactivate': `${ACCOUNTS_CLAUSE}; another administrator deactivates an administrator’s own account`,
  'identity.staff.invite': `${ACCOUNTS_CLAUSE}; the user pool emails the invitation`,
  'identity.employment.end':
    'DATA-PROTECTION.md Retention: staff records are kept 6 years after employment ends; ORG_ADMIN records the end of someone else’s employment',
  'identity.employment.resume': `DATA-PROTECTION.md Retention: a former staff member employed again is kept; ORG_ADMIN records someone else’s re-employment, which makes their account active again with its roles; ${TWO_PERSON_ROLES}`,
  'identity.partner.list':
    'ACCESS-MODEL.md Principals: partner agencies are registered by the organisation’s ORG_ADMIN',
  'identity.partner.directory':
    'Lets connect 4.3: the service manager records each request from an agency; managers, the Caldicott Guardian and the IG lead look up a registered agency’s id and name (no app credentials) to record one',
  'identity.partner.register':
    'ACCESS-MODEL.md Principals: partner agencies are registered by the organisation’s ORG_ADMIN; they read only what a released disclosure gave them',
  'organisation.policy.publish':
    'ACCESS-MODEL.md Policy acknowledgement gate: a new policy version re-arms the gate (Carers Trust 6.1); published by ORG_ADMIN or the IG lead',
  'organisation.policy.status':
    'ACCESS-MODEL.md Policy acknowledgement gate: staff must sign the current confidentiality policy (Carers Trust 6.1), so every staff member can see which version is current and whether they have signed it',
  'organisation.policy.acknowledge':
    'ACCESS-MODEL.md Policy acknowledgement gate: staff sign that they have read the current policy (Carers Trust 6.1)',
  'organisation.preset':
    'ACCESS-MODEL.md Presets and Operations: ORG_ADMIN changes the preset, every change audited; switching to GROUP_WIDE needs two people, the second the Caldicott Guardian, who decides what is shared (Lets connect 4.3)',
  'service.list':
    'ACCESS-MODEL.md Relationships: services hold no personal data; every staff member sees them',
  'service.create': SERVICES_CLAUSE,
  'service.managers': SERVICES_CLAUSE,
  'service.team': SERVICES_CLAUSE,
  'service.qa-review': `${SERVICES_CLAUSE}; QA checks by Team Leader colleagues (Azure 4.1d)`,
  // ── policies/platform.ts ──
  'platform.organisations.list':
    'DESIGN.md Platform operators: list the deployment’s organisations (no tenant data)',
  'platform.organisation.onboard':
    'DESIGN.md Platform operators: onboard a charity with its own key and first ORG_ADMIN',
  'platform.organisation.offboard':
    'Issue 14: offboarding needs two operators. The first operator’s call records a pending offboarding (APPROVAL_REQUIRED); a different operator’s call runs it; the same operator cannot approve their own',
  'platform.organisation.export.waive':
    'Decision 0034: a processor hands the controller its records before offboarding, unless an operator records why not (a reason code and the controller’s reference, never free text)',
  'platform.organisation.admin.confirm':
    'ACCESS-MODEL.md Operations: a role that lets its holder approve is given only when a second person approves it; an organisation’s only ORG_ADMIN has nobody inside it, so the platform operator who onboarded it with one admin is that second person (decision 0081). The operator reads nothing and gives nothing alone: the admin’s own approval runs the change',
  'platform.organisation.admin.restore':
    'Decision 0109: once its admins have all left, two operators (the second never the first) give ORG_ADMIN to an active staff member the charity names and deactivate its other admins; they read nothing',
  'platform.operator.suspend':
    'Decision 0026: an operator is admitted only while their stored status is ACTIVE; suspending one takes another, active operator (never oneself) and is recorded in the platform audit log before it is stored',
  'platform.organisation.own':
    'ACCESS-MODEL.md: staff see their own organisation’s settings (no personal data)',
  // ── policies/clients.ts ──
  'client.read':
    'ACCESS-MODEL.md Existence hiding: a client is found only by those with a relationship; each field is then decided by the matrix',
  'client.lists':
    'ACCESS-MODEL.md Lists filter, they never fail: a caseload, a service’s list or a search shows only the clients the caller may know exist',
  'client.register': 'Lets connect 3.1: the managers of a service register the people it supports',
  'case.manage':
    'Lets connect 3.1: case management (reopening, allocations) belongs to the managers of the service',
  'case.allocate':
    'Lets connect 3.1: the managers of the service allocate workers and cover (JRH), giving them access to the record',
  'case.close':
    'Lets connect 3.1 and DATA-PROTECTION.md Retention: the managers of the service close a case, which starts its retention; a closure that would let the records expire at once is an erasure and goes through eraseServiceUser',
  'note.record':
    'ACCESS-MODEL.md Matrix W cells: writing a note needs write access to its classification; Principals: a note is withheld from the person only under a recorded exemption, judged by staff whose role carries that judgement',
  'note.amend':
    'Azure 4.1: a note is amended by its author or the service’s managers, within the W cells of its classification; nothing is overwritten',
  'client.contact.correct':
    'ACCESS-MODEL.md Matrix W cells: a client’s contact details (CONTACT) are corrected by those with W on CONTACT — the ADMINISTRATOR of the client’s service, the allocated support worker, the service’s managers',
  'media.record':
    'Azure 8.1: a photo or recording is part of the CARE record (its W cell), and only under prior written consent',
  'client.supervision':
    'Lets connect 4.2, 4.5: supervision views are for the service’s managers and team leaders on QA review, pseudonymised',
  'retention.rules':
    'DATA-PROTECTION.md Retention: the organisation’s rules are organisation settings (ORG_ADMIN); a change that would let records expire at once is an erasure and goes through eraseServiceUser',
  'retention.place-hold':
    'Lets connect 5: a legal hold keeps records (the safe direction): the service’s managers, senior managers, the IG lead and the Caldicott Guardian',
  'retention.lift-hold':
    'Lets connect 5: lifting a hold lets deletion resume, a governance decision (senior managers, the IG lead, the Caldicott Guardian); a lift that would let the records expire at once is an erasure',
  'retention.erasure':
    'DATA-PROTECTION.md Erasure and ACCESS-MODEL.md Two-person rule: the IG lead proposes an erasure with a reason; it runs only when the Caldicott Guardian or another IG lead approves',
  'retention.legal-holds':
    'Lets connect 5: the register of legal holds is for senior managers, the IG lead and the Caldicott Guardian',
  'retention.schedule':
    'DATA-PROTECTION.md Retention: what expires when is reported to the IG lead (pseudonymous)',
  // ── policies/sharing.ts ──
  'disclosure.receive': DISCLOSURE_CLAUSE,
  'disclosure.escalate': DISCLOSURE_CLAUSE,
  'disclosure.correct': DISCLOSURE_CLAUSE,
  'disclosure.author-authority': DISCLOSURE_CLAUSE,
  'disclosure.urgency': `${DISCLOSURE_CLAUSE}; Lets connect 4.3 (a call of an urgent nature): those who handle a request mark it urgent, or no longer urgent, after it was received`,
  'disclosure.decide': `${DISCLOSURE_CLAUSE}; an escalated request is decided by the Caldicott Guardian alone`,
  'disclosure.release': `${DISCLOSURE_CLAUSE}; only an approved request is released; only a reader of every released note redacts it`,
  'disclosure.exceptional':
    'JRH Exceptional Breaches: recorded by the staff member who made it (W on the CARE record) or the Caldicott Guardian, who alone records one for the staff member who made it',
  'disclosure.client-informed':
    'DATA-PROTECTION.md Consent and disclosure: the client is told of an exceptional disclosure unless that would increase risk; Azure 7.3: "Individuals will be informed"; JRH Exceptional Breaches: the manager is informed. Whether the risk has passed is judged by those who review the disclosure: the service’s managers and the Caldicott Guardian record that the person has now been told',
  'disclosure.partner-releases':
    'DATA-PROTECTION.md Consent and disclosure: a partner reads exactly what was released to it',
  'disclosure-review.list':
    'JRH Exceptional Breaches: the service’s managers and the Caldicott Guardian see the reviews of their disclosures',
  'disclosure-review.complete':
    'JRH Exceptional Breaches: a manager of the service or the Caldicott Guardian reviews; nobody reviews a disclosure they made or recorded',
  'breach.register':
    'Lets connect 6; Community 7: the breach register is kept by the IG lead; a break of confidentiality is reported to the manager, so the Caldicott Guardian and the managers read it too (categories and counts, never personal data)',
  'breach.report': 'Lets connect 6: any member of staff reports a breach as soon as they know of it',
  'breach.assess': 'Lets connect 6: the IG lead assesses a breach and notifies the regulator within 72 hours',
  'consent.methods.read':
    'Azure 7.1; Community 4: the consent methods that can authorise a disclosure, read by those who decide and set them',
  'consent.methods.change':
    'Azure 7.1; Community 4: written consent by default; the organisation (its admin or IG lead) may accept a witnessed verbal consent',
  'consent.record': 'ACCESS-MODEL.md need-to-know matrix, CONSENT write cells; Azure 8.1',
  'consent.withdraw':
    'ACCESS-MODEL.md need-to-know matrix, CONSENT write cells; DATA-PROTECTION.md withdrawal',
  'referral.record':
    'ACCESS-MODEL.md need-to-know matrix, CONTACT write cells (appointments); Lets connect 4.3',
  'referral.appointment':
    'ACCESS-MODEL.md need-to-know matrix, CONTACT write cells (appointments); Lets connect 4.3',
  'referral.referrer-view':
    'Lets connect 4.3: the referrer may learn that its referral was received and an appointment booked, nothing else',
  'subject-access.request':
    'DATA-PROTECTION.md Subject access: opened by the person, or recorded by the IG lead or the service’s managers with how the person’s identity was checked',
  'subject-access.register':
    'DATA-PROTECTION.md Subject access: the IG lead tracks the deadlines; the Caldicott Guardian approves exports',
  'subject-access.export':
    'DATA-PROTECTION.md Subject access; issue 14: the person receives their export; staff compiling it read it only after a second person (the Caldicott Guardian or another IG lead) approved it',
  'subject-access.approve-export':
    'Issue 14: the export staff compile is approved by a second person — the Caldicott Guardian, or another IG lead — never by the one who recorded the request',
  'subject-access.complete': 'DATA-PROTECTION.md Subject access: the IG lead marks a request answered',
  'subject-access.export-notices': 'Issue 14: the Caldicott Guardian is told of every export read by staff',
  // ── policies/disclosure-queue.ts ──
  'disclosure-queue.list':
    'Azure 4.1, 7.1; Lets connect 4.3: each decider sees the disclosure work waiting for them — the service’s managers the requests of their services, the Caldicott Guardian escalated requests and flagged decisions, the Senior Manager court-order disclosures',
  'disclosure-queue.acknowledge':
    'Azure 7.1; Lets connect 4.3: the Senior Manager or the Caldicott Guardian told of a court-order disclosure or a flagged decision acknowledges it, and it leaves their queue',
  'subject-access.own-requests':
    'Carers Trust 2.2; DATA-PROTECTION.md Subject access: the person looks up their own requests and deadlines',
  // ── policies/governance.ts ──
  'monitoring.report': REPORT_CLAUSE,
  'monitoring.staff-access-report': `${REPORT_CLAUSE}: what a staff member accessed`,
  'monitoring.aggregate-report':
    'ACCESS-MODEL.md Minimum necessary: aggregate reports suppress small counts; IG group, senior management and the chief executive for every service, a SERVICE_MANAGER for theirs',
  'monitoring.integrity-incidents':
    'DATA-PROTECTION.md Access audit, and decision 0030: what the stored records failed (a removal the rules do not explain, a forged erasure, tampered access metadata) is for those who monitor access',
  'monitoring.notifications':
    'Issue 20 and decision 0035: the governance contacts are told of break-glass openings, escalated disclosure requests, overdue breaches and subject access deadlines, by reference only',
  'monitoring.governance-summary': 'Lets connect 5.2, 6: the information governance lead’s monthly report',
  'monitoring.settings.read':
    'DATA-PROTECTION.md Access audit: the unusual-access thresholds, for those who monitor and the organisation’s admin',
  'monitoring.settings.change':
    'DATA-PROTECTION.md Access audit: working hours and thresholds are set by the IG lead or the organisation’s admin',
  'monitoring.own-access-log':
    'Lets connect 5.2; DATA-PROTECTION.md Access audit: the person sees who accessed their record and why',
  'monitoring.staff-names':
    'ACCESS-MODEL.md Roles: ORG_ADMIN manages the organisation’s settings; whether a person’s own access list names staff',
  'staff-personal.read':
    'ACCESS-MODEL.md Staff records: HR_OFFICER, SENIOR_MANAGER and CHIEF_EXECUTIVE read STAFF_PERSONAL; the staff member their own (Azure 5.1)',
  'staff-personal.write':
    'Azure 5.1: named personnel staff (HR_OFFICER) keep personnel records; each staff member keeps their own contact details',
  'staff-personal.reference-permission':
    'ACCESS-MODEL.md Staff records: a reference needs the staff member’s recorded permission, which only they give or withdraw (Azure 5.1)',
  'staff-personal.reference-permission-withdraw':
    'Azure 5.1: the staff member withdraws their own reference permission; named personnel staff (HR_OFFICER) record a withdrawal they were given, as for a leaver who can no longer sign in. Nobody else, and nobody but the staff member gives one',
  'staff-personal.reference-release':
    'Azure 5.1: references about staff are given by named personnel staff (HR_OFFICER), under the staff member’s permission, never about themself',
  // ── policies/governance-access.ts ──
  'conflict.declare': CONFLICT_CLAUSE,
  'conflict.clear': CONFLICT_CLAUSE,
  'investigation.open':
    'Azure 4.1: the service’s managers or a senior manager open a safeguarding investigation naming a safeguarding lead, whose every read under it needs a stated reason; nobody names themself investigator of a client they have no relationship with',
  'investigation.close':
    'Azure 4.1: an investigation’s access lasts only while it is open; the service’s managers of every client it names, a senior manager, or its investigator close it',
  'emergency.open':
    'ACCESS-MODEL.md Rules, break-glass: any staff member may open access to one client for at most one hour with a reason; every read is audited as emergency and reviewed; a declared conflict of interest still bars the client',
  'emergency.review.complete':
    'ACCESS-MODEL.md Rules, break-glass: the Caldicott Guardian and the IG lead (access monitoring, decision 0040) review every emergency access, a service manager those of their service; nobody reviews their own',
  'emergency.review.read':
    'ACCESS-MODEL.md Rules, break-glass: one review, to those who review it (the Caldicott Guardian and the IG lead, a service manager for their service); a conflict of interest or no relationship hides it',
  'emergency.review.list':
    'ACCESS-MODEL.md Rules, break-glass: the Caldicott Guardian and the IG lead see every emergency access to review, a service manager those of their services; the list shows each staff member only theirs',
  'access.explain':
    'ACCESS-MODEL.md Explain: any staff member who may know a client exists can ask why they can or cannot read each classification, learning nothing more',
  'access.log':
    'DATA-PROTECTION.md Access audit: the IG lead, the Caldicott Guardian and the service’s managers read who accessed a client (references and field names only)',
  // ── policies/approvals.ts ──
  'approval.review':
    'ACCESS-MODEL.md Two-person rule: a second person with authority approves what one may not do alone',
  // ── policies/imports.ts ──
  'import.authorise':
    'Lets connect 3.1 and decisions 0032, 0146: an import registers people in a service, allocates workers, records consents and closes cases as its managers do; one of its managers who has acknowledged the current policy authorises it themself, for a few hours — never an operator on their own word',
  'import.withdraw':
    'Decision 0146: the staff member who authorised an import withdraws the authorisation, at once (the safe direction: whatever their standing now); to anyone else it is not there',
  'import.list':
    'Decisions 0146, 0148: the managers of a service see which import authorisations stand for it (ids and times only, nothing of anyone supported), whoever of them gave each, so that what an operator may import under is never known to its grantor alone; a manager who has not acknowledged the current policy still sees them (it is how one given is found to withdraw, the safe direction)',
};
