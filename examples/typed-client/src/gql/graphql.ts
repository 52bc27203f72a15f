/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** PRIMARY: the allocated worker. COVER: cover for sickness or holidays, with an end time (JRH). */
export type AllocationKind =
  | 'COVER'
  | 'PRIMARY';

/** A new text for a note; the previous version is kept. */
export type AmendNoteInput = {
  /** The new text. */
  body: string;
  /** The version read; a stale one gets CONFLICT. */
  expectedVersion: number;
  /** The note. Global id of a CaseNote. */
  noteId: string | number;
};

/** Whether the service user is currently supported. */
export type CaseStatus =
  | 'CLOSED'
  | 'OPEN';

/** The person themself, or a representative (with a mental-capacity note). */
export type ConsentGiver =
  | 'CLIENT'
  | 'REPRESENTATIVE';

/** How it was given. Images and recordings need written consent (SIGNED_FORM or EMAIL) with a manager involved (Azure 8.1). */
export type ConsentMethod =
  | 'EMAIL'
  | 'SIGNED_FORM'
  | 'VERBAL_WITNESSED';

/** What the consent covers: sharing with family, a named agency, the GP; images or recordings for publicity. */
export type ConsentScope =
  | 'FAMILY'
  | 'GP'
  | 'NAMED_AGENCY'
  | 'OTHER'
  | 'PUBLICITY_IMAGES'
  | 'PUBLICITY_RECORDINGS';

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

/** The kind of caller a token identifies. */
export type PrincipalKind =
  | 'OPERATOR'
  | 'PARTNER'
  | 'SERVICE_USER'
  | 'STAFF';

/** A new note about a service user. */
export type RecordNoteInput = {
  /** CORRESPONDENCE written by another organisation: its name (its disclosure needs its authority). */
  authorOrganisation?: string | null | undefined;
  /** The text, at most 20000 characters. Assessment notes carry only what is relevant to future support (JRH). */
  body: string;
  /** HANDOVER / MEETING: the staff who may read it (attendees and those the meeting agreed, Azure 4.2). At most 100. Global id of a StaffMember. */
  distribution?: Array<string | number> | null | undefined;
  /** Client-chosen key: retrying with the same key returns the first note instead of a duplicate. */
  idempotencyKey?: string | null | undefined;
  /** What the note records; decides its classification. */
  kind: NoteKind;
  /** Seal the note at the person’s request: only these staff (and the person) may read it. At most 100. Global id of a StaffMember. */
  sealedFor?: Array<string | number> | null | undefined;
  /** The service user. Global id of a ServiceUser. */
  serviceUserId: string | number;
  /** Withhold from the person under a recorded exemption: needs `withholdingExemption`, and a role that carries that judgement (not a volunteer’s alone: FORBIDDEN). */
  withheldFromSubject?: boolean | null | undefined;
  /** The exemption the note is withheld under: required with `withheldFromSubject`, and only with it (BAD_USER_INPUT). Kept with the note and named by the audit. */
  withholdingExemption?: SubjectAccessExemption | null | undefined;
};

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

/** What a note is withheld from the person it is about under (ACCESS-MODEL.md: "items withheld under a recorded exemption"), from the UK Data Protection Act 2018. */
export type SubjectAccessExemption =
  /** Telling the person would be likely to prejudice the prevention or detection of crime (DPA 2018 Sch. 2 para. 2). */
  | 'CRIME_PREVENTION'
  /** The note is covered by legal professional privilege (DPA 2018 Sch. 2 para. 19). */
  | 'LEGAL_PRIVILEGE'
  /** Telling the person would be likely to cause serious harm to their or someone else’s physical or mental health (DPA 2018 Sch. 3, the serious harm test). */
  | 'SERIOUS_HARM'
  /** It would tell the person about someone else who has not agreed, and telling without their agreement is not reasonable (DPA 2018 Sch. 2 para. 16). */
  | 'THIRD_PARTY';

