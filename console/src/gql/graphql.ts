/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The unusual-access rule an alert comes from (thresholds in AccessMonitoringSettings). */
export type AccessAlertRule =
  | 'EMERGENCY_REVIEW_OVERDUE'
  | 'MANY_CLIENTS_OUTSIDE_CASELOAD'
  | 'OUT_OF_HOURS'
  | 'REPEATED_DENIALS';

/** A change to the monitoring settings; omitted fields keep their value. */
export type AccessMonitoringSettingsInput = {
  /** 2–1000. */
  deniedAttemptsThreshold?: number | null | undefined;
  /** 1–1440. */
  deniedAttemptsWindowMinutes?: number | null | undefined;
  /** 1–90. */
  emergencyReviewDays?: number | null | undefined;
  /** 2–1000. */
  manyClientsThreshold?: number | null | undefined;
  /** 1–1440. */
  manyClientsWindowMinutes?: number | null | undefined;
  /** IANA time zone, e.g. Europe/London. */
  timeZone?: string | null | undefined;
  /** 1 = Monday … 7 = Sunday. At most 7. */
  workingDays?: Array<number> | null | undefined;
  /** HH:MM. */
  workingHoursEnd?: string | null | undefined;
  /** HH:MM. */
  workingHoursStart?: string | null | undefined;
};

/** Authorises an import into a service the caller manages. */
export type AuthoriseImportInput = {
  /** How long the authorisation runs: 5 to 1440 minutes; 240 by default. An import interrupted when it ends resumes under a new one. */
  expiresInMinutes?: number | null | undefined;
  /** The service the import brings people into. Global id of a Service. */
  serviceId: string | number;
};

/** Whether the service user is currently supported. */
export type CaseStatus =
  | 'CLOSED'
  | 'OPEN';

/** The sensitivity class of a field of personal data (ACCESS-MODEL.md, Classifications). */
export type Classification =
  | 'CARE'
  | 'CONSENT'
  | 'CONTACT'
  | 'FINANCE'
  | 'HEALTH'
  | 'IDENTIFYING'
  | 'PSEUDONYMOUS'
  | 'SAFEGUARDING'
  | 'STAFF_PERSONAL';

/** Closes a case. */
export type CloseCaseInput = {
  /** When the case closed: now by default. It may lie at most 30 days back (a case closed late); an older date is BAD_USER_INPUT — a record whose retention has run out is erased (`eraseServiceUser`), never closed into expiry. A later time today counts as now; a later day is BAD_USER_INPUT. */
  closedAt?: string | null | undefined;
  /** The version read; a stale one gets CONFLICT. */
  expectedVersion: number;
  /** The service user. Global id of a ServiceUser. */
  serviceUserId: string | number;
};

/** How a staff member is connected to a client, or NAMED_BY_CLIENT when the client asked. */
export type ConflictConnection =
  | 'FORMER_PARTNER'
  | 'FRIEND'
  | 'NAMED_BY_CLIENT'
  | 'NEIGHBOUR'
  | 'OTHER'
  | 'RELATIVE';

/** How it was given. Images and recordings need written consent (SIGNED_FORM or EMAIL) with a manager involved (Azure 8.1). */
export type ConsentMethod =
  | 'EMAIL'
  | 'SIGNED_FORM'
  | 'VERBAL_WITNESSED';

/** What information is shared for: a consent names the purposes the person agreed to, a request its purpose category. A consent authorises a disclosure only for a purpose it names (issue 15; Azure 7.1 "for a specific purpose"; Lets connect 4.3). */
export type DisclosurePurpose =
  | 'BENEFITS'
  | 'CARE_COORDINATION'
  | 'HEALTH_TREATMENT'
  | 'HOUSING'
  | 'LEGAL'
  | 'OTHER'
  | 'SAFEGUARDING';

/** What a disclosure request waits for: AWAITING_DECISION (received; the service’s managers decide), ESCALATED_REQUEST (the Caldicott Guardian alone decides), FLAGGED_DECISION (approved on a basis other than consent, flagged for the Guardian), COURT_ORDER_DISCLOSURE (approved under a court order; the Senior Manager must be told, Azure 7.1). */
export type DisclosureQueueItemKind =
  | 'AWAITING_DECISION'
  | 'COURT_ORDER_DISCLOSURE'
  | 'ESCALATED_REQUEST'
  | 'FLAGGED_DECISION';

/** Who asks: an organisation, the person’s GP, or their family — what a consent’s scope must name (issue 15). */
export type DisclosureRequesterKind =
  | 'FAMILY'
  | 'GP'
  | 'ORGANISATION';

/** The finding: JUSTIFIED, or UNJUSTIFIED — which opens a breach register entry with its 72-hour clock running. */
export type DisclosureReviewOutcome =
  | 'JUSTIFIED'
  | 'UNJUSTIFIED';

/** Whether a disclosure review is waiting for its finding. */
export type DisclosureReviewStatus =
  | 'COMPLETED'
  | 'PENDING';

/** Why break-glass access was opened. Sealed items open only for IMMINENT_DANGER or SAFEGUARDING (ACCESS-MODEL.md). */
export type EmergencyReason =
  | 'IMMINENT_DANGER'
  | 'LEGAL_REQUIREMENT'
  | 'MEDICAL_EMERGENCY'
  | 'OTHER'
  | 'SAFEGUARDING';

/** A disclosure without consent under a duty to share (JRH “Exceptional Breaches”). */
export type ExceptionalDisclosureInput = {
  /** Whether the person was told (they are, unless that would increase risk). */
  clientInformed: boolean;
  /** What was shared. At most 100. Global id of a CaseNote. */
  itemIds: Array<string | number>;
  /** The basis (not CONSENT). */
  legalBasis: LegalBasis;
  /** Who made the disclosure, when the Caldicott Guardian records it for them: an active staff member of this organisation (BAD_USER_INPUT otherwise). Left out, the one recording it made it; nobody else records one for someone else (FORBIDDEN). The review it raises is completed by neither who made it nor who recorded it. Global id of a StaffMember. */
  madeBy?: string | number | null | undefined;
  /** Required when not told: why telling would increase risk. The person then does not see the disclosure in their own register or subject access export. */
  reasonNotInformed?: string | null | undefined;
  /** Why sharing without consent was necessary. */
  reasoning: string;
  /** Who received it. */
  recipient: string;
  /** Whom it is about. Global id of a ServiceUser. */
  serviceUserId: string | number;
};

/** What the governance contacts are told about: a break-glass opening, a disclosure request escalated to the Caldicott Guardian, a breach past its 72-hour clock, a subject access request near or past its deadline, the administration restored by two operators. */
export type GovernanceNotificationKind =
  | 'ADMINISTRATION_RESTORED'
  | 'BREACH_OVERDUE'
  | 'DISCLOSURE_ESCALATED'
  | 'EMERGENCY_ACCESS_OPENED'
  | 'SUBJECT_ACCESS_DUE_SOON';

/** How the requester’s identity was verified (Lets connect 4.3). */
export type IdentityCheck =
  | 'CALLBACK_TO_KNOWN_NUMBER'
  | 'DOCUMENT_CHECKED'
  | 'KNOWN_CONTACT';

/** The basis a disclosure rests on. Without consent, only a recorded legal basis allows release. */
export type LegalBasis =
  | 'CONSENT'
  | 'COURT_ORDER'
  | 'PREVENTION_OF_SERIOUS_CRIME'
  | 'SAFEGUARDING'
  | 'VITAL_INTERESTS';

