/**
 * What the console offers a caller, from their roles, mirroring who the API lets read and decide each thing
 * (schema/schema.graphql's descriptions, ACCESS-MODEL.md). What a role may not do is left out of the console,
 * not shown and refused. The API still decides every request: this only keeps the screens honest.
 */
export type ConsoleRole =
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

export interface Capabilities {
  /**
   * Decide break-glass reviews (`emergencyAccessReviews`, `completeEmergencyAccessReview`): the Caldicott Guardian and
   * the IG lead every one, a service manager their services' (decision 0040).
   */
  readonly reviewBreakGlass: boolean;
  /** Close exceptional disclosures' reviews (`disclosureReviews`, `completeDisclosureReview`). */
  readonly reviewDisclosures: boolean;
  /** Work the disclosure queue (`disclosureWorkQueueConnection`, decide, escalate, acknowledge). */
  readonly disclosureQueue: boolean;
  /** Unusual-access alerts (`accessAlerts`). */
  readonly accessAlerts: boolean;
  /**
   * The organisation's governance notifications (`governanceNotifications`, decision 0035): its governance contacts,
   * the IG lead and the Caldicott Guardian.
   */
  readonly notifications: boolean;
  /** The breach register (`breachesConnection`). */
  readonly breaches: boolean;
  /** Assess a breach (`assessBreach`). */
  readonly assessBreaches: boolean;
  /** Subject access requests and their deadlines (`subjectAccessRequestsConnection`). */
  readonly subjectAccess: boolean;
  /**
   * Approve the export staff compile for a subject access request, as the second person (`approveSubjectAccessExport`):
   * the Caldicott Guardian, or an IG lead who did not record the request.
   */
  readonly approveSubjectAccessExports: boolean;
  /** Produce an approved export and mark the request answered (`subjectAccessExport`, `completeSubjectAccessRequest`). */
  readonly compileSubjectAccessExports: boolean;
  /**
   * A person's access log (`accessLog`), on their screen; the People screen opens one from its lists or by the id the
   * API gives (the IG lead and the Guardian see people by reference only, and may not search by name).
   */
  readonly accessLog: boolean;
  /**
   * The people of the services the caller manages, listed on the People screen to open each one's screen
   * (`serviceUsers(serviceId:)`, with their names): a service's managers. Senior managers may list them too, but the
   * console has no screen of a person for them.
   */
  readonly servicePeople: boolean;
  /**
   * Every service's people, listed on the People screen by case reference and case status only
   * (`serviceUsers(serviceId:)`, never the name) to open each one's screen: the IG lead and the Caldicott Guardian, who
   * read anyone's PSEUDONYMOUS fields without a relationship (ACCESS-MODEL.md) and record subject access, legal holds
   * and erasures there.
   */
  readonly peopleByReference: boolean;
  /** The disclosure register (`disclosureReport`). */
  readonly disclosureRegister: boolean;
  /** Access at a glance (`accessHeatMap`): org-wide for the IG lead and the Guardian, a manager's own services. */
  readonly accessHeatMap: boolean;
  /**
   * Narrow the heat-map to any one service (`accessHeatMap(serviceId:)`): the org-wide readers. A manager's map already
   * holds only their services.
   */
  readonly accessHeatMapByService: boolean;
  /**
   * Report a breach from the breach register (`reportBreach`): any staff member may; the console offers it to everyone
   * who has the register.
   */
  readonly reportBreaches: boolean;
  /**
   * Record a subject access request on the person's behalf, with how their identity was checked
   * (`requestSubjectAccess`): the IG lead on the subject access register, a service's managers on their services'
   * people's screens.
   */
  readonly recordSubjectAccess: boolean;
  /**
   * A person's case, on their screen (the screen offers it only where the person's log was readable): close and reopen
   * it (`closeCase`, `reopenCase`), open and close a safeguarding investigation
   * (`openSafeguardingInvestigation`, `closeSafeguardingInvestigation`), declare and clear a conflict of interest
   * (`declareConflict`, `clearConflict`): of the console's roles, a service's managers for their services' people.
   * Senior managers and HR may too, but the console has no screen of a person for them.
   */
  readonly manageCases: boolean;
  /**
   * Assign a team leader to QA checks at a service for a period (`assignQaReview`): a service's managers for their
   * services, senior managers for any.
   */
  readonly assignQaReviews: boolean;
  /**
   * The register of legal holds, and lifting one (`legalHolds`, `liftLegalHold`): senior managers, the IG lead and the
   * Caldicott Guardian.
   */
  readonly legalHolds: boolean;
  /**
   * Place a legal hold on a person from their access log (`placeLegalHold`): the IG lead, the Caldicott Guardian and a
   * service's managers (their services' people: the screen offers it only where the log itself was readable). Senior
   * managers may too, but the console has no screen of a person for them.
   */
  readonly placeLegalHolds: boolean;
  /**
   * Approve or reject changes waiting for a second person (`pendingChangesConnection`, `approveChange`,
   * `rejectChange`): of the console's roles only the IG lead and the Caldicott Guardian approve any (an erasure; a wider
   * access preset is the Guardian's). The API lists only those the caller may approve, never their own proposals.
   */
  readonly approveChanges: boolean;
  /**
   * Propose erasing a person, with a reason, from their screen (`eraseServiceUser`): the IG lead; it runs when the
   * Caldicott Guardian or another IG lead approves it.
   */
  readonly proposeErasure: boolean;
  /**
   * Change the working hours and alert thresholds (`setAccessMonitoringSettings`): the IG lead (and ORG_ADMIN, who has
   * no console).
   */
  readonly monitoringSettings: boolean;
  /**
   * A person's disclosure requests (policies `disclosure.*`, issue 19): receive one, change its urgency, release an
   * approved one, correct an entry, record an author's authority (`receiveDisclosureRequest`,
   * `setDisclosureRequestUrgency`, `releaseDisclosure`, `correctDisclosureEntry`, `recordAuthorAuthority`): a service's
   * managers for their services' people, and the Caldicott Guardian. Senior managers and the IG lead read, never write.
   */
  readonly handleDisclosureRequests: boolean;
  /**
   * Record a disclosure made without consent under a duty to share (`recordExceptionalDisclosure`): of the console's
   * roles a service's managers (they write their services' CARE records) and the Caldicott Guardian.
   */
  readonly recordExceptionalDisclosures: boolean;
  /**
   * The consent methods that can authorise a disclosure (`setDisclosureConsentMethods`): the IG lead (and ORG_ADMIN,
   * who has no console).
   */
  readonly disclosureConsentMethods: boolean;
  /**
   * Authorise an import of records into a service the caller manages, run by a platform operator through a deployed
   * stage, see those that stand for the services they manage, and withdraw one they gave (`authoriseImport`,
   * `importAuthorisations`, `withdrawImportAuthorisation`, decisions 0146, 0148):
   * a service's managers. A senior manager too, but only into a service they are linked to as its manager (the API
   * counts the link, not the rank): the screen lists those.
   */
  readonly authoriseImports: boolean;
}

