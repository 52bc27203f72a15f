import type { Classification, Relationship } from '@confide/domain';
import {
  type AuditAction,
  type AuditEvent,
  type AuditLog,
  type EntriesAhead,
  LIST_THRESHOLD,
  MAX_AUDIT_CALLS_PER_REQUEST,
  type PlatformAuditLog,
  type PurposeKeys,
  type TenantTransactItem,
} from '@confide/store';
import type { Authenticated } from '../authentication';

interface PendingEvent {
  action: AuditAction;
  operation: string;
  subjectId: string | undefined;
  fields: Set<string>;
  classifications: Set<Classification>;
  items: Set<string>;
  relationship: Relationship | undefined;
  emergency: boolean;
  outcome: string;
  rule: string | undefined;
  disclosureId: string | undefined;
}

/** One event as a resolver records it. */
export interface AuditRecord {
  action: AuditAction;
  operation: string;
  subjectId?: string | undefined;
  field?: string | undefined;
  classification?: Classification | undefined;
  /**
   * The opaque id of the item read (a note's or media item's id, never content), named when the read was under
   * INVESTIGATION or EMERGENCY or needed a stated purpose (Azure 4.1 "make a note of which files were examined").
   */
  item?: string | undefined;
  relationship?: Relationship | undefined;
  emergency?: boolean;
  outcome: string;
  rule?: string | undefined;
  /** The disclosure the event records making (its register request id; decision 0150). */
  disclosureId?: string | undefined;
}

/**
 * The item types of the governance work lists that name people (`recordListed`): a review, a queued request, a hold.
 * Working through them is a reviewer's duty, recorded against each person, but not a read of the person's record: the
 * unusual-access rules do not count it as one (monitoring/alert-rules.ts).
 */
export const GOVERNANCE_LIST_ITEMS = [
  'EmergencyAccessReview',
  'DisclosureReview',
  'DisclosureQueueItem',
  'LegalHold',
] as const;
export type GovernanceListItem = (typeof GOVERNANCE_LIST_ITEMS)[number];

/**
 * The audit events of one request. Field reads are folded into one event per (subject, action, outcome,
 * relationship), so a request touching many fields of many records still fits the two-write budget; the
 * request's purpose is stated on every event, sealed under the event's subject's key (decision 0028). Flushed once,
 * after execution and before the response leaves.
 */
export class AuditTrail {
  readonly #events = new Map<string, PendingEvent>();
  #flushes = 0;
  /** Audit write calls used so far: the request's budget is MAX_AUDIT_CALLS_PER_REQUEST. */
  #calls = 0;
  #failure: unknown;
  #changeCommits = 0;
  /** Operations whose refusal was already written by an earlier flush of this request. */
  readonly #deniedWritten = new Set<string>();
  /** Entries written ahead for a read of many people (decision 0053), until a flush confirms or takes them back. */
  #ahead: EntriesAhead | undefined;
  #aheadSpent = false;
  /** The time the next flush's events carry, fixed when entries were written ahead for them. */
  #at: string | undefined;

  constructor(
    private readonly log: AuditLog,
    private readonly requestId: string,
    /** Who is calling, once known: read at flush, after the request has settled its authentication. */
    private readonly caller: () => Authenticated | undefined,
    private readonly purpose: () => string | undefined,
    private readonly now: () => Date,
    /** Where a platform operator's events go: they act on no tenant (issue 14). */
    private readonly platform?: PlatformAuditLog,
    /** The subjects' keys the purpose is sealed under (the request's loader: keys already read cost nothing). */
    private readonly purposeKeys?: PurposeKeys,
    /** The caller's bounded `x-request-id`, kept on each event apart from the request id. */
    private readonly correlationId?: string,
  ) {}

  /**
   * A list that names people (a governance work list, the legal holds): one READ per person listed, of the list's item
   * type (`field`) and, where its items carry it, the classification they open, under the operation's own rule.
   */
  recordListed(
    operation: { readonly name: string; readonly decision: { readonly rule: string } },
    clientIds: Iterable<string>,
    field: GovernanceListItem,
    classification?: Classification,
  ): void {
    for (const subjectId of new Set(clientIds)) {
      this.record({
        action: 'READ',
        operation: operation.name,
        subjectId,
        field,
        classification,
        outcome: 'ALLOWED',
        rule: operation.decision.rule,
      });
    }
  }