/** What a note records. DAILY_SUPPORT, SUPPORT_PLAN, ASSESSMENT, HANDOVER, MEETING and CORRESPONDENCE are CARE; MEDICAL is HEALTH; FINANCE is FINANCE; SAFEGUARDING_CONCERN is SAFEGUARDING. */
export type NoteKind =
  | 'ASSESSMENT'
  | 'CORRESPONDENCE'
  | 'DAILY_SUPPORT'
  | 'FINANCE'
  | 'HANDOVER'
  | 'MEDICAL'
  | 'MEETING'
  | 'SAFEGUARDING_CONCERN'
  | 'SUPPORT_PLAN';

/** The kind of record a pending change is about: its `subjectId` is a global id of that type. */
export type PendingChangeSubjectKind =
  /** A service (Service). */
  | 'SERVICE'
  /** A person supported (ServiceUser). */
  | 'SERVICE_USER'
  /** A staff account (StaffMember). */
  | 'STAFF_MEMBER';

/** The kind of caller a token identifies. */
export type PrincipalKind =
  | 'OPERATOR'
  | 'PARTNER'
  | 'SERVICE_USER'
  | 'STAFF';

/** A request for information received in writing (Azure 4.1), with the requester verified. */
export type ReceiveDisclosureRequestInput = {
  /** How the requester was verified. */
  identityCheck: IdentityCheck;
  /** The notes requested. At most 96. Global id of a CaseNote. */
  itemIds: Array<string | number>;
  /** The basis claimed. */
  legalBasis: LegalBasis;
  /** The partner agency whose app will receive it, if any. On the CONSENT basis the consent must then name this agency (by its `partnerId`, or by the name it is registered under): the app is who receives it, whatever `requesterOrganisation` says. Opaque id: a PartnerAgency’s `id`. */
  partnerId?: string | number | null | undefined;
  /** What they need it for, in their words (sealed). */
  purpose: string;
  /** What they need it for, as a category: required on the CONSENT basis (BAD_USER_INPUT without it), where only a consent naming this purpose authorises the disclosure. */
  purposeCategory?: DisclosurePurpose | null | undefined;
  /** Date received, YYYY-MM-DD. */
  receivedOn: string;
  /** Contact at the requester. */
  requesterContact: string;
  /** Who asks (default ORGANISATION): a consent covers only the recipients its scope names. */
  requesterKind?: DisclosureRequesterKind | null | undefined;
  /** The requesting organisation. */
  requesterOrganisation: string;
  /** Whom it is about. Global id of a ServiceUser. */
  serviceUserId: string | number;
  /** Mark the request urgent (default false). */
  urgent?: boolean | null | undefined;
};

/** How a staff member or other principal relates to a client, computed per request. */
export type Relationship =
  | 'ALLOCATED'
  | 'EMERGENCY'
  | 'INVESTIGATION'
  | 'MANAGES_SERVICE'
  | 'NONE'
  | 'ORG_WIDE'
  | 'QA_REVIEW'
  | 'SELF';

/** What is released, how, and until when the partner may read it. */
export type ReleaseDisclosureInput = {
  /** Until when the partner app may read it (required for PARTNER_APP; at most 90 days). */
  grantExpiresAt?: string | null | undefined;
  /** The notes released (a subset of those approved). At most 96. Global id of a CaseNote. */
  itemIds: Array<string | number>;
  /** How it is sent. */
  method: ReleaseMethod;
  /** Phrases replaced by [REDACTED] in the bundle. At most 100. */
  redactions?: Array<string> | null | undefined;
  /** The approved request. */
  requestId: string;
  /** Whom it is about. Global id of a ServiceUser. */
  serviceUserId: string | number;
};

/** How the released bundle was sent. */
export type ReleaseMethod =
  | 'IN_PERSON'
  | 'PARTNER_APP'
  | 'POST'
  | 'SECURE_EMAIL';

/** Reopens a closed case. */
export type ReopenCaseInput = {
  /** The version read; a stale one gets CONFLICT. */
  expectedVersion: number;
  /** The service user. Global id of a ServiceUser. */
  serviceUserId: string | number;
};

/** A personal data breach as first known. Describe categories and counts, not people. */
export type ReportBreachInput = {
  /** Approximate number of people affected. */
  approximateSubjects: number;
  /** Categories of data affected, e.g. HEALTH, CONTACT. At most 50. */
  categories: Array<string>;
  /** What was done to contain it. */
  containment?: string | null | undefined;
  /** When it was discovered (not in the future). */
  discoveredAt: string;
  /** What happened. */
  nature: string;
};

/** The reviewer’s finding on an emergency access. */
export type ReviewOutcome =
  | 'JUSTIFIED'
  | 'UNJUSTIFIED';

/** A staff role within one organisation (ACCESS-MODEL.md, Roles). */
export type Role =
  | 'ADMINISTRATOR'
  | 'CALDICOTT_GUARDIAN'
  | 'CHIEF_EXECUTIVE'
  | 'HR_OFFICER'
  | 'IG_LEAD'
  | 'ORG_ADMIN'
  | 'SAFEGUARDING_LEAD'
  | 'SENIOR_MANAGER'
  | 'SERVICE_MANAGER'
  | 'SUPPORT_WORKER'
  | 'TEAM_LEADER'
  | 'VOLUNTEER';

/** How staff checked the identity of a person asking for their data: photo identification seen, known to the staff member in person, a signed letter checked against the record, or a representative’s written authority checked. */
export type SubjectAccessIdentityCheck =
  | 'KNOWN_TO_STAFF'
  | 'PHOTO_ID'
  | 'REPRESENTATIVE_AUTHORITY'
  | 'SIGNED_LETTER';

/** Withdraws an import authorisation. */
export type WithdrawImportAuthorisationInput = {
  /** The authorisation to withdraw. Opaque id: an ImportAuthorisation’s `id`, as authoriseImport gave it. */
  authorisationId: string | number;
};

export type ConsolePersonCaseQueryVariables = Exact<{
  serviceUserId: string | number;
}>;


export type ConsolePersonCaseQuery = { serviceUser: { id: string, caseStatus: CaseStatus | null, closedAt: string | null, version: number | null, service: { id: string, name: string, membersConnection: { edges: Array<{ node: { id: string, displayName: string | null, handle: string, roles: Array<Role> } }> } } | null } };

export type ConsoleCloseCaseMutationVariables = Exact<{
  input: CloseCaseInput;
}>;


export type ConsoleCloseCaseMutation = { closeCase: { id: string, caseStatus: CaseStatus | null, closedAt: string | null, version: number | null } };

export type ConsoleReopenCaseMutationVariables = Exact<{
  input: ReopenCaseInput;
}>;


export type ConsoleReopenCaseMutation = { reopenCase: { id: string, caseStatus: CaseStatus | null, closedAt: string | null, version: number | null } };

export type ConsoleOpenInvestigationMutationVariables = Exact<{
  serviceUserIds: Array<string | number> | string | number;
  investigatorId: string | number;
}>;


export type ConsoleOpenInvestigationMutation = { openSafeguardingInvestigation: string };

export type ConsoleCloseInvestigationMutationVariables = Exact<{
  serviceUserIds: Array<string | number> | string | number;
  investigationId: string | number;
}>;


export type ConsoleCloseInvestigationMutation = { closeSafeguardingInvestigation: string };

export type ConsoleDeclareConflictMutationVariables = Exact<{
  serviceUserId: string | number;
  staffId: string | number;
  connection: ConflictConnection;
}>;


