import { randomUUID } from 'node:crypto';
import {
  type CallerFacts,
  type ClientRelationFacts,
  clientVisible,
  decideRead,
  decideWrite,
  type ItemFacts,
  PLAIN_ITEM,
  type ReadDecision,
  SERVICE_MANAGEMENT_ROLES,
  type WriteDecision,
} from '@confide/access';
import {
  type Classification,
  ConfideError,
  type EmergencyReason,
  ErrorCode,
  forbidden,
  isIdOf,
  notFound,
  type OrgId,
} from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import {
  allocationIsCurrent,
  type CareService,
  type CaseloadEntry,
  type CaseNote,
  ItemLoader,
  type PartnerGrant,
  type ReleasedItem,
  type ServiceUserRecord,
  type StaffServiceLinks,
  type TenantScope,
  tenantScope,
} from '@confide/store';
import type { Authenticated } from '../authentication';
import type { ConfideServices } from '../services';
import { AuditTrail } from './audit-trail';

/** A field read that was refused: the error to put on that path. */
export function readRefusal(decision: ReadDecision, field: string): ConfideError {
  switch (decision.effect) {
    case 'JUSTIFICATION_REQUIRED':
      return new ConfideError(
        ErrorCode.JUSTIFICATION_REQUIRED,
        'State a purpose (X-Access-Purpose header or @purpose directive) to read this field.',
        { details: { fields: [field] } },
      );
    case 'POLICY_NOT_ACKNOWLEDGED':
      return new ConfideError(
        ErrorCode.POLICY_NOT_ACKNOWLEDGED,
        'Acknowledge the organisation’s current confidentiality policy before reading client records.',
      );
    case 'NOT_FOUND':
      return notFound();
    default:
      return forbidden('You may not read this field.');
  }
}

/**
 * Whether an allowed read's audit event names the item read (Azure 4.1 "make a note of which files were
 * examined"): under an investigation or break-glass, or when the read needed a stated purpose.
 */
function namesItemRead(decision: ReadDecision): boolean {
  if (decision.effect !== 'ALLOW') return false;
  return (
    decision.justified || decision.relationship === 'INVESTIGATION' || decision.relationship === 'EMERGENCY'
  );
}

/**
 * Everything need-to-know needs within one request: the caller's facts, each client's relationship facts
 * (computed once per client per request from the profile and its service, batched through one loader), field
 * decisions, and the audit trail that records every one of them.
 */
export class RequestAccess {
  readonly loader: ItemLoader;
  readonly audit: AuditTrail;
  readonly #relations = new Map<string, Promise<ClientRelationFacts>>();
  readonly #caseloads = new Map<string, Promise<CaseloadEntry[]>>();
  readonly #notes = new Map<string, Promise<CaseNote[]>>();
  #partnerItems: Promise<Map<string, Map<string, ReleasedItem>>> | undefined;
  /** Releases a page of the partner's released notes established (issue 19), by client and note. */
  readonly #partnerPaged = new Map<string, Map<string, ReleasedItem>>();
  #purpose: string | undefined;
  #scope: TenantScope | undefined;

  /**
   * The id the request's audit events carry: the platform's (API Gateway's, or generated), never the caller's
   * `x-request-id` (issue 17 item 2): the server passes `requestIdentity`'s (context.ts); without one, a fresh id.
   */
  readonly requestId: string;

  constructor(
    private readonly services: ConfideServices,
    /** Who is calling, once the request's authentication has settled (context.ts `authenticating`). */
    private readonly caller: () => Authenticated | undefined,
    purpose: string | undefined,
    /** The caller's bounded `x-request-id` (`requestIdentity`, context.ts): a correlation id, never the request id. */
    correlationId: string | undefined,
    platformRequestId: string = randomUUID(),
  ) {
    this.#purpose = purpose;
    this.requestId = platformRequestId;
    this.loader = new ItemLoader(services.tenantClients, services.keys);
    this.audit = new AuditTrail(
      services.auditLog,
      this.requestId,
      caller,
      () => this.#purpose,
      () => services.clock.now(),
      services.platformAudit,
      async (orgId, subjectIds) => {
        const keys = await Promise.all(subjectIds.map((id) => this.loader.subjectKey(orgId, id)));
        return new Map(keys.flatMap((key) => (key ? [[key.subjectId, key] as const] : [])));
      },
      correlationId,
    );
  }

  get auth(): Authenticated | undefined {
    return this.caller();
  }

  /** The purpose the request states; J fields need one, and every audit event of the request records it. */
  get purpose(): string | undefined {
    return this.#purpose;
  }

  statePurpose(purpose: string): void {
    this.#purpose = purpose;
  }

