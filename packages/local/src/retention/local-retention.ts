import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Clock, OrgId } from '@confide/domain';
import type { KeyHierarchy, OrganisationKeys } from '@confide/keys';
import { processRetentionRecords, type RetentionStreamRecord } from '@confide/store';
import { LOCAL_CREDENTIALS, type LocalStackInfo } from '../local-stack';
import { LocalStreamPoller } from './stream-poller';
import { sweepExpired } from './sweeper';

export interface LocalRetentionOptions {
  readonly stack: Pick<LocalStackInfo, 'region' | 'dynamodbEndpoint' | 'tables'>;
  /** The API's clients and clock (a test's controllable clock decides what has expired). */
  readonly services: {
    readonly dynamo: DynamoDBClient;
    readonly keys: KeyHierarchy;
    /** Where each organisation's key is in its life: an offboarded organisation's expiries pass (decision 0131). */
    readonly organisationKeys: Pick<OrganisationKeys, 'lifecycle'>;
    readonly clock: Clock;
  };
  /** Only this organisation's items are swept and its stream records handled (tests share one table). */
  readonly orgId?: OrgId | undefined;
  readonly log?: (message: string, detail: Record<string, unknown>) => void;
}

export interface LocalRetentionRun {
  readonly swept: number;
  readonly handled: number;
  readonly failed: number;
}

/**
 * The local stand-in for TTL plus the retention Lambda: `sweep` deletes what has expired, `drainStream` feeds
 * the data table's stream to the same handler core the Lambda runs, `runOnce` does both.
 */
export class LocalRetention {
  readonly #options: LocalRetentionOptions;
  readonly #streams: DynamoDBStreamsClient;
  readonly #poller: LocalStreamPoller;

  constructor(options: LocalRetentionOptions) {
    this.#options = options;
    this.#streams = new DynamoDBStreamsClient({
      region: options.stack.region,
      endpoint: options.stack.dynamodbEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    const prefix = options.orgId ? `ORG#${options.orgId}#` : undefined;
    const { dynamo, keys, clock, organisationKeys } = options.services;
    this.#poller = new LocalStreamPoller({
      streams: this.#streams,
      dynamo,
      table: options.stack.tables.data,
      accept: prefix
        ? (record: RetentionStreamRecord) => partitionOf(record)?.startsWith(prefix) === true
        : undefined,
      process: (records) =>
        processRetentionRecords(records, {
          dynamo,
          dataTable: options.stack.tables.data,
          keys,
          organisationKeys,
          clock,
          ...(options.log ? { log: options.log } : {}),
        }),
      ...(options.log ? { log: options.log } : {}),
    });
  }

  sweep(): Promise<{ deleted: number }> {
    const { dynamo, clock } = this.#options.services;
    return sweepExpired({
      dynamo,
      clock,
      tables: [this.#options.stack.tables.data, this.#options.stack.tables.keys],
      orgId: this.#options.orgId,
    });
  }

  drainStream(): Promise<{ handled: number; failed: number; abandoned: number }> {
    return this.#poller.pollOnce();
  }

  async runOnce(): Promise<LocalRetentionRun> {
    const { deleted } = await this.sweep();
    const { handled, failed } = await this.drainStream();
    return { swept: deleted, handled, failed };
  }

  /** Sweeps and drains every `intervalMs` until stopped; failures are logged and retried on the next tick. */
  start(intervalMs: number): { stop(): Promise<void> } {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    let stopped = false;
    const tick = () => {
      running = this.runOnce().then(
        (run) => {
          if (run.swept > 0 || run.handled > 0) this.#options.log?.('retention.local-run', { ...run });
        },
        (error: unknown) =>
          this.#options.log?.('retention.local-run-failed', {
            message: error instanceof Error ? error.message : String(error),
          }),
      );
      void running.then(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
    };
    timer = setTimeout(tick, 0);
    return {
      stop: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await running;
        this.close();
      },
    };
  }

  close(): void {
    this.#streams.destroy();
  }
}

function partitionOf(record: RetentionStreamRecord): string | undefined {
  return record.dynamodb?.Keys?.pk?.S ?? record.dynamodb?.OldImage?.pk?.S;
}