export type ConsoleDeclareConflictMutation = { declareConflict: boolean };

export type ConsoleClearConflictMutationVariables = Exact<{
  serviceUserId: string | number;
  staffId: string | number;
}>;


export type ConsoleClearConflictMutation = { clearConflict: boolean };

export type ConsoleManagedServicesQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleManagedServicesQuery = { servicesConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, managers: Array<{ id: string }> } }> } };

export type ConsoleServiceTeamQueryVariables = Exact<{
  serviceId: string | number;
}>;


export type ConsoleServiceTeamQuery = { node:
    | { id: string, name: string, managers: Array<{ id: string }>, membersConnection: { edges: Array<{ node: { id: string, displayName: string | null, handle: string, roles: Array<Role> } }> } }
    | Record<PropertyKey, never>
   | null };

export type ConsoleAssignQaReviewMutationVariables = Exact<{
  serviceId: string | number;
  staffId: string | number;
  from: string;
  to: string;
}>;


export type ConsoleAssignQaReviewMutation = { assignQaReview: { id: string, name: string } };

export type ConsoleReportBreachMutationVariables = Exact<{
  input: ReportBreachInput;
}>;


export type ConsoleReportBreachMutation = { reportBreach: { id: string, discoveredAt: string, regulatorDeadline: string } };

export type ConsoleRequestSubjectAccessMutationVariables = Exact<{
  serviceUserId: string | number;
  receivedOn: string;
  identityCheck?: SubjectAccessIdentityCheck | null | undefined;
}>;


export type ConsoleRequestSubjectAccessMutation = { requestSubjectAccess: { id: string, deadline: string } };

export type ConsoleAccessHeatMapByServiceQueryVariables = Exact<{
  from?: string | null | undefined;
  to?: string | null | undefined;
}>;


export type ConsoleAccessHeatMapByServiceQuery = { accessHeatMap: { from: string, to: string, timeZone: string, days: Array<string>, truncated: boolean, serviceCells: Array<{ serviceId: string, serviceName: string, day: string, reads: number, offCaseload: number, outOfHours: number, denied: number }> } };

export type ConsoleViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleViewerQuery = { me: { kind: PrincipalKind, roles: Array<Role>, organisation: { name: string } | null, staffMember: { id: string, displayName: string | null, handle: string } | null } };

export type ConsolePendingBreakGlassReviewsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsolePendingBreakGlassReviewsQuery = { emergencyAccessReviewsConnection: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, reason: EmergencyReason, openedAt: string, until: string, serviceUserId: string, actor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsolePendingDisclosureReviewsQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsolePendingDisclosureReviewsQuery = { disclosureReviewsConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, requestId: string, serviceUserId: string, legalBasis: LegalBasis, openedAt: string, clientInformed: boolean, madeBy: string, recordedBy: string, madeByActor: { displayName: string | null, handle: string | null, roles: Array<string> }, recordedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleDisclosureWorkQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleDisclosureWorkQuery = { disclosureWorkQueueConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { kind: DisclosureQueueItemKind, requestId: string, serviceUserId: string, legalBasis: LegalBasis | null, since: string, ageDays: number, urgent: boolean } }> } };

export type ConsoleAccessAlertsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAccessAlertsQuery = { accessAlerts: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, rule: AccessAlertRule, description: string, count: number, from: string, to: string, reviewId: string | null, staffId: string, actor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleBreachesQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleBreachesQuery = { breachesConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, nature: string, source: string, categories: Array<string>, approximateSubjects: number, discoveredAt: string, regulatorDeadline: string, regulatorNotifiedAt: string | null, reportable: boolean | null, containment: string | null, overdue: boolean, version: number } }> } };

export type ConsoleSubjectAccessRequestsQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleSubjectAccessRequestsQuery = { subjectAccessRequestsConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, receivedOn: string, deadline: string, status: string, overdue: boolean, serviceUserId: string } }> } };

export type ConsoleGovernanceNotificationsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleGovernanceNotificationsQuery = { governanceNotifications: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { kind: GovernanceNotificationKind, reference: string, createdAt: string } }> } };

export type ConsoleBreakGlassReviewQueryVariables = Exact<{
  reviewId: string | number;
}>;


export type ConsoleBreakGlassReviewQuery = { emergencyAccessReview: { id: string, reason: EmergencyReason, detail: string | null, openedAt: string, until: string, status: string, outcome: ReviewOutcome | null, reviewedAt: string | null, serviceUserId: string, reviewedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } | null, actor: { displayName: string | null, handle: string | null, roles: Array<string> } } };

export type ConsoleCompleteBreakGlassReviewMutationVariables = Exact<{
  reviewId: string | number;
  outcome: ReviewOutcome;
}>;


export type ConsoleCompleteBreakGlassReviewMutation = { completeEmergencyAccessReview: { id: string, status: string, outcome: ReviewOutcome | null } };

export type ConsoleDecideDisclosureRequestMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
  approve: boolean;
  reasoning: string;
}>;


export type ConsoleDecideDisclosureRequestMutation = { decideDisclosureRequest: { kind: string | null } };

export type ConsoleEscalateDisclosureRequestMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
  reasoning: string;
}>;


export type ConsoleEscalateDisclosureRequestMutation = { escalateDisclosureRequest: { kind: string | null } };

export type ConsoleAcknowledgeDisclosureWorkMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
}>;


export type ConsoleAcknowledgeDisclosureWorkMutation = { acknowledgeDisclosureWork: { kind: DisclosureQueueItemKind } };

export type ConsoleCompleteDisclosureReviewMutationVariables = Exact<{
  reviewId: string | number;
  outcome: DisclosureReviewOutcome;
  notes: string;
}>;


export type ConsoleCompleteDisclosureReviewMutation = { completeDisclosureReview: { id: string, status: DisclosureReviewStatus, outcome: DisclosureReviewOutcome | null } };

export type ConsolePersonDisclosuresQueryVariables = Exact<{
  serviceUserId: string | number;
  after?: string | null | undefined;
}>;


export type ConsolePersonDisclosuresQuery = { serviceUser: { id: string, disclosureRegisterConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { requestId: string | null, sequence: number | null, kind: string | null, at: string | null, requesterOrganisation: string | null, requesterKind: DisclosureRequesterKind | null, receivedOn: string | null, urgent: boolean | null, purposeCategory: DisclosurePurpose | null, purpose: string | null, legalBasis: LegalBasis | null, identityCheck: IdentityCheck | null, reasoning: string | null, reasonNotInformed: string | null, recipient: string | null, method: string | null, snapshotDigest: string | null, grantExpiresAt: string | null, clientInformed: boolean | null, toldOn: string | null, receivingApp: { name: string } | null, items: Array<
            | { id: string, kind: NoteKind, recordedAt: string }
            | { id: string, kind: NoteKind, recordedAt: string }
            | { id: string, kind: NoteKind, recordedAt: string }
            | { id: string, kind: NoteKind, recordedAt: string }
          > | null } }> } | null } };

export type ConsolePersonNotesForDisclosureQueryVariables = Exact<{
  serviceUserId: string | number;
}>;


export type ConsolePersonNotesForDisclosureQuery = { serviceUser: { id: string, notes: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node:
          | { authorOrganisation: string | null, id: string, kind: NoteKind, recordedAt: string }
          | { id: string, kind: NoteKind, recordedAt: string }
          | { id: string, kind: NoteKind, recordedAt: string }
          | { id: string, kind: NoteKind, recordedAt: string }
         }> } } };

