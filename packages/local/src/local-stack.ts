import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableNames } from '@confide/store';
import { seedOperators } from './demo/operators';
import { startDynamoDbLocal } from './dynamodb-local';
import { startLocalKms } from './kms';
import { ensureTables } from './tables';
import { startTokenIssuer } from './token-issuer';

/** Where a running local stack can be reached; written to `<dataDir>/stack.json` for the CLI. */
export interface LocalStackInfo {
  readonly stage: string;
  readonly region: string;
  readonly dataDir: string;
  readonly dynamodbEndpoint: string;
  readonly kmsEndpoint: string;
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
  readonly tables: { readonly data: string; readonly keys: string };
  /**
   * The secret the api signs provisioner assertions with and the provisioner verifies them with (in AWS a KMS
   * HMAC key only those two functions may use). New at every start: an assertion lives five minutes at most.
   */
  readonly provisionerAssertionKey?: string;
  /** The process that runs the stack: when it is gone, the stack is not running, whatever the marker says. */
  readonly pid?: number;
  /** When the stack started (ISO 8601). */
  readonly startedAt?: string;
}

export interface LocalStack extends LocalStackInfo {
  /** Environment variables that point the API (and the AWS SDK) at this stack. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Folder for the issuer key and (when `persist`) the KMS keys and DynamoDB's files. */
  readonly dataDir: string;
  /**
   * Keep DynamoDB data and the KMS keys on disk between runs (npm start); tests keep both in memory. A key file
   * would outlive every ciphertext it opens, and the local KMS rewrites the whole file at each key it creates, so in a
   * test run, where every test onboards organisations of its own, each key cost more than the one before.
   */
  readonly persist: boolean;
  /** Wipe the data folder first (`npm start -- --fresh`). */
  readonly fresh?: boolean;
  readonly stage?: string;
  /**
   * Whether the data table has its stream (default true: the local retention poller reads it). The test run's shared
   * stack has none (decision 0058): DynamoDB Local finds a stream's first record by walking every stream record
   * written before it, on each request to that stream's table, so a table created late in a long run (a retention
   * test's own tables, which keep their streams) paid for every record the shared table had streamed, on the engine's
   * one SQLite thread that every request waits for.
   */
  readonly dataStream?: boolean;
  /** Called as each part is ready: `DynamoDB Local`, `KMS`, `token issuer`, `tables`, with where it listens. */
  readonly onProgress?: (step: string, detail?: string) => void;
}

export const LOCAL_REGION = 'eu-west-2';

/**
 * Starts DynamoDB Local, the local KMS endpoint and the token issuer, creates the tables, and returns how to
 * reach them. Everything it starts is stopped by `stop()`, and also on exit or Ctrl-C.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { dataDir } = options;
  const stage = options.stage ?? 'local';
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  const progress =
    <T>(step: string, detail: (part: T) => string) =>
    (part: T) => {
      options.onProgress?.(step, detail(part));
      return part;
    };
  const [dynamodb, kms, issuer] = await Promise.all([
    startDynamoDbLocal(options.persist ? { dataDir: join(dataDir, 'dynamodb') } : {}).then(
      progress('DynamoDB Local', (part) => part.endpoint),
    ),
    startLocalKms(options.persist ? { dataDir, region: LOCAL_REGION } : { region: LOCAL_REGION }).then(
      progress('KMS', (part) => part.endpoint),
    ),
    startTokenIssuer({ dataDir }).then(progress('token issuer', (part) => part.issuer)),
  ]);
  const info: LocalStackInfo = {
    stage,
    region: LOCAL_REGION,
    dataDir,
    dynamodbEndpoint: dynamodb.endpoint,
    kmsEndpoint: kms.endpoint,
    issuer: issuer.issuer,
    jwksUrl: issuer.jwksUrl,
    audience: issuer.audience,
    tables: tableNames(stage),
    provisionerAssertionKey: randomBytes(32).toString('base64url'),
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  const env = () => localStackEnv(info);
  const stop = async () => {
    rmSync(join(dataDir, 'stack.json'), { force: true });
    await Promise.allSettled([dynamodb.stop(), kms.stop(), issuer.stop()]);
  };
  try {
    const client = new DynamoDBClient({
      region: LOCAL_REGION,
      endpoint: dynamodb.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    await ensureTables(client, info.tables, { dataStream: options.dataStream ?? true });
    await seedOperators(client, info.tables.data, stage);
    client.destroy();
    options.onProgress?.('tables', `${info.tables.data}, ${info.tables.keys}`);
    writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(info, null, 2));
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...info, env, stop };
}

/** The local engines accept any credentials; these keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function localStackEnv(info: LocalStackInfo): Record<string, string> {
  return {
    CONFIDE_STAGE: info.stage,
    // Node 20 is for local development only (the Lambda runs Node 22): the SDK's reminder is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REGION: info.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    CONFIDE_DATA_TABLE: info.tables.data,
    CONFIDE_KEY_TABLE: info.tables.keys,
    CONFIDE_DYNAMODB_ENDPOINT: info.dynamodbEndpoint,
    CONFIDE_KMS_ENDPOINT: info.kmsEndpoint,
    CONFIDE_JWT_ISSUER: info.issuer,
    CONFIDE_JWT_AUDIENCE: info.audience,
    CONFIDE_JWKS_URL: info.jwksUrl,
    ...(info.provisionerAssertionKey
      ? { CONFIDE_PROVISIONER_ASSERTION_KEY: info.provisionerAssertionKey }
      : {}),
  };
}
