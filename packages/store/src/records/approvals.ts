import { createHash } from 'node:crypto';
import { type Clock, conflict, newId, type OrgId, toEpochSeconds } from '@confide/domain';
import { decryptField, encryptField, integrityMac, type SubjectKey, verifyIntegrityMac } from '@confide/keys';
import { attr, type Item, read, requireS } from '../attributes';
import { organisationIntegrityKey } from '../item-macs';
import type { Page, PageRequest } from '../paging';
import { itemKeyOf } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';
import { TamperedItemError } from './integrity-incidents';

/** Reads subjects' keys (the key hierarchy's `subjectKeys`); a subject without one (erased) is absent. */
export interface ApprovalKeys {
  subjectKeys(orgId: OrgId, subjectIds: readonly string[]): Promise<Map<string, SubjectKey>>;
  /** The organisation's beacon key, from which the integrity key the approvals' MACs are taken under is derived. */
  beaconKey(orgId: OrgId): Promise<Uint8Array>;
}

/** How long a proposed change waits for its second person before it lapses. */
export const APPROVAL_LIFETIME_DAYS = 14;

/**
 * How long an approver's claim on a change holds while its run goes on: far longer than the api function may run
 * (its timeout is 10 s), so a claim lapses only when its run can no longer be going.
 */
export const APPROVAL_CLAIM_SECONDS = 120;

/** No claim on the change, or one that has lapsed. */
const UNCLAIMED = '(attribute_not_exists(claimedUntil) OR claimedUntil < :now)';

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/**
 * A change one person proposed that takes effect only when a second person with authority approves it
 * (ACCESS-MODEL.md, two-person rule). It holds the operation's arguments as given, so the approver runs
 * exactly what was proposed, until it is decided (then they are removed) or lapses: a new account's display
 * name or an erasure's reason is kept no longer than the decision takes. When the change's subject has a key (a
 * client), the arguments are sealed under it, bound to the approval item (issue 17): the person's erasure before
 * the decision shreds them, and the change is then gone (read as no such approval).
 */
export interface PendingApproval {
  readonly approvalId: string;
  readonly operation: string;
  readonly args: Record<string, unknown>;
  readonly subjectId: string | undefined;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly rule: string;
  readonly status: ApprovalStatus;
  readonly decidedBy: string | undefined;
  readonly decidedAt: string | undefined;
  /**
   * The platform operator who confirmed the change as its second person (decision 0081: an organisation's only
   * ORG_ADMIN proposing another has nobody in the organisation to approve it); the proposer may then approve it.
   */
  readonly confirmedByOperator: string | undefined;
}