const any = (roles: readonly string[], wanted: readonly ConsoleRole[]) =>
  wanted.some((role) => roles.includes(role));

export function capabilitiesOf(roles: readonly string[]): Capabilities {
  return {
    reviewBreakGlass: any(roles, ['CALDICOTT_GUARDIAN', 'IG_LEAD', 'SERVICE_MANAGER']),
    reviewDisclosures: any(roles, ['CALDICOTT_GUARDIAN', 'SERVICE_MANAGER']),
    disclosureQueue: any(roles, ['CALDICOTT_GUARDIAN', 'SERVICE_MANAGER', 'SENIOR_MANAGER']),
    accessAlerts: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN', 'SERVICE_MANAGER']),
    notifications: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN']),
    breaches: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN', 'SERVICE_MANAGER', 'SENIOR_MANAGER']),
    assessBreaches: any(roles, ['IG_LEAD']),
    subjectAccess: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN']),
    approveSubjectAccessExports: any(roles, ['CALDICOTT_GUARDIAN', 'IG_LEAD']),
    compileSubjectAccessExports: any(roles, ['IG_LEAD']),
    accessLog: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN', 'SERVICE_MANAGER']),
    servicePeople: any(roles, ['SERVICE_MANAGER']),
    peopleByReference: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN']),
    disclosureRegister: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN', 'SERVICE_MANAGER']),
    accessHeatMap: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN', 'SERVICE_MANAGER']),
    accessHeatMapByService: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN']),
    reportBreaches: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN', 'SERVICE_MANAGER', 'SENIOR_MANAGER']),
    recordSubjectAccess: any(roles, ['IG_LEAD', 'SERVICE_MANAGER']),
    manageCases: any(roles, ['SERVICE_MANAGER']),
    assignQaReviews: any(roles, ['SERVICE_MANAGER', 'SENIOR_MANAGER']),
    legalHolds: any(roles, ['SENIOR_MANAGER', 'IG_LEAD', 'CALDICOTT_GUARDIAN']),
    placeLegalHolds: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN', 'SERVICE_MANAGER']),
    approveChanges: any(roles, ['IG_LEAD', 'CALDICOTT_GUARDIAN']),
    proposeErasure: any(roles, ['IG_LEAD']),
    monitoringSettings: any(roles, ['IG_LEAD']),
    handleDisclosureRequests: any(roles, ['SERVICE_MANAGER', 'CALDICOTT_GUARDIAN']),
    recordExceptionalDisclosures: any(roles, ['SERVICE_MANAGER', 'CALDICOTT_GUARDIAN']),
    disclosureConsentMethods: any(roles, ['IG_LEAD']),
    authoriseImports: any(roles, ['SERVICE_MANAGER', 'SENIOR_MANAGER']),
  };
}

/** Whether the console has anything at all for the caller (a support worker: no). */
export function hasGovernanceWork(capabilities: Capabilities): boolean {
  return Object.values(capabilities).some(Boolean);
}