  get scope(): TenantScope {
    const principal = this.auth?.principal;
    if (!principal || principal.kind === 'OPERATOR') throw forbidden();
    // Built once per organisation a request: a caseload of 50 asked for it about 250 times (issue 18).
    if (this.#scope?.orgId !== principal.orgId) this.#scope = tenantScope(principal.orgId);
    return this.#scope;
  }

  get preset() {
    return this.auth?.organisation?.preset ?? 'STRICT';
  }

  callerFacts(): CallerFacts {
    const principal = this.auth?.principal;
    if (!principal) throw forbidden();
    if (principal.kind !== 'STAFF') return { kind: principal.kind };
    const organisation = this.auth?.organisation;
    const acknowledged =
      organisation?.policyVersion === undefined ||
      this.auth?.staff?.acknowledgedPolicyVersion === organisation.policyVersion;
    return { kind: 'STAFF', roles: principal.roles, acknowledgedPolicy: acknowledged };
  }

  /**
   * The person's notes, newest first, read (every page, each note opened to prove it) once a request however often it
   * asks for them: aliases of `notes`, the person reached again through a note. A write to the person's notes in the
   * request forgets them ({@link forgetNotes}), so a later ask reads them again.
   */
  notesOf(client: ServiceUserRecord): Promise<CaseNote[]> {
    let pending = this.#notes.get(client.clientId);
    if (!pending) {
      pending = this.services.caseNotes.list(this.scope, client.clientId, this.loader);
      this.#notes.set(client.clientId, pending);
      // A failed read is not kept: the next ask tries again.
      pending.catch(() => this.#notes.delete(client.clientId));
    }
    return pending;
  }

  /** After a write to the person's notes in this request: the next {@link notesOf} reads them again. */
  forgetNotes(clientId: string): void {
    this.#notes.delete(clientId);
  }

  /** The caller's relationship facts for one client, computed once per request. */
  relationTo(client: ServiceUserRecord): Promise<ClientRelationFacts> {
    let pending = this.#relations.get(client.clientId);
    if (!pending) {
      pending = this.#computeRelation(client);
      this.#relations.set(client.clientId, pending);
    }
    return pending;
  }

  /**
   * Whether the caller manages the service, from the links on their own staff item (decision 0020): no read. A
   * review of the service's emergency accesses and exceptional disclosures is theirs, and the Caldicott Guardian's.
   * The link counts only with a management role, as it does for the policies (`countedLinks`) and the read matrix.
   */
  managesService(serviceId: string): boolean {
    const staff = this.auth?.staff;
    if (!staff?.serviceLinks.manages.has(serviceId)) return false;
    return staff.roles.some((role) => SERVICE_MANAGEMENT_ROLES.includes(role));
  }

  async service(serviceId: string): Promise<CareService | undefined> {
    return this.services.careServices.get(this.scope, serviceId, this.loader);
  }

  /**
   * A client the caller may know exists, or NOT_FOUND — the same answer whether the client does not exist,
   * belongs to another organisation, or is simply not the caller's business (Lets connect 4.3).
   */
  async visibleClient(clientId: string, operation: string): Promise<ServiceUserRecord> {
    const caller = this.callerFacts();
    if (caller.kind === 'STAFF' && !caller.acknowledgedPolicy) {
      this.audit.record({
        action: 'DENIED',
        operation,
        subjectId: clientId,
        outcome: 'POLICY_NOT_ACKNOWLEDGED',
      });
      throw readRefusal({ effect: 'POLICY_NOT_ACKNOWLEDGED', rule: 'policy.acknowledgement' }, operation);
    }
    let client: ServiceUserRecord | undefined;
    if (isIdOf('serviceUser', clientId)) {
      // A visible client's fields need its key: read the wrapped key in the same batch as the profile.
      this.loader.prefetchSubjectKey(this.scope.orgId, clientId);
      client = await this.services.serviceUsers.get(this.scope, clientId, this.loader);
    }
    if (!client || !clientVisible(caller, await this.relationTo(client), this.preset)) {
      this.audit.record({
        action: 'DENIED',
        operation,
        subjectId: client ? clientId : undefined,
        outcome: 'NOT_FOUND',
      });
      throw notFound('Service user');
    }
    return client;
  }

  /**
   * Starts reading a client's profile and key in the organisation the caller's verified token names, beside the
   * login lookup (issue 18): nothing is decided from or served out of them until the caller is confirmed, and a
   * later {@link findClient} of the confirmed organisation finds them read.
   */
  prefetchClient(orgId: OrgId, clientId: string): void {
    if (!isIdOf('serviceUser', clientId)) return;
    this.loader.prefetchSubjectKey(orgId, clientId);
    this.services.serviceUsers.prefetch(tenantScope(orgId), clientId, this.loader);
  }

  /**
   * The client, with its wrapped key read in the same batch, or undefined when there is none (or the id is not a
   * client id). No visibility check: the operation policy decides what the caller may know of it.
   */
  async findClient(clientId: string): Promise<ServiceUserRecord | undefined> {
    if (!isIdOf('serviceUser', clientId)) return undefined;
    this.loader.prefetchSubjectKey(this.scope.orgId, clientId);
    return this.services.serviceUsers.get(this.scope, clientId, this.loader);
  }

  /**
   * A staff member's caseload, read once per request. As soon as its ids are known, each client's profile, key and
   * latest note (by the allocation's hint) are asked for together, so they travel in one batch (issue 18). Callers
   * pass the confirmed principal's organisation and staff id; {@link prefetchCaseload} may have started it with the
   * token's, beside the login lookup, and nothing read is served unless the two are the same.
   */
  caseload(orgId: OrgId, staffId: string): Promise<CaseloadEntry[]> {
    const key = `${orgId}|${staffId}`;
    let pending = this.#caseloads.get(key);
    if (!pending) {
      const scope = tenantScope(orgId);
      pending = this.services.serviceUsers.caseload(scope, staffId).then((entries) => {
        for (const { clientId, latestNoteHint } of entries) {
          this.loader.prefetchSubjectKey(orgId, clientId);
          this.services.serviceUsers.prefetch(scope, clientId, this.loader);
          if (latestNoteHint) this.services.caseNotes.prefetch(scope, clientId, latestNoteHint, this.loader);
        }
        return entries;
      });
      this.#caseloads.set(key, pending);
    }
    return pending;
  }

  /** Starts {@link caseload} for the staff member a verified token names; a failure surfaces from `caseload`. */
  prefetchCaseload(orgId: OrgId, staffId: string): void {
    if (!isIdOf('staff', staffId)) return;
    this.caseload(orgId, staffId).catch(() => undefined);
  }

  /**
   * Clients by id for a list, with their wrapped keys read in the same batch (a list shows decrypted fields).
   * Missing and expired clients are left out; visibility is still for `filterVisible` to decide.
   */
  loadClients(clientIds: readonly string[]): Promise<ServiceUserRecord[]> {
    for (const clientId of clientIds) this.loader.prefetchSubjectKey(this.scope.orgId, clientId);
    return this.services.serviceUsers.getMany(this.scope, clientIds, this.loader);
  }

  /**
   * Of governance items naming clients (emergency and disclosure reviews, legal holds, disclosure work), those whose
   * client has no declared conflict of interest with the caller: a conflict hides the client everywhere, lists
   * included (decision 0007). One batched read of the profiles named.
   */
  async withoutConflicts<T>(items: readonly T[], clientOf: (item: T) => string): Promise<T[]> {
    const principal = this.auth?.principal;
    if (principal?.kind !== 'STAFF' || items.length === 0) return [...items];
    const clients = await this.services.serviceUsers.getMany(
      this.scope,
      [...new Set(items.map(clientOf))],
      this.loader,
    );
    const conflicted = new Set(
      clients
        .filter((client) => client.conflicts.includes(principal.staffId))
        .map((client) => client.clientId),
    );
    return items.filter((item) => !conflicted.has(clientOf(item)));
  }

  /** Keeps the clients the caller may know exist; lists filter, they never fail for one hidden item. */
  async filterVisible(
    clients: readonly ServiceUserRecord[],
    operation = 'list',
  ): Promise<ServiceUserRecord[]> {
    const caller = this.callerFacts();
    if (caller.kind === 'STAFF' && !caller.acknowledgedPolicy) {
      for (const client of clients) {
        this.audit.record({
          action: 'DENIED',
          operation,
          subjectId: client.clientId,
          outcome: 'POLICY_NOT_ACKNOWLEDGED',
        });
      }
      throw readRefusal({ effect: 'POLICY_NOT_ACKNOWLEDGED', rule: 'policy.acknowledgement' }, 'list');
    }
    const visible = await Promise.all(
      clients.map(async (client) => clientVisible(caller, await this.relationTo(client), this.preset)),
    );
    return clients.filter((_, index) => visible[index]);
  }

  /** Decides a read without recording it: for filtering lists, whose items are audited when read. */
  async peekRead(client: ServiceUserRecord, classification: Classification, item: ItemFacts = PLAIN_ITEM) {
    return decideRead({
      caller: this.callerFacts(),
      relation: await this.relationTo(client),
      item,
      classification,
      preset: this.preset,
      purpose: this.purpose,
    });
  }

  /** Decides one field read and records it in the audit trail, allowed or not. */
  async decideRead(
    client: ServiceUserRecord,
    classification: Classification,
    field: string,
    item: ItemFacts = PLAIN_ITEM,
    operation: string = field,
    itemId?: string,
  ): Promise<ReadDecision> {
    const decision = decideRead({
      caller: this.callerFacts(),
      relation: await this.relationTo(client),
      item,
      classification,
      preset: this.preset,
      purpose: this.purpose,
    });
    const allowed = decision.effect === 'ALLOW';
    this.audit.record({
      action: allowed ? (decision.relationship === 'EMERGENCY' ? 'EMERGENCY_ACCESS' : 'READ') : 'DENIED',
      operation,
      subjectId: client.clientId,
      field,
      classification,
      item: allowed && namesItemRead(decision) ? itemId : undefined,
      relationship: 'relationship' in decision ? decision.relationship : undefined,
      emergency: 'relationship' in decision && decision.relationship === 'EMERGENCY',
      outcome: allowed ? 'ALLOWED' : decision.effect,
      rule: decision.rule,
    });
    return decision;
  }

  /** Refuses the write unless the caller's relationship gives W on the classification; audits either way. */
  async requireWrite(
    client: ServiceUserRecord,
    classification: Classification,
    operation: string,
    item: ItemFacts = PLAIN_ITEM,
  ): Promise<WriteDecision> {
    const decision = decideWrite({
      caller: this.callerFacts(),
      relation: await this.relationTo(client),
      item,
      classification,
      preset: this.preset,
    });
    if (decision.effect !== 'ALLOW') {
      this.audit.record({
        action: 'DENIED',
        operation,
        subjectId: client.clientId,
        classification,
        outcome: decision.effect,
        rule: decision.rule,
        relationship: 'relationship' in decision ? decision.relationship : undefined,
      });
      if (decision.effect === 'NOT_FOUND') throw notFound('Service user');
      if (decision.effect === 'POLICY_NOT_ACKNOWLEDGED') throw readRefusal(decision, operation);
      throw forbidden('Your relationship to this person does not allow this change.');
    }
    // The write is recorded before it happens: if the audit cannot be written, nothing is changed.
    await this.audit.recordBeforeChange({
      action: 'WRITE',
      operation,
      subjectId: client.clientId,
      classification,
      relationship: decision.relationship,
      outcome: 'ALLOWED',
      rule: decision.rule,
    });
    return decision;
  }

  /**
   * Whether the calling partner agency may read this item: released to it by a grant that has not expired and
   * whose consent (if it relied on one) has not been withdrawn. Answered from the releases a page already
   * established ({@link partnerReleasesOf}), else from all the partner's grants, loaded once per request.
   */
  async partnerMayRead(clientId: string, itemId: string): Promise<boolean> {
    if (this.#partnerPaged.get(clientId)?.has(itemId)) return true;
    return (await this.partnerItems()).get(clientId)?.has(itemId) ?? false;
  }

  /**
   * The items the calling partner may read, by client (it never sees anyone else), each exactly as it was
   * released — redactions applied, checked against the register's digest — never the live note.
   */
  async partnerItems(): Promise<ReadonlyMap<string, ReadonlyMap<string, ReleasedItem>>> {
    const principal = this.auth?.principal;
    if (principal?.kind !== 'PARTNER') return new Map();
    this.#partnerItems ??= this.services.disclosures
      .grantsOf(this.scope, principal.partnerId)
      .then((grants) => this.#releasedBy(principal.partnerId, grants));
    return this.#partnerItems;
  }

  /**
   * What the calling partner may read of the releases named by these grants (a page of its released notes,
   * issue 19), decided as {@link partnerItems} decides for all of them; remembered for {@link partnerMayRead}.
   */
  async partnerReleasesOf(
    grants: readonly PartnerGrant[],
  ): Promise<ReadonlyMap<string, ReadonlyMap<string, ReleasedItem>>> {
    const principal = this.auth?.principal;
    if (principal?.kind !== 'PARTNER') return new Map();
    const own = grants.filter((grant) => grant.partnerId === principal.partnerId);
    const items = await this.#releasedBy(principal.partnerId, own);
    for (const [clientId, released] of items) {
      const known = this.#partnerPaged.get(clientId) ?? new Map<string, ReleasedItem>();
      for (const [noteId, item] of released) known.set(noteId, item);
      this.#partnerPaged.set(clientId, known);
    }
    return items;
  }

  async #releasedBy(
    partnerId: string,
    allGrants: readonly PartnerGrant[],
  ): Promise<Map<string, Map<string, ReleasedItem>>> {
    const now = this.services.clock.now().toISOString();
    const grants = allGrants.filter((grant) => grant.grantExpiresAt > now);
    // One query per client whose grants rest on consent, concurrently: a withdrawn consent ends its grants.
    const consentClients = [...new Set(grants.filter((g) => g.consentId).map((g) => g.clientId))];
    const consents = await Promise.all(
      consentClients.map((clientId) => this.services.consents.list(this.scope, clientId)),
    );
    const withdrawn = new Set(
      consents.flat().flatMap((consent) => (consent.withdrawnAt ? [consent.consentId] : [])),
    );
    const standing = grants.filter((grant) => !(grant.consentId && withdrawn.has(grant.consentId)));
    // Per client: its key (an erased person's snapshots are shredded with it) and its register, whose RELEASED
    // entries hold the digest each snapshot must match.
    const releases = await Promise.all(
      [...new Set(standing.map((grant) => grant.clientId))].map(async (clientId) => {
        const [key, register] = await Promise.all([
          this.loader.subjectKey(this.scope.orgId, clientId),
          this.services.disclosures.register(this.scope, clientId),
        ]);
        if (!key) return [];
        const released = new Map(
          register
            .filter((entry) => entry.kind === 'RELEASED' && entry.partnerId === partnerId)
            .map((entry) => [entry.requestId, entry]),
        );
        return standing
          .filter((grant) => grant.clientId === clientId)
          .map((grant) => {
            const entry = released.get(grant.requestId);
            return {
              clientId,
              at: entry?.at ?? '',
              items: this.services.disclosures.releasedItems(key, grant, entry?.snapshotDigest),
            };
          });
      }),
    );
    // An item released more than once is read as its latest release.
    const items = new Map<string, Map<string, ReleasedItem>>();
    for (const release of releases.flat().sort((a, b) => a.at.localeCompare(b.at))) {
      const forClient = items.get(release.clientId) ?? new Map<string, ReleasedItem>();
      for (const item of release.items) forClient.set(item.noteId, item);
      items.set(release.clientId, forClient);
    }
    return items;
  }

  /** The client's data key for this request, batched with other reads. Erased subjects have none. */
  async clientKey(client: ServiceUserRecord): Promise<SubjectKey> {
    const key = await this.loader.subjectKey(this.scope.orgId, client.clientId);
    if (!key) throw notFound('Service user');
    return key;
  }

  async #computeRelation(client: ServiceUserRecord): Promise<ClientRelationFacts> {
    const principal = this.auth?.principal;
    if (!principal || principal.kind === 'OPERATOR' || principal.kind === 'PARTNER') return NO_RELATION;
    if (principal.kind === 'SERVICE_USER')
      return { ...NO_RELATION, self: principal.serviceUserId === client.clientId };
    const staff = this.auth?.staff;
    return staffRelationTo(
      {
        staffId: principal.staffId,
        serviceLinks: staff?.serviceLinks,
        emergencyGrants: staff?.emergencyGrants,
      },
      client,
      this.services.clock.now().toISOString(),
    );
  }
}

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

/**
 * A staff member's relationship facts for one client at `now`, from their own account (its links to services and
 * open break-glass grants, read at authentication for a caller) and the client's record. Also decides for someone
 * other than the caller: a pending change's proposer when it is approved.
 */
export function staffRelationTo(
  staff: {
    readonly staffId: string;
    readonly serviceLinks: StaffServiceLinks | undefined;
    readonly emergencyGrants:
      | ReadonlyMap<string, { readonly until: string; readonly reason: string }>
      | undefined;
  },
  client: ServiceUserRecord,
  now: string,
): ClientRelationFacts {
  const { staffId, serviceLinks: links } = staff;
  const manages = links?.manages.has(client.serviceId) ?? false;
  const grant = staff.emergencyGrants?.get(client.clientId);
  return {
    allocated: client.allocations.some(
      (allocation) => allocation.staffId === staffId && allocationIsCurrent(allocation, now),
    ),
    managesService: manages,
    qaReview:
      links?.qaReviews.some((qa) => qa.serviceId === client.serviceId && qa.from <= now && now < qa.to) ??
      false,
    investigation: client.investigations.some(
      (investigation) => investigation.investigatorId === staffId && investigation.status === 'OPEN',
    ),
    serviceMember: manages || (links?.memberOf.has(client.serviceId) ?? false),
    emergency: grant && grant.until > now ? (grant.reason as EmergencyReason) : undefined,
    self: false,
    conflict: client.conflicts.includes(staffId),
  };
}