  record(event: AuditRecord): void {
    // Called for every field read (a caseload: some 300 times): one string, no array to join.
    const key = `${event.action}|${event.operation}|${event.subjectId ?? ''}|${event.outcome}|${event.relationship ?? ''}|${event.emergency ?? ''}|${event.disclosureId ?? ''}`;
    let pending = this.#events.get(key);
    if (!pending) {
      pending = {
        action: event.action,
        operation: event.operation,
        subjectId: event.subjectId,
        fields: new Set(),
        classifications: new Set(),
        items: new Set(),
        relationship: event.relationship,
        emergency: event.emergency ?? false,
        outcome: event.outcome,
        rule: event.rule,
        disclosureId: event.disclosureId,
      };
      this.#events.set(key, pending);
    }
    if (event.field) pending.fields.add(event.field);
    if (event.classification) pending.classifications.add(event.classification);
    if (event.item) pending.items.add(event.item);
  }

  /**
   * A read of many people names them as soon as they are known (decision 0053: a caseload, after its index is read):
   * an entry per person is written now, beside the reads of their records, and the request's final flush confirms,
   * in its chained list event, exactly the people whose fields were read, with what was read of each; the others'
   * entries are taken back and no reader shows them. The response still waits for every write (fail closed); if the
   * entries ahead fail, the flush writes the entries as before (0042). Only once per request, before its first flush,
   * for a caller of an organisation who stated no purpose (a purpose is sealed per person, in their own entry).
   */
  announceList(operation: string, subjectIds: readonly string[], action: AuditAction = 'READ'): void {
    if (this.#ahead || this.#failure || this.#flushes > 0 || new Set(subjectIds).size < LIST_THRESHOLD)
      return;
    const auth = this.caller();
    if (!auth || auth.principal.kind === 'OPERATOR' || this.purpose()) return;
    const at = this.now().toISOString();
    this.#at = at;
    this.#ahead = this.log.writeAhead(
      {
        orgId: auth.principal.orgId,
        requestId: this.requestId,
        ...(this.correlationId ? { correlationId: this.correlationId } : {}),
        at,
        actor: actorOf(auth.principal),
        action,
        operation,
        subjects: subjectIds,
      },
      { retentionYears: auth.organisation?.retention.auditYears },
    );
  }

  /** Whether a refusal of `operation` is already recorded in this request (so a refusal is recorded once). */
  hasDenied(operation: string): boolean {
    for (const event of this.#events.values()) {
      if (event.action === 'DENIED' && event.operation === operation) return true;
    }
    return this.#deniedWritten.has(operation);
  }

  get size(): number {
    return this.#events.size;
  }

  /**
   * Records a change and writes it (with everything recorded so far) before the change is made: if the audit
   * cannot be written this throws, and the caller changes nothing.
   */
  async recordBeforeChange(event: AuditRecord): Promise<void> {
    this.record(event);
    await this.flush();
  }

  /**
   * Writes everything recorded since the last flush; throws when the write fails, so the caller can withhold
   * the response (or, before a data write, change nothing). A flush before a data write keeps one write call of
   * the budget for the `final` flush after execution (a retry on another audit chain is only made within budget).
   */
  async flush(options: { final?: boolean } = {}): Promise<void> {
    await this.#write(options.final ?? false);
  }

  /**
   * Writes a change in the same transaction as everything recorded so far, the change's own event included (issue
   * 18: one round trip for a note and its audit). Returns whether the change's conditions let it through; when they
   * did not, nothing of it was written and its events wait for the final flush (a retry returning the note held is
   * still a recorded write). Throws, changing nothing, when the audit cannot be written.
   */
  async commitWithChange(change: readonly TenantTransactItem[]): Promise<boolean> {
    this.#changeCommits += 1;
    return this.#write(false, change);
  }

  /** How many changes were handed to {@link commitWithChange}: an operation audited with its change must make one. */
  get changeCommits(): number {
    return this.#changeCommits;
  }