/** Dates survive the round trip through JSON as tagged strings. */
function encodeArgs(args: Record<string, unknown>): string {
  return JSON.stringify(args, function (key, value) {
    const raw = (this as Record<string, unknown>)[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });
}

function decodeArgs(json: string): Record<string, unknown> {
  return JSON.parse(json, (_key, value) =>
    value && typeof value === 'object' && typeof value.$date === 'string' && Object.keys(value).length === 1
      ? new Date(value.$date)
      : value,
  ) as Record<string, unknown>;
}

export class Approvals {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly keys: ApprovalKeys,
  ) {}

  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  /** The stored form of a change's arguments: sealed under its subject's key when it has one, else as they are. */
  async #argsAttributes(
    scope: TenantScope,
    approvalId: string,
    subjectId: string | undefined,
    args: Record<string, unknown>,
  ): Promise<Item> {
    const key =
      subjectId && this.keys
        ? (await this.keys.subjectKeys(scope.orgId, [subjectId])).get(subjectId)
        : undefined;
    if (!key) return { args: attr.s(encodeArgs(args)) };
    return { argsSealed: attr.b(encryptField(key, argsLocation(scope, approvalId), encodeArgs(args))) };
  }

  /**
   * Approvals as read: sealed arguments opened under their subject's key. One whose key is gone (the person was
   * erased) is left out: its arguments were shredded with the person. A ciphertext that does not open fails.
   */
  async #open(scope: TenantScope, items: readonly Item[]): Promise<PendingApproval[]> {
    const sealedSubjects = [
      ...new Set(items.flatMap((item) => (item.argsSealed?.B ? [read.s(item, 'subjectId') ?? ''] : []))),
    ];
    const keys =
      sealedSubjects.length > 0
        ? await this.keys.subjectKeys(scope.orgId, sealedSubjects)
        : new Map<string, SubjectKey>();
    const integrityKey = items.length > 0 ? await this.#integrityKey(scope) : undefined;
    return items.flatMap((item) => {
      // Who proposed what under which rule, and an operator's confirmation, decide who may approve (decision 0087):
      // an approval without its MAC is none (written before them: it lapses within 14 days); a wrong one is tampering.
      if (!integrityKey || read.s(item, APPROVAL_MAC) === undefined) return [];
      verifyApproval(scope, integrityKey, item);
      const sealed = item.argsSealed?.B;
      if (sealed === undefined) return [toApproval(item)];
      const key = keys.get(read.s(item, 'subjectId') ?? '');
      if (!key) return [];
      const approvalId = requireS(item, 'approvalId');
      const args = decodeArgs(decryptField(key, argsLocation(scope, approvalId), sealed));
      return [{ ...toApproval(item), args }];
    });
  }

  async propose(
    scope: TenantScope,
    change: {
      operation: string;
      args: Record<string, unknown>;
      subjectId: string | undefined;
      proposedBy: string;
      rule: string;
    },
  ): Promise<PendingApproval> {
    const now = this.clock.now();
    const approvalId = newId('approval');
    const item: Item = {
      pk: attr.s(scope.key('APPROVAL')),
      sk: attr.s(approvalId),
      approvalId: attr.s(approvalId),
      operation: attr.s(change.operation),
      ...(await this.#argsAttributes(scope, approvalId, change.subjectId, change.args)),
      ...(change.subjectId ? { subjectId: attr.s(change.subjectId) } : {}),
      proposedBy: attr.s(change.proposedBy),
      proposedAt: attr.s(now.toISOString()),
      rule: attr.s(change.rule),
      status: attr.s('PENDING'),
      expiresAt: attr.n(Math.floor(now.getTime() / 1000) + APPROVAL_LIFETIME_DAYS * 86_400),
    };
    item.argsDigest = attr.s(argsDigestOf(item) ?? '');
    item[APPROVAL_MAC] = attr.s(integrityMac(await this.#integrityKey(scope), approvalParts(scope, item)));
    const written = await this.#gateway(scope).put(item, { ConditionExpression: 'attribute_not_exists(pk)' });
    // A fresh random id never collides; if it did, nothing was overwritten.
    if (!written.written) throw new Error('A new approval id collided.');
    return { ...toApproval(item), args: change.args };
  }

  async get(scope: TenantScope, approvalId: string): Promise<PendingApproval | undefined> {
    // A lapsed change (past its expiry, not yet deleted by TTL) is no change at all.
    const item = await this.#gateway(scope).get(
      { pk: scope.key('APPROVAL'), sk: approvalId },
      { now: this.clock.now() },
    );
    if (!item) return undefined;
    return (await this.#open(scope, [item]))[0];
  }

  /** Proposed changes still waiting, oldest first. */
  async pending(scope: TenantScope): Promise<PendingApproval[]> {
    const { items } = await this.#gateway(scope).query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('APPROVAL')) },
      },
      { now: this.clock.now() },
    );
    const waiting = items.filter((item) => read.s(item, 'status') === 'PENDING');
    return (await this.#open(scope, waiting)).sort((a, b) => a.proposedAt.localeCompare(b.proposedAt));
  }

  /**
   * One page of the changes still waiting (issue 19), read with DynamoDB's `Limit`: in the partition's order, by
   * approval id (ids are random, so not by date; each carries `proposedAt`). Decided and lapsed changes are skipped
   * by the query itself.
   */
  async pendingPage(scope: TenantScope, request: PageRequest): Promise<Page<PendingApproval>> {
    const page = await this.#gateway(scope).queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('APPROVAL')), ':pending': attr.s('PENDING') },
      },
      request,
      { now: this.clock.now() },
    );
    const opened = new Map(
      (
        await this.#open(
          scope,
          page.entries.map((entry) => entry.node),
        )
      ).map((approval) => [approval.approvalId, approval]),
    );
    return {
      // A change whose arguments no longer open (its person's key is gone) is left out, as `pending` leaves it.
      entries: page.entries.flatMap((entry) => {
        const approval = opened.get(requireS(entry.node, 'approvalId'));
        return approval ? [{ node: approval, cursor: entry.cursor }] : [];
      }),
      next: page.next,
    };
  }

  /**
   * Claims a pending change for the approver about to run it, for {@link APPROVAL_CLAIM_SECONDS}: two approvers at
   * the same moment, or a rejection meanwhile, get CONFLICT, so an approved change runs once. The arguments stay until
   * the run has ended ({@link decide}); a run that never ends (the function timed out) leaves the change pending, and
   * once the claim has lapsed it is approved again.
   */
  async claim(scope: TenantScope, approvalId: string, claimedBy: string): Promise<void> {
    const now = toEpochSeconds(this.clock.now());
    const result = await this.#gateway(scope).update(
      { pk: scope.key('APPROVAL'), sk: approvalId },
      {
        UpdateExpression: 'SET claimedBy = :by, claimedUntil = :until',
        ConditionExpression: `#status = :pending AND ${UNCLAIMED}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pending': attr.s('PENDING'),
          ':by': attr.s(claimedBy),
          ':until': attr.n(now + APPROVAL_CLAIM_SECONDS),
          ':now': attr.n(now),
        },
      },
    );
    if (!result.written) throw conflict('The change is being approved, or was already decided.');
  }

  /**
   * Records a platform operator as the second person of a pending change (decision 0081), which its proposer may then
   * approve. CONFLICT once the change was decided or lapsed, or while an approval of it runs.
   */
  async confirmByOperator(scope: TenantScope, approvalId: string, operatorId: string): Promise<void> {
    const now = this.clock.now();
    const result = await this.#gateway(scope).update(
      { pk: scope.key('APPROVAL'), sk: approvalId },
      {
        UpdateExpression: `SET confirmedByOperator = :by, confirmedAt = :at, ${CONFIRMATION_MAC} = :mac`,
        ConditionExpression: `#status = :pending AND expiresAt > :now AND ${UNCLAIMED}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pending': attr.s('PENDING'),
          ':by': attr.s(operatorId),
          ':at': attr.s(now.toISOString()),
          ':mac': attr.s(
            integrityMac(await this.#integrityKey(scope), confirmationParts(scope, approvalId, operatorId)),
          ),
          ':now': attr.n(toEpochSeconds(now)),
        },
      },
    );
    if (!result.written) throw conflict('The change is being approved, or was already decided.');
  }

  /** Gives up a claim whose run failed: the change is pending again, with its arguments, for anyone to approve. */
  async release(scope: TenantScope, approvalId: string, claimedBy: string): Promise<void> {
    await this.#gateway(scope).update(
      { pk: scope.key('APPROVAL'), sk: approvalId },
      {
        UpdateExpression: 'REMOVE claimedBy, claimedUntil',
        ConditionExpression: 'claimedBy = :by',
        ExpressionAttributeValues: { ':by': attr.s(claimedBy) },
      },
    );
  }

  /**
   * Marks a pending change decided, once: APPROVED by the approver whose claimed run has ended, REJECTED only while no
   * run has begun (CONFLICT otherwise). A run cut off before its decision (a claim that lapsed, never given up) may
   * have made the change: the register must not then say REJECTED of it, so only approving it again, which runs it
   * again (the governed changes bear that, decision 0077), finishes it. A run that failed gave its claim up. The
   * arguments go with the decision.
   */
  async decide(
    scope: TenantScope,
    approvalId: string,
    status: Exclude<ApprovalStatus, 'PENDING'>,
    decidedBy: string,
  ): Promise<PendingApproval> {
    const approving = status === 'APPROVED';
    const result = await this.#gateway(scope).update(
      { pk: scope.key('APPROVAL'), sk: approvalId },
      {
        // A decided change keeps who, what and when, not what was asked.
        UpdateExpression:
          'SET #status = :status, decidedBy = :by, decidedAt = :at REMOVE args, argsSealed, claimedBy, claimedUntil',
        ConditionExpression: approving
          ? '#status = :pending AND claimedBy = :by'
          : '#status = :pending AND attribute_not_exists(claimedBy)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': attr.s(status),
          ':pending': attr.s('PENDING'),
          ':by': attr.s(decidedBy),
          ':at': attr.s(this.clock.now().toISOString()),
        },
        ReturnValues: 'ALL_NEW',
      },
    );
    if (!result.written) {
      throw conflict(
        approving
          ? 'The change is being approved, or was already decided.'
          : 'The change was already decided, or its approval began: approve it again to finish it.',
      );
    }
    return toApproval(result.attributes ?? {});
  }
}