export type ConsoleServicePeopleQueryVariables = Exact<{
  serviceId: string | number;
  after?: string | null | undefined;
}>;


export type ConsoleServicePeopleQuery = { serviceUsers: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, reference: string | null } }> } };

export type ConsoleReceiveDisclosureRequestMutationVariables = Exact<{
  input: ReceiveDisclosureRequestInput;
}>;


export type ConsoleReceiveDisclosureRequestMutation = { receiveDisclosureRequest: Array<{ requestId: string | null, kind: string | null }> };

export type ConsoleSetDisclosureRequestUrgencyMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
  urgent: boolean;
}>;


export type ConsoleSetDisclosureRequestUrgencyMutation = { setDisclosureRequestUrgency: { requestId: string | null, urgent: boolean | null } };

export type ConsoleReleaseDisclosureMutationVariables = Exact<{
  input: ReleaseDisclosureInput;
}>;


export type ConsoleReleaseDisclosureMutation = { releaseDisclosure: { requestId: string | null, kind: string | null, snapshotDigest: string | null, releasedText: Array<{ kind: string, recordedAt: string, body: string }> | null } };

export type ConsoleCorrectDisclosureEntryMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
  reasoning: string;
}>;


export type ConsoleCorrectDisclosureEntryMutation = { correctDisclosureEntry: { requestId: string | null, kind: string | null } };

export type ConsoleRecordDisclosureToldToPersonMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
  toldOn: string;
  how: string;
}>;


export type ConsoleRecordDisclosureToldToPersonMutation = { recordDisclosureToldToPerson: { requestId: string | null, kind: string | null, toldOn: string | null } };

export type ConsoleRecordAuthorAuthorityMutationVariables = Exact<{
  noteId: string | number;
  reference: string;
}>;


export type ConsoleRecordAuthorAuthorityMutation = { recordAuthorAuthority: boolean };

export type ConsoleRecordExceptionalDisclosureMutationVariables = Exact<{
  input: ExceptionalDisclosureInput;
}>;


export type ConsoleRecordExceptionalDisclosureMutation = { recordExceptionalDisclosure: { requestId: string | null, kind: string | null } };

export type ConsoleDisclosureConsentMethodsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleDisclosureConsentMethodsQuery = { disclosureConsentMethods: Array<ConsentMethod> };

export type ConsoleSetDisclosureConsentMethodsMutationVariables = Exact<{
  methods: Array<ConsentMethod> | ConsentMethod;
}>;


export type ConsoleSetDisclosureConsentMethodsMutation = { setDisclosureConsentMethods: Array<ConsentMethod> };

export type ConsoleAssessBreachMutationVariables = Exact<{
  breachId: string | number;
  expectedVersion: number;
  reportable: boolean;
  regulatorNotifiedAt?: string | null | undefined;
}>;


export type ConsoleAssessBreachMutation = { assessBreach: { id: string, reportable: boolean | null, regulatorNotifiedAt: string | null, version: number } };

export type ConsolePersonAccessLogQueryVariables = Exact<{
  serviceUserId: string | number;
  after?: string | null | undefined;
}>;


export type ConsolePersonAccessLogQuery = { accessLog: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, at: string, action: string, outcome: string, operation: string, classifications: Array<Classification>, fields: Array<string>, purpose: string | null, relationship: Relationship | null, emergency: boolean, actor: { displayName: string | null, handle: string | null, roles: Array<string>, who: string | null } } }> } };

export type ConsoleDisclosureRegisterQueryVariables = Exact<{
  from: string;
  after?: string | null | undefined;
}>;


export type ConsoleDisclosureRegisterQuery = { disclosureReport: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, at: string, operation: string, purpose: string | null, rule: string | null, serviceUserId: string | null, recipient: string | null, classifications: Array<Classification>, actor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleStaffAccessQueryVariables = Exact<{
  staffId: string | number;
  after?: string | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
}>;


export type ConsoleStaffAccessQuery = { staffAccessReport: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, at: string, action: string, outcome: string, operation: string, classifications: Array<Classification>, fields: Array<string>, purpose: string | null, relationship: Relationship | null, emergency: boolean, actor: { displayName: string | null, handle: string | null, roles: Array<string>, who: string | null } } }> } };

export type ConsoleAccessHeatMapQueryVariables = Exact<{
  from?: string | null | undefined;
  to?: string | null | undefined;
  serviceId?: string | number | null | undefined;
}>;


export type ConsoleAccessHeatMapQuery = { accessHeatMap: { from: string, to: string, timeZone: string, days: Array<string>, staffCount: number, truncated: boolean, cells: Array<{ staffId: string, day: string, reads: number, offCaseload: number, outOfHours: number, denied: number, actor: { displayName: string | null, handle: string | null, roles: Array<string> } }> } };

export type ConsoleSubjectAccessRegisterQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleSubjectAccessRegisterQuery = { subjectAccessRequestsConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, serviceUserId: string, receivedOn: string, deadline: string, status: string, overdue: boolean, openedByPerson: boolean, identityCheck: SubjectAccessIdentityCheck | null, recordedBy: string | null, exportApproved: boolean, exportApprovedBy: string | null, exportApprovedAt: string | null, recordedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } | null } }> } };

export type ConsoleApproveSubjectAccessExportMutationVariables = Exact<{
  requestId: string | number;
}>;


export type ConsoleApproveSubjectAccessExportMutation = { approveSubjectAccessExport: { id: string, exportApproved: boolean, exportApprovedBy: string | null, exportApprovedAt: string | null } };

export type ConsoleSubjectAccessExportQueryVariables = Exact<{
  serviceUserId: string | number;
}>;


export type ConsoleSubjectAccessExportQuery = { subjectAccessExport: { requestId: string | null, deadline: string | null, generatedAt: string, document: string } };

export type ConsoleCompleteSubjectAccessRequestMutationVariables = Exact<{
  requestId: string;
}>;


export type ConsoleCompleteSubjectAccessRequestMutation = { completeSubjectAccessRequest: { id: string, status: string } };

export type ConsoleServicesQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleServicesQuery = { servicesConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string } }> } };

export type ConsoleLegalHoldsQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleLegalHoldsQuery = { legalHolds: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { serviceUserId: string, reference: string, placedAt: string, reason: string | null, placedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsolePersonLegalHoldQueryVariables = Exact<{
  serviceUserId: string | number;
}>;


export type ConsolePersonLegalHoldQuery = { serviceUser: { id: string, retention: { legalHold: boolean } | null } };

export type ConsolePlaceLegalHoldMutationVariables = Exact<{
  serviceUserId: string | number;
  reason: string;
}>;


export type ConsolePlaceLegalHoldMutation = { placeLegalHold: { serviceUserId: string, placedAt: string, placedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } };

export type ConsoleLiftLegalHoldMutationVariables = Exact<{
  serviceUserId: string | number;
  reason: string;
}>;


export type ConsoleLiftLegalHoldMutation = { liftLegalHold: { serviceUserId: string, liftedAt: string | null, liftedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } | null } };

export type ConsolePendingChangesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsolePendingChangesQuery = { pendingChangesConnection: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, operation: string, rule: string, proposedAt: string, subjectKind: PendingChangeSubjectKind | null, subjectId: string | null, proposedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsolePendingChangesToDecideQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsolePendingChangesToDecideQuery = { pendingChangesConnection: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, operation: string, rule: string, proposedAt: string, subjectKind: PendingChangeSubjectKind | null, subjectId: string | null, reason: string | null, proposedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleApproveChangeMutationVariables = Exact<{
  approvalId: string | number;
}>;


export type ConsoleApproveChangeMutation = { approveChange: { id: string, status: string } };

export type ConsoleRejectChangeMutationVariables = Exact<{
  approvalId: string | number;
}>;


export type ConsoleRejectChangeMutation = { rejectChange: { id: string, status: string } };

export type ConsoleProposeErasureMutationVariables = Exact<{
  serviceUserId: string | number;
  reason: string;
}>;


export type ConsoleProposeErasureMutation = { eraseServiceUser: { serviceUserId: string, erasedAt: string } };

export type ConsoleMonitoringSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMonitoringSettingsQuery = { accessMonitoringSettings: { version: number, timeZone: string, workingDays: Array<number>, workingHoursStart: string, workingHoursEnd: string, emergencyReviewDays: number, manyClientsThreshold: number, manyClientsWindowMinutes: number, deniedAttemptsThreshold: number, deniedAttemptsWindowMinutes: number } };

export type ConsoleSetMonitoringSettingsMutationVariables = Exact<{
  expectedVersion: number;
  input: AccessMonitoringSettingsInput;
}>;


export type ConsoleSetMonitoringSettingsMutation = { setAccessMonitoringSettings: { version: number } };

export type ConsoleAuthoriseImportMutationVariables = Exact<{
  input: AuthoriseImportInput;
}>;


export type ConsoleAuthoriseImportMutation = { authoriseImport: { id: string, serviceId: string, grantedAt: string, expiresAt: string, withdrawnAt: string | null } };

export type ConsoleWithdrawImportAuthorisationMutationVariables = Exact<{
  input: WithdrawImportAuthorisationInput;
}>;


export type ConsoleWithdrawImportAuthorisationMutation = { withdrawImportAuthorisation: { id: string, serviceId: string, expiresAt: string, withdrawnAt: string | null } };

export type ConsoleImportAuthorisationsQueryVariables = Exact<{
  serviceId: string | number;
  after?: string | null | undefined;
}>;


export type ConsoleImportAuthorisationsQuery = { importAuthorisations: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, serviceId: string, grantedBy: string, grantedAt: string, expiresAt: string, withdrawnAt: string | null } }> }, service:
    | { id: string, managers: Array<{ id: string, displayName: string | null }> }
    | Record<PropertyKey, never>
   | null };

export type ConsoleManagedServicePeopleQueryVariables = Exact<{
  serviceId: string | number;
  after?: string | null | undefined;
}>;


export type ConsoleManagedServicePeopleQuery = { serviceUsers: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, reference: string | null, name: string | null, caseStatus: CaseStatus | null } }> } };

export type ConsoleServicePeopleByReferenceQueryVariables = Exact<{
  serviceId: string | number;
  after?: string | null | undefined;
}>;