export type WorkerCaseloadQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkerCaseloadQuery = { me: { kind: PrincipalKind, roles: Array<Role>, organisation: { name: string } | null, staffMember: { id: string, handle: string, displayName: string | null } | null }, caseload: { edges: Array<{ cursor: string, node: { id: string, reference: string | null, name: string | null, preferredContact: string | null, caseStatus: CaseStatus | null, latestNote:
          | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number }
          | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number }
          | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number }
          | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number }
         | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WorkerServiceUserQueryVariables = Exact<{
  id: string | number;
  notes?: number | null | undefined;
  notesAfter?: string | null | undefined;
}>;


export type WorkerServiceUserQuery = { serviceUser: { id: string, reference: string | null, name: string | null, dateOfBirth: string | null, address: string | null, postcode: string | null, phone: string | null, email: string | null, preferredContact: string | null, caseStatus: CaseStatus | null, version: number | null, allocations: Array<{ allocationId: string, kind: AllocationKind, staffId: string, startsAt: string, endsAt: string | null }> | null, consentsConnection: { edges: Array<{ node: { id: string | null, scope: ConsentScope | null, method: ConsentMethod | null, givenBy: ConsentGiver | null, agencyName: string | null, recordedAt: string | null, withdrawnAt: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null, notes: { edges: Array<{ node:
          | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
          | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
          | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
          | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
         }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } };

export type WorkerCaseNoteQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkerCaseNoteQuery = { caseNote:
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null, serviceUser: { id: string, reference: string | null } }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null, serviceUser: { id: string, reference: string | null } }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null, serviceUser: { id: string, reference: string | null } }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null, serviceUser: { id: string, reference: string | null } }
   };

export type WorkerRecordNoteMutationVariables = Exact<{
  input: RecordNoteInput;
}>;


export type WorkerRecordNoteMutation = { recordNote:
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
   };

export type WorkerAmendNoteMutationVariables = Exact<{
  input: AmendNoteInput;
}>;


export type WorkerAmendNoteMutation = { amendNote:
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
    | { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number, body: string | null }
   };

type NoteHeader_CareNote_Fragment = { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number };

type NoteHeader_FinanceNote_Fragment = { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number };

type NoteHeader_HealthNote_Fragment = { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number };

type NoteHeader_SafeguardingNote_Fragment = { id: string, kind: NoteKind, recordedAt: string, amendedAt: string | null, authorId: string, version: number };

export type NoteHeaderFragment =
  | NoteHeader_CareNote_Fragment
  | NoteHeader_FinanceNote_Fragment
  | NoteHeader_HealthNote_Fragment
  | NoteHeader_SafeguardingNote_Fragment
;

type NoteText_CareNote_Fragment = { body: string | null };

type NoteText_FinanceNote_Fragment = { body: string | null };

type NoteText_HealthNote_Fragment = { body: string | null };

type NoteText_SafeguardingNote_Fragment = { body: string | null };

export type NoteTextFragment =
  | NoteText_CareNote_Fragment
  | NoteText_FinanceNote_Fragment
  | NoteText_HealthNote_Fragment
  | NoteText_SafeguardingNote_Fragment
;

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
export const NoteHeaderFragmentDoc = new TypedDocumentString(`
    fragment NoteHeader on CaseNote {
  id
  kind
  recordedAt
  amendedAt
  authorId
  version
}
    `, {"fragmentName":"NoteHeader"}) as unknown as TypedDocumentString<NoteHeaderFragment, unknown>;
export const NoteTextFragmentDoc = new TypedDocumentString(`
    fragment NoteText on CaseNote {
  ... on CareNote {
    body
  }
  ... on HealthNote {
    body
  }
  ... on FinanceNote {
    body
  }
  ... on SafeguardingNote {
    body
  }
}
    `, {"fragmentName":"NoteText"}) as unknown as TypedDocumentString<NoteTextFragment, unknown>;