/** Where a change's sealed arguments live: the approval item, so they open nowhere else. */
function argsLocation(scope: TenantScope, approvalId: string) {
  return { itemKey: itemKeyOf(scope.key('APPROVAL'), approvalId), field: 'args' };
}

function toApproval(item: Item): PendingApproval {
  return {
    approvalId: requireS(item, 'approvalId'),
    operation: requireS(item, 'operation'),
    args: decodeArgs(read.s(item, 'args') ?? '{}'),
    subjectId: read.s(item, 'subjectId'),
    proposedBy: requireS(item, 'proposedBy'),
    proposedAt: requireS(item, 'proposedAt'),
    rule: requireS(item, 'rule'),
    status: requireS(item, 'status') as ApprovalStatus,
    decidedBy: read.s(item, 'decidedBy'),
    decidedAt: read.s(item, 'decidedAt'),
    confirmedByOperator: read.s(item, 'confirmedByOperator'),
  };
}

/** The approval's MAC (decision 0087): over who proposed what, under which rule, with which arguments. */
const APPROVAL_MAC = 'approvalMac';
/** The MAC over an operator's confirmation of the change as its second person (decision 0081). */
const CONFIRMATION_MAC = 'confirmationMac';

/** The digest of the arguments as stored (sealed or not); undefined once they were removed with the decision. */
function argsDigestOf(item: Item): string | undefined {
  const args = item.argsSealed?.B ? Buffer.from(item.argsSealed.B).toString('base64') : read.s(item, 'args');
  return args === undefined ? undefined : createHash('sha256').update(args).digest('base64url');
}

