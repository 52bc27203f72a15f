import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, ConfideError, ErrorCode, forbidden, systemClock } from '@confide/domain';
import { attr, type Item, read, requireN, requireS } from './attributes';
import type { PlatformAuditLog } from './platform-audit';

/**
 * A platform operator's stored status (decision 0026, issue 17 item 6): the token's `cognito:groups` claim is
 * necessary but not sufficient; only an ACTIVE record admits. Kept in the platform partition, outside any tenant,
 * and holding no personal data: the operator's id (the token's `sub`), who changed it, when.
 */
export type OperatorStatus = 'ACTIVE' | 'SUSPENDED';

export interface OperatorRecord {
  readonly operatorId: string;
  readonly status: OperatorStatus;
  readonly version: number;
  /** The operator (or deployment step) that last changed the status. */
  readonly changedBy: string;
  readonly changedAt: string;
}

const operatorKey = (operatorId: string) => ({
  pk: attr.s(`PLATFORM#OPERATOR#${operatorId}`),
  sk: attr.s('STATUS'),
});

function toRecord(item: Item): OperatorRecord {
  const status = requireS(item, 'status');
  return {
    operatorId: requireS(item, 'operatorId'),
    // Anything but a well-formed ACTIVE is treated as not active.
    status: status === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED',
    version: requireN(item, 'version'),
    changedBy: read.s(item, 'changedBy') ?? '',
    changedAt: read.s(item, 'changedAt') ?? '',
  };
}

export class OperatorRegistry {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly platformAudit: PlatformAuditLog,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The operator's stored record, read consistently (a suspension takes effect on the next request). */
  async status(operatorId: string): Promise<OperatorRecord | undefined> {
    const result = await this.dynamo.send(
      new GetItemCommand({ TableName: this.table, Key: operatorKey(operatorId), ConsistentRead: true }),
    );
    return result.Item ? toRecord(result.Item as Item) : undefined;
  }

  /** Whether the operator may act now: only a stored ACTIVE record admits. */
  async isActive(operatorId: string): Promise<boolean> {
    return (await this.status(operatorId))?.status === 'ACTIVE';
  }

  /**
   * Registers an operator ACTIVE if they have no record yet (a deployment step: the first operators, or the local
   * stack's seeded ones). Never reactivates a suspended operator: returns the record as stored.
   */
  async register(operatorId: string, by: string): Promise<OperatorRecord> {
    const record: OperatorRecord = {
      operatorId,
      status: 'ACTIVE',
      version: 1,
      changedBy: by,
      changedAt: this.clock.now().toISOString(),
    };
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.table,
          Item: this.#item(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return record;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = await this.status(operatorId);
      if (!stored) throw error;
      return stored;
    }
  }

  /**
   * Makes a suspended operator ACTIVE again, on the word of whoever may register operators (`by`: the provisioner's
   * direct invocation, decision 0113). Conditional on the version read: a change meanwhile is `CHANGED` and writes
   * nothing. `UNKNOWN` for an operator never registered, `ACTIVE` for one not suspended (nothing written either).
   */
  async reactivate(
    operatorId: string,
    by: string,
    beforeChange: () => Promise<void> = async () => {},
  ): Promise<'REACTIVATED' | 'ACTIVE' | 'UNKNOWN' | 'CHANGED'> {
    const stored = await this.status(operatorId);
    if (!stored) return 'UNKNOWN';
    if (stored.status === 'ACTIVE') return 'ACTIVE';
    // What must hold before they are admitted again (their pool user enabled, decision 0128); a fault writes nothing.
    await beforeChange();
    return (await this.#change(stored, 'ACTIVE', by)) ? 'REACTIVATED' : 'CHANGED';
  }

  /**
   * Suspends an operator on a second, ACTIVE operator's word. The platform audit event is written first (a failed
   * audit changes nothing); the write is conditional on the version read, so a concurrent change is CONFLICT.
   * `signInToEnd`: the caller ends the operator's sign-in in a user pool next (decision 0128), so an operator already
   * suspended is answered as stored, writing nothing, for that to be done again; without one it is CONFLICT.
   */
  async suspend(
    operatorId: string,
    by: string,
    requestId: string | undefined,
    options: { readonly signInToEnd?: boolean } = {},
  ): Promise<OperatorRecord> {
    const audit = (outcome: string, rule: string) =>
      this.platformAudit.record({
        actor: { kind: 'OPERATOR', id: by },
        operation: 'suspendOperator',
        organisationId: undefined,
        outcome,
        rule,
        requestId,
        subjectId: operatorId,
      });
    if (by === operatorId) {
      await audit('FORBIDDEN', 'platform.operator.suspend.self');
      throw forbidden('An operator is suspended by another operator.');
    }
    const [actor, target] = await Promise.all([this.status(by), this.status(operatorId)]);
    if (actor?.status !== 'ACTIVE') {
      await audit('FORBIDDEN', 'platform.operator.suspend.actorNotActive');
      throw forbidden();
    }
    if (!target) {
      await audit('NOT_FOUND', 'platform.operator.suspend.unknown');
      throw new ConfideError(ErrorCode.NOT_FOUND, 'No such operator.');
    }
    if (target.status === 'SUSPENDED' && options.signInToEnd) {
      await audit('ALLOWED', 'platform.operator.suspend.signInAgain');
      return target;
    }
    if (target.status === 'SUSPENDED') {
      await audit('CONFLICT', 'platform.operator.suspend.alreadySuspended');
      throw new ConfideError(ErrorCode.CONFLICT, 'The operator is already suspended.');
    }
    await audit('ALLOWED', 'platform.operator.suspend.secondOperator');
    let next: OperatorRecord | undefined;
    try {
      next = await this.#change(target, 'SUSPENDED', by);
    } catch (error) {
      await audit('FAILED', 'platform.operator.suspend.secondOperator');
      throw error;
    }
    if (!next) {
      await audit('FAILED', 'platform.operator.suspend.secondOperator');
      throw new ConfideError(ErrorCode.CONFLICT, 'The operator was changed meanwhile.');
    }
    await audit('COMPLETED', 'platform.operator.suspend.secondOperator');
    return next;
  }

  /**
   * Writes `status` over the record read, as changed by `by`, on condition that its version is still the one read: the
   * record written, or undefined when it changed meanwhile (nothing written).
   */
  async #change(
    current: OperatorRecord,
    status: OperatorStatus,
    by: string,
  ): Promise<OperatorRecord | undefined> {
    const next: OperatorRecord = {
      operatorId: current.operatorId,
      status,
      version: current.version + 1,
      changedBy: by,
      changedAt: this.clock.now().toISOString(),
    };
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.table,
          Item: this.#item(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': attr.n(current.version) },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    return next;
  }

  #item(record: OperatorRecord): Item {
    return {
      ...operatorKey(record.operatorId),
      operatorId: attr.s(record.operatorId),
      status: attr.s(record.status),
      version: attr.n(record.version),
      changedBy: attr.s(record.changedBy),
      changedAt: attr.s(record.changedAt),
    };
  }
}