export const WorkerCaseloadDocument = new TypedDocumentString(`
    query WorkerCaseload($first: Int = 25, $after: String) {
  me {
    kind
    roles
    organisation {
      name
    }
    staffMember {
      id
      handle
      displayName
    }
  }
  caseload(first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        reference
        name
        preferredContact
        caseStatus
        latestNote {
          ...NoteHeader
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment NoteHeader on CaseNote {
  id
  kind
  recordedAt
  amendedAt
  authorId
  version
}`) as unknown as TypedDocumentString<WorkerCaseloadQuery, WorkerCaseloadQueryVariables>;
export const WorkerServiceUserDocument = new TypedDocumentString(`
    query WorkerServiceUser($id: ID!, $notes: Int = 10, $notesAfter: String) {
  serviceUser(id: $id) {
    id
    reference
    name
    dateOfBirth
    address
    postcode
    phone
    email
    preferredContact
    caseStatus
    version
    allocations {
      allocationId
      kind
      staffId
      startsAt
      endsAt
    }
    consentsConnection(first: 20) {
      edges {
        node {
          id
          scope
          method
          givenBy
          agencyName
          recordedAt
          withdrawnAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    notes(first: $notes, after: $notesAfter) {
      edges {
        node {
          ...NoteHeader
          ...NoteText
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    fragment NoteHeader on CaseNote {
  id
  kind
  recordedAt
  amendedAt
  authorId
  version
}
fragment NoteText on CaseNote {
  ... on CareNote {
    body
  }
  ... on HealthNote {
    body
  }
  ... on FinanceNote {
    body
  }
  ... on SafeguardingNote {
    body
  }
}`) as unknown as TypedDocumentString<WorkerServiceUserQuery, WorkerServiceUserQueryVariables>;
export const WorkerCaseNoteDocument = new TypedDocumentString(`
    query WorkerCaseNote($id: ID!) {
  caseNote(id: $id) {
    ...NoteHeader
    ...NoteText
    serviceUser {
      id
      reference
    }
  }
}
    fragment NoteHeader on CaseNote {
  id
  kind
  recordedAt
  amendedAt
  authorId
  version
}
fragment NoteText on CaseNote {
  ... on CareNote {
    body
  }
  ... on HealthNote {
    body
  }
  ... on FinanceNote {
    body
  }
  ... on SafeguardingNote {
    body
  }
}`) as unknown as TypedDocumentString<WorkerCaseNoteQuery, WorkerCaseNoteQueryVariables>;
export const WorkerRecordNoteDocument = new TypedDocumentString(`
    mutation WorkerRecordNote($input: RecordNoteInput!) {
  recordNote(input: $input) {
    ...NoteHeader
    ...NoteText
  }
}
    fragment NoteHeader on CaseNote {
  id
  kind
  recordedAt
  amendedAt
  authorId
  version
}
fragment NoteText on CaseNote {
  ... on CareNote {
    body
  }
  ... on HealthNote {
    body
  }
  ... on FinanceNote {
    body
  }
  ... on SafeguardingNote {
    body
  }
}`) as unknown as TypedDocumentString<WorkerRecordNoteMutation, WorkerRecordNoteMutationVariables>;
export const WorkerAmendNoteDocument = new TypedDocumentString(`
    mutation WorkerAmendNote($input: AmendNoteInput!) {
  amendNote(input: $input) {
    ...NoteHeader
    ...NoteText
  }
}
    fragment NoteHeader on CaseNote {
  id
  kind
  recordedAt
  amendedAt
  authorId
  version
}
fragment NoteText on CaseNote {
  ... on CareNote {
    body
  }
  ... on HealthNote {
    body
  }
  ... on FinanceNote {
    body
  }
  ... on SafeguardingNote {
    body
  }
}`) as unknown as TypedDocumentString<WorkerAmendNoteMutation, WorkerAmendNoteMutationVariables>;