function approvalParts(scope: TenantScope, item: Item): string[] {
  return [
    'confide.approval.v1',
    scope.orgId,
    requireS(item, 'approvalId'),
    requireS(item, 'operation'),
    read.s(item, 'subjectId') ?? '',
    requireS(item, 'proposedBy'),
    requireS(item, 'proposedAt'),
    requireS(item, 'rule'),
    read.s(item, 'argsDigest') ?? '',
  ];
}

function confirmationParts(scope: TenantScope, approvalId: string, operatorId: string): string[] {
  return ['confide.approval-confirmation.v1', scope.orgId, approvalId, operatorId];
}

/** Throws {@link TamperedItemError} unless the approval, and any operator's confirmation of it, pass their MACs. */
function verifyApproval(scope: TenantScope, key: Buffer, item: Item): void {
  const approvalId = requireS(item, 'approvalId');
  const confirmedBy = read.s(item, 'confirmedByOperator');
  const digest = argsDigestOf(item);
  const genuine =
    verifyIntegrityMac(key, approvalParts(scope, item), read.s(item, APPROVAL_MAC)) &&
    (digest === undefined || digest === read.s(item, 'argsDigest')) &&
    (confirmedBy === undefined ||
      verifyIntegrityMac(
        key,
        confirmationParts(scope, approvalId, confirmedBy),
        read.s(item, CONFIRMATION_MAC),
      ));
  if (!genuine) {
    throw new TamperedItemError(
      read.s(item, 'subjectId') ?? '',
      'APPROVAL',
      `${requireS(item, 'pk')}|${approvalId}`,
    );
  }
}
