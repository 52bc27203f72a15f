import type { AccessPreset, Classification, Relationship, SubjectAccessExemption } from '@confide/domain';
import type { CallerFacts, ClientRelationFacts, ItemFacts } from '../facts';

/** The kinds of principal ACCESS-MODEL.md names. */
export type PrincipalKind = CallerFacts['kind'];

/**
 * What an operation acts on, which decides the facts the api gathers before asking the policy:
 * - `NONE`: the organisation as a whole (settings, registers, reports) or the platform;
 * - `CLIENT`: one service user, whose relationship facts are computed for the caller;
 * - `STAFF`: one staff member, and whether that is the caller themself;
 * - `SERVICE`: one care service, and whether the caller manages it or works in it.
 */
export type SubjectKind = 'NONE' | 'CLIENT' | 'STAFF' | 'SERVICE';

/** Facts taken from the operation's arguments that a policy reasons about (never personal data). */
export interface ChangeFacts {
  /** Roles being given that open client content (any role but ORG_ADMIN, ADMINISTRATOR and VOLUNTEER). */
  readonly grantsContentRole?: boolean;
  /** ORG_ADMIN is being given: its holder approves the others' proposals, so one person alone never makes one. */
  readonly grantsApproverRole?: boolean;
  /** The change would let the subject's items expire at once: an erasure in effect. */
  readonly expiresImmediately?: boolean;
  /** The organisation's preset would become GROUP_WIDE. */
  readonly widensPreset?: boolean;
  /** The change names the caller themself as the one who gains access (allocation, team, investigation…). */
  readonly grantsCallerAccess?: boolean;
  /** The classification of what a client write changes (a note's kind, a profile section): decided by the W cells. */
  readonly classification?: Classification;
  /** The facts of the item written, when it exists already (an amendment of a sealed note…). */
  readonly item?: ItemFacts;
  /** The exemption a new note is withheld from its subject under (never personal data: a name of the law's). */
  readonly withholding?: SubjectAccessExemption;
  /** The caller wrote the item being changed (a note's author amending it). */
  readonly callerIsAuthor?: boolean;
  /**
   * The fields the change writes, as `Type.field` (names, never values): the policy reasons about them (a staff
   * member keeps their own contact details, not their personnel notes) and the change's audit event lists them.
   */
  readonly fields?: readonly string[];
  /** The staff member the change names is the caller themself (a conflict of their own, a review of their own break-glass). */
  readonly namesCaller?: boolean;
  /**
   * The caller's relationship to each client the change names beyond its subject: an investigation's other clients,
   * or the client a break-glass opens (not yet the caller's to know, so never the subject: policies/governance-access.ts).
   */
  readonly clients?: readonly ClientRelationFacts[];
  /** The qualifier the allowed event's rule names (a conflict's connection, a break-glass reason, a review's finding). */
  readonly detail?: string;
  /** Facts of a sharing operation: disclosures, reviews, breaches, subject access (policies/sharing.ts). */
  readonly sharing?: SharingFacts;
}

/** What a sharing policy reasons about beyond the caller's relationship; never personal data. */
export interface SharingFacts {
  /** The qualifier the audit rule names: a legal basis, a decision, a finding (`disclosure.released.CONSENT`). */
  readonly detail?: string;
  /** The disclosure request was escalated to the Caldicott Guardian, who alone then decides it. */
  readonly escalated?: boolean;
  /** An exceptional disclosure the person is not told of (telling them would increase risk): kept from their views. */
  readonly subjectNotTold?: boolean;
  /** The caller recorded what they now act on (a disclosure under review, a subject access request). */
  readonly callerRecorded?: boolean;
  /**
   * The caller made the exceptional disclosure under review: named as its maker by whoever recorded it for them
   * (decision 0142), or its recorder, who made it unless they named someone else.
   */
  readonly callerMade?: boolean;
  /** An exceptional disclosure is recorded for the staff member who made it, by someone else (decision 0142). */
  readonly recordedForAnother?: boolean;
  /** Subject access: the person has an open request for the export to answer. */
  readonly openRequest?: boolean;
  /** Subject access: a second person has approved the export staff compile for the open request. */
  readonly exportApproved?: boolean;
  /** Subject access: the caller is that second person. */
  readonly callerApproved?: boolean;
  /** A disclosure on the CONSENT basis: the person's current sharing consents, as they bear on this request. */
  readonly consents?: readonly ConsentFacts[];
  /** The consent methods the organisation accepts as authorising a disclosure (default: written). */
  readonly consentMethods?: readonly string[];
  /** A disclosure on the CONSENT basis: the request's purpose category (none: no consent covers it). */
  readonly purpose?: string;
  /**
   * A release redacts a note the caller may not read: its redactions are matched against that note's text, so the
   * answer would tell them what it says.
   */
  readonly redactsUnreadNotes?: boolean;
}

/** One consent as it bears on a disclosure request (issue 15): whom and what it names, how it was given. */
export interface ConsentFacts {
  readonly consentId: string;
  readonly method: string;
  /** The consent names the requester (its scope, and the agency or partner it names). */
  readonly coversRecipient: boolean;
  /** Every item requested is of information the consent names (or it names none, covering all). */
  readonly coversInformation: boolean;
  /** The purposes the person agreed to (none: the consent authorises no disclosure). */
  readonly purposes: readonly string[];
}

/**
 * Everything an operation policy decides on. Gathered by the api's operation plugin from the caller's own
 * item, the subject's item and the arguments; the policy does no I/O.
 */
export interface OperationFacts {
  readonly caller: CallerFacts;
  readonly preset: AccessPreset;
  /** The caller's relationship to the client, for `CLIENT` operations. */
  readonly relation?: ClientRelationFacts;
  /** For `STAFF` operations: the staff member acted on is the caller. */
  readonly targetIsCaller?: boolean;
  /** For `SERVICE` operations: the caller manages the service / works in it. */
  readonly service?: { readonly manages: boolean; readonly member: boolean };
  /**
   * For staff: the caller manages at least one care service (the links on their own staff item). Operations
   * that reach only the caller's own services (a service manager's reports) need it.
   */
  readonly managesAnyService?: boolean;
  readonly change?: ChangeFacts;
  /**
   * A second person with authority has approved this very change (two-person rule). Never true for the
   * person who proposed it: the api sets it only when an approver other than the proposer runs the change.
   */
  readonly approved: boolean;
}

/**
 * The answer for one operation.
 * - `ALLOW`: run it (and audit it).
 * - `APPROVAL_REQUIRED`: the caller may propose it; it takes effect when a second person approves.
 * - `FORBIDDEN`, `NOT_FOUND` (the subject is not the caller's business: existence is not confirmed),
 *   `POLICY_NOT_ACKNOWLEDGED`: refused, and the refusal is audited.
 */
export type OperationEffect =
  | 'ALLOW'
  | 'APPROVAL_REQUIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'POLICY_NOT_ACKNOWLEDGED'
  /** Refused: the person has not consented to this (a disclosure no current consent authorises). */
  | 'CONSENT_REQUIRED';

export interface OperationDecision {
  readonly effect: OperationEffect;
  /** The stable id of the clause that decided, stored with the audit event. */
  readonly rule: string;
  /** The relationship the decision rests on, for client operations (stored with the audit event). */
  readonly relationship?: Relationship;
}
