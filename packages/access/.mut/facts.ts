import type { AccessPreset, Classification, EmergencyReason, Role } from '@confide/domain';

/**
 * Who is asking, reduced to what the policy needs. Roles come from the organisation's table, never from the
 * token. `acknowledgedPolicy` is whether the staff member has signed the organisation's *current* policy
 * version (Carers Trust 6.1); a new version re-arms the gate.
 */
export type CallerFacts =
  | { readonly kind: 'STAFF'; readonly roles: readonly Role[]; readonly acknowledgedPolicy: boolean }
  | { readonly kind: 'SERVICE_USER' }
  | { readonly kind: 'PARTNER' }
  | { readonly kind: 'OPERATOR' };

/** The staff member variant of {@link CallerFacts}. */
export type StaffCallerFacts = Extract<CallerFacts, { kind: 'STAFF' }>;

/**
 * Facts about the caller's relation to ONE client (service user), computed by the store once per subject per
 * request. Every flag is a plain fact; the engine decides what it is worth (for example a QA assignment
 * counts only for a TEAM_LEADER).
 */
export interface ClientRelationFacts {
  /** An active allocation of the caller to the client: primary, or cover within its end time. */
  readonly allocated: boolean;
  /** The caller is recorded as a manager of the service that supports the client. */
  readonly managesService: boolean;
  /** A time-boxed QA assignment of the caller to the client's service is open. */
  readonly qaReview: boolean;
  /** The caller is the investigator of an open safeguarding investigation naming the client. */
  readonly investigation: boolean;
  /** The caller works in the client's service (what "any client of their services" means for ADMINISTRATOR). */
  readonly serviceMember: boolean;
  /** The reason of an open (at most one hour) break-glass grant of the caller for this client, if any. */
  readonly emergency: EmergencyReason | undefined;
  /** The caller is this service user. */
  readonly self: boolean;
  /**
   * A declared conflict of interest: the staff member is connected to the client, or the client named them as
   * someone who must not see the record.
   */
  readonly conflict: boolean;
}

/** Facts about the item holding the field (a note, a media item, the profile…). */
export interface ItemFacts {
  /** The client asked that this item is not shared: only SELF, the staff they named, or qualifying break-glass. */
  readonly sealed: boolean;
  /** The caller is one of the staff the client named for this sealed item. */
  readonly namedStaff: boolean;
  /** Withheld from the client under a recorded exemption: SELF does not see it. */
  readonly withheldFromSubject: boolean;
  /** Released to the calling partner by an unexpired disclosure grant. */
  readonly grantedToPartner: boolean;
}

/** An ordinary item: not sealed, not withheld, not released to anyone. */
export const PLAIN_ITEM: ItemFacts = {
  sealed: false,
  namedStaff: false,
  withheldFromSubject: false,
  grantedToPartner: false,
};

/** One field read: who, which client, which item, the field's classification, the organisation's preset. */
export interface ReadRequest {
  readonly caller: CallerFacts;
  readonly relation: ClientRelationFacts;
  readonly item: ItemFacts;
  readonly classification: Classification;
  readonly preset: AccessPreset;
  /** The purpose the request states (`@purpose` directive or `X-Access-Purpose` header); blank counts as none. */
  readonly purpose: string | undefined;
}

/** One field write. A write never needs a purpose: the matrix has no J write cells. */
export type WriteRequest = Omit<ReadRequest, 'purpose'>;