  async #write(final: boolean, change: readonly TenantTransactItem[] = []): Promise<boolean> {
    // Once a write failed, the request is withheld whatever follows: fail again without writing.
    if (this.#failure) throw this.#failure;
    const auth = this.caller();
    if (this.#events.size === 0 || !auth) {
      if (change.length > 0) throw new Error('A change is written only with the events that record it.');
      // Entries written ahead with nothing read to confirm them are taken back.
      if (final && this.#ahead && !this.#aheadSpent) {
        this.#aheadSpent = true;
        await this.log.withdrawAhead(this.#ahead);
      }
      return false;
    }
    // A mutation flushes its WRITE event before changing anything, then the rest follows after execution:
    // each flush gets its own id space so event ids never collide.
    const batchId = this.#flushes === 0 ? this.requestId : `${this.requestId}-${this.#flushes}`;
    this.#flushes += 1;
    const pendingEntries = [...this.#events.entries()];
    const pending = pendingEntries.map(([, event]) => event);
    for (const event of pending) if (event.action === 'DENIED') this.#deniedWritten.add(event.operation);
    this.#events.clear();
    const { principal } = auth;
    if (principal.kind === 'OPERATOR') {
      if (change.length > 0) throw new Error('An operator’s events are not written with a tenant’s change.');
      try {
        for (const event of pending) {
          await this.platform?.record({
            actor: { kind: 'OPERATOR', id: principal.operatorId },
            operation: event.operation,
            organisationId: event.subjectId,
            outcome: event.outcome,
            rule: event.rule,
            requestId: batchId,
          });
        }
      } catch (error) {
        this.#failure = error;
        throw error;
      }
      return false;
    }
    const at = this.#at ?? this.now().toISOString();
    this.#at = undefined;
    const actor = actorOf(principal);
    // The first flush without a change confirms the entries written ahead (or takes them back).
    const ahead =
      change.length === 0 && this.#ahead && !this.#aheadSpent && batchId === this.#ahead.requestId
        ? this.#ahead
        : undefined;
    if (ahead) this.#aheadSpent = true;
    const events: AuditEvent[] = pending.map((event) => ({
      orgId: principal.orgId,
      requestId: batchId,
      ...(this.correlationId ? { correlationId: this.correlationId } : {}),
      at,
      actor,
      action: event.action,
      operation: event.operation,
      subjectId: event.subjectId,
      fields: [...event.fields].sort(),
      classifications: [...event.classifications].sort(),
      relationship: event.relationship,
      purpose: this.purpose(),
      emergency: event.emergency,
      outcome: event.outcome,
      rule: event.rule,
      ...(event.items.size > 0 ? { items: [...event.items].sort() } : {}),
      ...(event.disclosureId ? { disclosureId: event.disclosureId } : {}),
    }));
    const left = MAX_AUDIT_CALLS_PER_REQUEST - this.#calls;
    const writeOptions = {
      maxCalls: Math.max(1, final ? left : left - 1),
      // Each event is kept for the audit period in force when it is written (decision 0017).
      retentionYears: auth.organisation?.retention.auditYears,
      purposeKeys: this.purposeKeys,
      ahead,
    };
    try {
      if (change.length === 0) {
        this.#calls += await this.log.write(events, writeOptions);
        return false;
      }
      const written = await this.log.writeWithChange(events, change, writeOptions);
      this.#calls += written.calls;
      // Events not written with a refused change wait, as recorded, for the next flush.
      const unwritten = pendingEntries.slice(pendingEntries.length - written.unwritten);
      for (const [key, event] of unwritten) {
        // A field read recorded meanwhile under the same key is folded in, as `record` would.
        const recorded = this.#events.get(key);
        if (!recorded) this.#events.set(key, event);
        else {
          for (const field of event.fields) recorded.fields.add(field);
          for (const classification of event.classifications) recorded.classifications.add(classification);
          for (const item of event.items) recorded.items.add(item);
        }
      }
      return written.changed;
    } catch (error) {
      this.#failure = error;
      throw error;
    }
  }
}

/** Who an event says acted: a tenant's staff member, service user or partner. */
function actorOf(principal: Exclude<Authenticated['principal'], { kind: 'OPERATOR' }>): {
  kind: string;
  id: string;
  roles: readonly string[];
} {
  return {
    kind: principal.kind,
    id:
      principal.kind === 'STAFF'
        ? principal.staffId
        : principal.kind === 'SERVICE_USER'
          ? principal.serviceUserId
          : principal.partnerId,
    roles: principal.kind === 'STAFF' ? principal.roles : [],
  };
}