export type ConsoleServicePeopleByReferenceQuery = { serviceUsers: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, reference: string | null, caseStatus: CaseStatus | null } }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ConsolePersonCaseDocument = new TypedDocumentString(`
    query ConsolePersonCase($serviceUserId: ID!) {
  serviceUser(id: $serviceUserId) {
    id
    caseStatus
    closedAt
    version
    service {
      id
      name
      membersConnection(first: 100) {
        edges {
          node {
            id
            displayName
            handle
            roles
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePersonCaseQuery, ConsolePersonCaseQueryVariables>;
export const ConsoleCloseCaseDocument = new TypedDocumentString(`
    mutation ConsoleCloseCase($input: CloseCaseInput!) {
  closeCase(input: $input) {
    id
    caseStatus
    closedAt
    version
  }
}
    `) as unknown as TypedDocumentString<ConsoleCloseCaseMutation, ConsoleCloseCaseMutationVariables>;
export const ConsoleReopenCaseDocument = new TypedDocumentString(`
    mutation ConsoleReopenCase($input: ReopenCaseInput!) {
  reopenCase(input: $input) {
    id
    caseStatus
    closedAt
    version
  }
}
    `) as unknown as TypedDocumentString<ConsoleReopenCaseMutation, ConsoleReopenCaseMutationVariables>;
export const ConsoleOpenInvestigationDocument = new TypedDocumentString(`
    mutation ConsoleOpenInvestigation($serviceUserIds: [ID!]!, $investigatorId: ID!) {
  openSafeguardingInvestigation(
    serviceUserIds: $serviceUserIds
    investigatorId: $investigatorId
  )
}
    `) as unknown as TypedDocumentString<ConsoleOpenInvestigationMutation, ConsoleOpenInvestigationMutationVariables>;
export const ConsoleCloseInvestigationDocument = new TypedDocumentString(`
    mutation ConsoleCloseInvestigation($serviceUserIds: [ID!]!, $investigationId: ID!) {
  closeSafeguardingInvestigation(
    serviceUserIds: $serviceUserIds
    investigationId: $investigationId
  )
}
    `) as unknown as TypedDocumentString<ConsoleCloseInvestigationMutation, ConsoleCloseInvestigationMutationVariables>;
export const ConsoleDeclareConflictDocument = new TypedDocumentString(`
    mutation ConsoleDeclareConflict($serviceUserId: ID!, $staffId: ID!, $connection: ConflictConnection!) {
  declareConflict(
    serviceUserId: $serviceUserId
    staffId: $staffId
    connection: $connection
  )
}
    `) as unknown as TypedDocumentString<ConsoleDeclareConflictMutation, ConsoleDeclareConflictMutationVariables>;
export const ConsoleClearConflictDocument = new TypedDocumentString(`
    mutation ConsoleClearConflict($serviceUserId: ID!, $staffId: ID!) {
  clearConflict(serviceUserId: $serviceUserId, staffId: $staffId)
}
    `) as unknown as TypedDocumentString<ConsoleClearConflictMutation, ConsoleClearConflictMutationVariables>;
export const ConsoleManagedServicesDocument = new TypedDocumentString(`
    query ConsoleManagedServices($after: String) {
  servicesConnection(first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        name
        managers {
          id
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleManagedServicesQuery, ConsoleManagedServicesQueryVariables>;
export const ConsoleServiceTeamDocument = new TypedDocumentString(`
    query ConsoleServiceTeam($serviceId: ID!) {
  node(id: $serviceId) {
    ... on Service {
      id
      name
      managers {
        id
      }
      membersConnection(first: 100) {
        edges {
          node {
            id
            displayName
            handle
            roles
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleServiceTeamQuery, ConsoleServiceTeamQueryVariables>;
export const ConsoleAssignQaReviewDocument = new TypedDocumentString(`
    mutation ConsoleAssignQaReview($serviceId: ID!, $staffId: ID!, $from: DateTime!, $to: DateTime!) {
  assignQaReview(serviceId: $serviceId, staffId: $staffId, from: $from, to: $to) {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<ConsoleAssignQaReviewMutation, ConsoleAssignQaReviewMutationVariables>;
export const ConsoleReportBreachDocument = new TypedDocumentString(`
    mutation ConsoleReportBreach($input: ReportBreachInput!) {
  reportBreach(input: $input) {
    id
    discoveredAt
    regulatorDeadline
  }
}
    `) as unknown as TypedDocumentString<ConsoleReportBreachMutation, ConsoleReportBreachMutationVariables>;
export const ConsoleRequestSubjectAccessDocument = new TypedDocumentString(`
    mutation ConsoleRequestSubjectAccess($serviceUserId: ID!, $receivedOn: String!, $identityCheck: SubjectAccessIdentityCheck) {
  requestSubjectAccess(
    serviceUserId: $serviceUserId
    receivedOn: $receivedOn
    identityCheck: $identityCheck
  ) {
    id
    deadline
  }
}
    `) as unknown as TypedDocumentString<ConsoleRequestSubjectAccessMutation, ConsoleRequestSubjectAccessMutationVariables>;
export const ConsoleAccessHeatMapByServiceDocument = new TypedDocumentString(`
    query ConsoleAccessHeatMapByService($from: DateTime, $to: DateTime) {
  accessHeatMap(from: $from, to: $to, rows: SERVICE) {
    from
    to
    timeZone
    days
    truncated
    serviceCells {
      serviceId
      serviceName
      day
      reads
      offCaseload
      outOfHours
      denied
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAccessHeatMapByServiceQuery, ConsoleAccessHeatMapByServiceQueryVariables>;
export const ConsoleViewerDocument = new TypedDocumentString(`
    query ConsoleViewer {
  me {
    kind
    roles
    organisation {
      name
    }
    staffMember {
      id
      displayName
      handle
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleViewerQuery, ConsoleViewerQueryVariables>;
export const ConsolePendingBreakGlassReviewsDocument = new TypedDocumentString(`
    query ConsolePendingBreakGlassReviews {
  emergencyAccessReviewsConnection(status: "PENDING", first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        reason
        openedAt
        until
        serviceUserId
        actor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePendingBreakGlassReviewsQuery, ConsolePendingBreakGlassReviewsQueryVariables>;
export const ConsolePendingDisclosureReviewsDocument = new TypedDocumentString(`
    query ConsolePendingDisclosureReviews($after: String) {
  disclosureReviewsConnection(status: PENDING, first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        requestId
        serviceUserId
        legalBasis
        openedAt
        clientInformed
        madeBy
        madeByActor {
          displayName
          handle
          roles
        }
        recordedBy
        recordedByActor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePendingDisclosureReviewsQuery, ConsolePendingDisclosureReviewsQueryVariables>;
export const ConsoleDisclosureWorkDocument = new TypedDocumentString(`
    query ConsoleDisclosureWork($after: String) {
  disclosureWorkQueueConnection(first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        kind
        requestId
        serviceUserId
        legalBasis
        since
        ageDays
        urgent
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleDisclosureWorkQuery, ConsoleDisclosureWorkQueryVariables>;
export const ConsoleAccessAlertsDocument = new TypedDocumentString(`
    query ConsoleAccessAlerts {
  accessAlerts(first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        rule
        description
        count
        from
        to
        reviewId
        staffId
        actor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAccessAlertsQuery, ConsoleAccessAlertsQueryVariables>;
export const ConsoleBreachesDocument = new TypedDocumentString(`
    query ConsoleBreaches($after: String) {
  breachesConnection(first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        nature
        source
        categories
        approximateSubjects
        discoveredAt
        regulatorDeadline
        regulatorNotifiedAt
        reportable
        containment
        overdue
        version
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleBreachesQuery, ConsoleBreachesQueryVariables>;
export const ConsoleSubjectAccessRequestsDocument = new TypedDocumentString(`
    query ConsoleSubjectAccessRequests($after: String) {
  subjectAccessRequestsConnection(first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        receivedOn
        deadline
        status
        overdue
        serviceUserId
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSubjectAccessRequestsQuery, ConsoleSubjectAccessRequestsQueryVariables>;
export const ConsoleGovernanceNotificationsDocument = new TypedDocumentString(`
    query ConsoleGovernanceNotifications {
  governanceNotifications(first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        kind
        reference
        createdAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleGovernanceNotificationsQuery, ConsoleGovernanceNotificationsQueryVariables>;
export const ConsoleBreakGlassReviewDocument = new TypedDocumentString(`
    query ConsoleBreakGlassReview($reviewId: ID!) {
  emergencyAccessReview(reviewId: $reviewId) {
    id
    reason
    detail
    openedAt
    until
    status
    outcome
    reviewedAt
    reviewedByActor {
      displayName
      handle
      roles
    }
    serviceUserId
    actor {
      displayName
      handle
      roles
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleBreakGlassReviewQuery, ConsoleBreakGlassReviewQueryVariables>;
export const ConsoleCompleteBreakGlassReviewDocument = new TypedDocumentString(`
    mutation ConsoleCompleteBreakGlassReview($reviewId: ID!, $outcome: ReviewOutcome!) {
  completeEmergencyAccessReview(reviewId: $reviewId, outcome: $outcome) {
    id
    status
    outcome
  }
}
    `) as unknown as TypedDocumentString<ConsoleCompleteBreakGlassReviewMutation, ConsoleCompleteBreakGlassReviewMutationVariables>;
export const ConsoleDecideDisclosureRequestDocument = new TypedDocumentString(`
    mutation ConsoleDecideDisclosureRequest($serviceUserId: ID!, $requestId: String!, $approve: Boolean!, $reasoning: String!) {
  decideDisclosureRequest(
    serviceUserId: $serviceUserId
    requestId: $requestId
    approve: $approve
    reasoning: $reasoning
  ) {
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleDecideDisclosureRequestMutation, ConsoleDecideDisclosureRequestMutationVariables>;
export const ConsoleEscalateDisclosureRequestDocument = new TypedDocumentString(`
    mutation ConsoleEscalateDisclosureRequest($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {
  escalateDisclosureRequest(
    serviceUserId: $serviceUserId
    requestId: $requestId
    reasoning: $reasoning
  ) {
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleEscalateDisclosureRequestMutation, ConsoleEscalateDisclosureRequestMutationVariables>;
export const ConsoleAcknowledgeDisclosureWorkDocument = new TypedDocumentString(`
    mutation ConsoleAcknowledgeDisclosureWork($serviceUserId: ID!, $requestId: String!) {
  acknowledgeDisclosureWork(serviceUserId: $serviceUserId, requestId: $requestId) {
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleAcknowledgeDisclosureWorkMutation, ConsoleAcknowledgeDisclosureWorkMutationVariables>;
export const ConsoleCompleteDisclosureReviewDocument = new TypedDocumentString(`
    mutation ConsoleCompleteDisclosureReview($reviewId: ID!, $outcome: DisclosureReviewOutcome!, $notes: String!) {
  completeDisclosureReview(reviewId: $reviewId, outcome: $outcome, notes: $notes) {
    id
    status
    outcome
  }
}
    `) as unknown as TypedDocumentString<ConsoleCompleteDisclosureReviewMutation, ConsoleCompleteDisclosureReviewMutationVariables>;
export const ConsolePersonDisclosuresDocument = new TypedDocumentString(`
    query ConsolePersonDisclosures($serviceUserId: ID!, $after: String) {
  serviceUser(id: $serviceUserId) {
    id
    disclosureRegisterConnection(first: 25, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          requestId
          sequence
          kind
          at
          requesterOrganisation
          receivingApp {
            name
          }
          requesterKind
          receivedOn
          urgent
          purposeCategory
          purpose
          legalBasis
          identityCheck
          reasoning
          reasonNotInformed
          recipient
          method
          snapshotDigest
          grantExpiresAt
          clientInformed
          toldOn
          items {
            id
            kind
            recordedAt
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePersonDisclosuresQuery, ConsolePersonDisclosuresQueryVariables>;
export const ConsolePersonNotesForDisclosureDocument = new TypedDocumentString(`
    query ConsolePersonNotesForDisclosure($serviceUserId: ID!) {
  serviceUser(id: $serviceUserId) {
    id
    notes(first: 100) {
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          id
          kind
          recordedAt
          ... on CareNote {
            authorOrganisation
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePersonNotesForDisclosureQuery, ConsolePersonNotesForDisclosureQueryVariables>;
export const ConsoleServicePeopleDocument = new TypedDocumentString(`
    query ConsoleServicePeople($serviceId: ID!, $after: String) {
  serviceUsers(serviceId: $serviceId, first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        reference
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleServicePeopleQuery, ConsoleServicePeopleQueryVariables>;
export const ConsoleReceiveDisclosureRequestDocument = new TypedDocumentString(`
    mutation ConsoleReceiveDisclosureRequest($input: ReceiveDisclosureRequestInput!) {
  receiveDisclosureRequest(input: $input) {
    requestId
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleReceiveDisclosureRequestMutation, ConsoleReceiveDisclosureRequestMutationVariables>;
export const ConsoleSetDisclosureRequestUrgencyDocument = new TypedDocumentString(`
    mutation ConsoleSetDisclosureRequestUrgency($serviceUserId: ID!, $requestId: String!, $urgent: Boolean!) {
  setDisclosureRequestUrgency(
    serviceUserId: $serviceUserId
    requestId: $requestId
    urgent: $urgent
  ) {
    requestId
    urgent
  }
}
    `) as unknown as TypedDocumentString<ConsoleSetDisclosureRequestUrgencyMutation, ConsoleSetDisclosureRequestUrgencyMutationVariables>;
export const ConsoleReleaseDisclosureDocument = new TypedDocumentString(`
    mutation ConsoleReleaseDisclosure($input: ReleaseDisclosureInput!) {
  releaseDisclosure(input: $input) {
    requestId
    kind
    snapshotDigest
    releasedText {
      kind
      recordedAt
      body
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleReleaseDisclosureMutation, ConsoleReleaseDisclosureMutationVariables>;
export const ConsoleCorrectDisclosureEntryDocument = new TypedDocumentString(`
    mutation ConsoleCorrectDisclosureEntry($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {
  correctDisclosureEntry(
    serviceUserId: $serviceUserId
    requestId: $requestId
    reasoning: $reasoning
  ) {
    requestId
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleCorrectDisclosureEntryMutation, ConsoleCorrectDisclosureEntryMutationVariables>;
export const ConsoleRecordDisclosureToldToPersonDocument = new TypedDocumentString(`
    mutation ConsoleRecordDisclosureToldToPerson($serviceUserId: ID!, $requestId: String!, $toldOn: String!, $how: String!) {
  recordDisclosureToldToPerson(
    serviceUserId: $serviceUserId
    requestId: $requestId
    toldOn: $toldOn
    how: $how
  ) {
    requestId
    kind
    toldOn
  }
}
    `) as unknown as TypedDocumentString<ConsoleRecordDisclosureToldToPersonMutation, ConsoleRecordDisclosureToldToPersonMutationVariables>;
export const ConsoleRecordAuthorAuthorityDocument = new TypedDocumentString(`
    mutation ConsoleRecordAuthorAuthority($noteId: ID!, $reference: String!) {
  recordAuthorAuthority(noteId: $noteId, reference: $reference)
}
    `) as unknown as TypedDocumentString<ConsoleRecordAuthorAuthorityMutation, ConsoleRecordAuthorAuthorityMutationVariables>;
export const ConsoleRecordExceptionalDisclosureDocument = new TypedDocumentString(`
    mutation ConsoleRecordExceptionalDisclosure($input: ExceptionalDisclosureInput!) {
  recordExceptionalDisclosure(input: $input) {
    requestId
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleRecordExceptionalDisclosureMutation, ConsoleRecordExceptionalDisclosureMutationVariables>;
export const ConsoleDisclosureConsentMethodsDocument = new TypedDocumentString(`
    query ConsoleDisclosureConsentMethods {
  disclosureConsentMethods
}
    `) as unknown as TypedDocumentString<ConsoleDisclosureConsentMethodsQuery, ConsoleDisclosureConsentMethodsQueryVariables>;
export const ConsoleSetDisclosureConsentMethodsDocument = new TypedDocumentString(`
    mutation ConsoleSetDisclosureConsentMethods($methods: [ConsentMethod!]!) {
  setDisclosureConsentMethods(methods: $methods)
}
    `) as unknown as TypedDocumentString<ConsoleSetDisclosureConsentMethodsMutation, ConsoleSetDisclosureConsentMethodsMutationVariables>;
export const ConsoleAssessBreachDocument = new TypedDocumentString(`
    mutation ConsoleAssessBreach($breachId: ID!, $expectedVersion: Int!, $reportable: Boolean!, $regulatorNotifiedAt: DateTime) {
  assessBreach(
    breachId: $breachId
    expectedVersion: $expectedVersion
    reportable: $reportable
    regulatorNotifiedAt: $regulatorNotifiedAt
  ) {
    id
    reportable
    regulatorNotifiedAt
    version
  }
}
    `) as unknown as TypedDocumentString<ConsoleAssessBreachMutation, ConsoleAssessBreachMutationVariables>;
export const ConsolePersonAccessLogDocument = new TypedDocumentString(`
    query ConsolePersonAccessLog($serviceUserId: ID!, $after: String) {
  accessLog(serviceUserId: $serviceUserId, first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        at
        action
        outcome
        operation
        classifications
        fields
        purpose
        relationship
        emergency
        actor {
          displayName
          handle
          roles
          who
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePersonAccessLogQuery, ConsolePersonAccessLogQueryVariables>;
export const ConsoleDisclosureRegisterDocument = new TypedDocumentString(`
    query ConsoleDisclosureRegister($from: DateTime!, $after: String) {
  disclosureReport(from: $from, first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        at
        operation
        purpose
        rule
        serviceUserId
        recipient
        classifications
        actor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleDisclosureRegisterQuery, ConsoleDisclosureRegisterQueryVariables>;
export const ConsoleStaffAccessDocument = new TypedDocumentString(`
    query ConsoleStaffAccess($staffId: ID!, $after: String, $from: DateTime, $to: DateTime) {
  staffAccessReport(
    staffId: $staffId
    first: 50
    after: $after
    from: $from
    to: $to
  ) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        at
        action
        outcome
        operation
        classifications
        fields
        purpose
        relationship
        emergency
        actor {
          displayName
          handle
          roles
          who
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleStaffAccessQuery, ConsoleStaffAccessQueryVariables>;
export const ConsoleAccessHeatMapDocument = new TypedDocumentString(`
    query ConsoleAccessHeatMap($from: DateTime, $to: DateTime, $serviceId: ID) {
  accessHeatMap(from: $from, to: $to, serviceId: $serviceId) {
    from
    to
    timeZone
    days
    staffCount
    truncated
    cells {
      staffId
      day
      reads
      offCaseload
      outOfHours
      denied
      actor {
        displayName
        handle
        roles
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAccessHeatMapQuery, ConsoleAccessHeatMapQueryVariables>;
export const ConsoleSubjectAccessRegisterDocument = new TypedDocumentString(`
    query ConsoleSubjectAccessRegister($after: String) {
  subjectAccessRequestsConnection(first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        serviceUserId
        receivedOn
        deadline
        status
        overdue
        openedByPerson
        identityCheck
        recordedBy
        recordedByActor {
          displayName
          handle
          roles
        }
        exportApproved
        exportApprovedBy
        exportApprovedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSubjectAccessRegisterQuery, ConsoleSubjectAccessRegisterQueryVariables>;
export const ConsoleApproveSubjectAccessExportDocument = new TypedDocumentString(`
    mutation ConsoleApproveSubjectAccessExport($requestId: ID!) {
  approveSubjectAccessExport(requestId: $requestId) {
    id
    exportApproved
    exportApprovedBy
    exportApprovedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleApproveSubjectAccessExportMutation, ConsoleApproveSubjectAccessExportMutationVariables>;
export const ConsoleSubjectAccessExportDocument = new TypedDocumentString(`
    query ConsoleSubjectAccessExport($serviceUserId: ID!) {
  subjectAccessExport(serviceUserId: $serviceUserId) {
    requestId
    deadline
    generatedAt
    document
  }
}
    `) as unknown as TypedDocumentString<ConsoleSubjectAccessExportQuery, ConsoleSubjectAccessExportQueryVariables>;
export const ConsoleCompleteSubjectAccessRequestDocument = new TypedDocumentString(`
    mutation ConsoleCompleteSubjectAccessRequest($requestId: String!) {
  completeSubjectAccessRequest(requestId: $requestId) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ConsoleCompleteSubjectAccessRequestMutation, ConsoleCompleteSubjectAccessRequestMutationVariables>;
export const ConsoleServicesDocument = new TypedDocumentString(`
    query ConsoleServices($after: String) {
  servicesConnection(first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleServicesQuery, ConsoleServicesQueryVariables>;
export const ConsoleLegalHoldsDocument = new TypedDocumentString(`
    query ConsoleLegalHolds($after: String) {
  legalHolds(first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        serviceUserId
        reference
        placedAt
        placedByActor {
          displayName
          handle
          roles
        }
        reason
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLegalHoldsQuery, ConsoleLegalHoldsQueryVariables>;
export const ConsolePersonLegalHoldDocument = new TypedDocumentString(`
    query ConsolePersonLegalHold($serviceUserId: ID!) {
  serviceUser(id: $serviceUserId) {
    id
    retention {
      legalHold
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePersonLegalHoldQuery, ConsolePersonLegalHoldQueryVariables>;
export const ConsolePlaceLegalHoldDocument = new TypedDocumentString(`
    mutation ConsolePlaceLegalHold($serviceUserId: ID!, $reason: String!) {
  placeLegalHold(serviceUserId: $serviceUserId, reason: $reason) {
    serviceUserId
    placedAt
    placedByActor {
      displayName
      handle
      roles
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePlaceLegalHoldMutation, ConsolePlaceLegalHoldMutationVariables>;
export const ConsoleLiftLegalHoldDocument = new TypedDocumentString(`
    mutation ConsoleLiftLegalHold($serviceUserId: ID!, $reason: String!) {
  liftLegalHold(serviceUserId: $serviceUserId, reason: $reason) {
    serviceUserId
    liftedAt
    liftedByActor {
      displayName
      handle
      roles
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLiftLegalHoldMutation, ConsoleLiftLegalHoldMutationVariables>;
export const ConsolePendingChangesDocument = new TypedDocumentString(`
    query ConsolePendingChanges {
  pendingChangesConnection(first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        operation
        rule
        proposedAt
        proposedByActor {
          displayName
          handle
          roles
        }
        subjectKind
        subjectId
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePendingChangesQuery, ConsolePendingChangesQueryVariables>;
export const ConsolePendingChangesToDecideDocument = new TypedDocumentString(`
    query ConsolePendingChangesToDecide {
  pendingChangesConnection(first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        operation
        rule
        proposedAt
        proposedByActor {
          displayName
          handle
          roles
        }
        subjectKind
        subjectId
        reason
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePendingChangesToDecideQuery, ConsolePendingChangesToDecideQueryVariables>;
export const ConsoleApproveChangeDocument = new TypedDocumentString(`
    mutation ConsoleApproveChange($approvalId: ID!) {
  approveChange(approvalId: $approvalId) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ConsoleApproveChangeMutation, ConsoleApproveChangeMutationVariables>;
export const ConsoleRejectChangeDocument = new TypedDocumentString(`
    mutation ConsoleRejectChange($approvalId: ID!) {
  rejectChange(approvalId: $approvalId) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ConsoleRejectChangeMutation, ConsoleRejectChangeMutationVariables>;
export const ConsoleProposeErasureDocument = new TypedDocumentString(`
    mutation ConsoleProposeErasure($serviceUserId: ID!, $reason: String!) {
  eraseServiceUser(serviceUserId: $serviceUserId, reason: $reason) {
    serviceUserId
    erasedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleProposeErasureMutation, ConsoleProposeErasureMutationVariables>;
export const ConsoleMonitoringSettingsDocument = new TypedDocumentString(`
    query ConsoleMonitoringSettings {
  accessMonitoringSettings {
    version
    timeZone
    workingDays
    workingHoursStart
    workingHoursEnd
    emergencyReviewDays
    manyClientsThreshold
    manyClientsWindowMinutes
    deniedAttemptsThreshold
    deniedAttemptsWindowMinutes
  }
}
    `) as unknown as TypedDocumentString<ConsoleMonitoringSettingsQuery, ConsoleMonitoringSettingsQueryVariables>;
export const ConsoleSetMonitoringSettingsDocument = new TypedDocumentString(`
    mutation ConsoleSetMonitoringSettings($expectedVersion: Int!, $input: AccessMonitoringSettingsInput!) {
  setAccessMonitoringSettings(expectedVersion: $expectedVersion, input: $input) {
    version
  }
}
    `) as unknown as TypedDocumentString<ConsoleSetMonitoringSettingsMutation, ConsoleSetMonitoringSettingsMutationVariables>;
export const ConsoleAuthoriseImportDocument = new TypedDocumentString(`
    mutation ConsoleAuthoriseImport($input: AuthoriseImportInput!) {
  authoriseImport(input: $input) {
    id
    serviceId
    grantedAt
    expiresAt
    withdrawnAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleAuthoriseImportMutation, ConsoleAuthoriseImportMutationVariables>;
export const ConsoleWithdrawImportAuthorisationDocument = new TypedDocumentString(`
    mutation ConsoleWithdrawImportAuthorisation($input: WithdrawImportAuthorisationInput!) {
  withdrawImportAuthorisation(input: $input) {
    id
    serviceId
    expiresAt
    withdrawnAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleWithdrawImportAuthorisationMutation, ConsoleWithdrawImportAuthorisationMutationVariables>;
export const ConsoleImportAuthorisationsDocument = new TypedDocumentString(`
    query ConsoleImportAuthorisations($serviceId: ID!, $after: String) {
  importAuthorisations(serviceId: $serviceId, first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        serviceId
        grantedBy
        grantedAt
        expiresAt
        withdrawnAt
      }
    }
  }
  service: node(id: $serviceId) {
    ... on Service {
      id
      managers {
        id
        displayName
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleImportAuthorisationsQuery, ConsoleImportAuthorisationsQueryVariables>;
export const ConsoleManagedServicePeopleDocument = new TypedDocumentString(`
    query ConsoleManagedServicePeople($serviceId: ID!, $after: String) {
  serviceUsers(serviceId: $serviceId, first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        reference
        name
        caseStatus
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleManagedServicePeopleQuery, ConsoleManagedServicePeopleQueryVariables>;
export const ConsoleServicePeopleByReferenceDocument = new TypedDocumentString(`
    query ConsoleServicePeopleByReference($serviceId: ID!, $after: String) {
  serviceUsers(serviceId: $serviceId, first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        reference
        caseStatus
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleServicePeopleByReferenceQuery, ConsoleServicePeopleByReferenceQueryVariables>;