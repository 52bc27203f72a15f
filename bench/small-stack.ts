import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { type ConfideConfig, type ConfideServices, configFromEnv, createServices } from '@confide/api';
import { LOCAL_CREDENTIALS, type LocalStack, startLocalStack } from '@confide/local';
import { attributeCalls, instrumentedDynamo } from './served-requests';
import { SMALL_CLIENTS, type SmallWorld, seedSmall } from './world';

/** What a part of the bench run alone works with: a fresh local stack, Confide's services on it, the small world. */
export interface SmallStack {
  readonly work: string;
  readonly stack: LocalStack;
  /** The stack's environment with rate limiting off and logs quiet, as the bench's processes get it. */
  readonly env: Record<string, string>;
  readonly config: ConfideConfig;
  readonly services: ConfideServices;
  readonly world: SmallWorld;
}

/**
 * Starts a local stack in a folder of its own, builds Confide's services on it (DynamoDB instrumented; KMS calls
 * attributed too with `countKms`), seeds the small world, runs `use`, then stops the stack and removes the folder.
 */
export async function withSmallStack<T>(
  use: (small: SmallStack) => Promise<T>,
  options: { countKms?: boolean; log?: (message: string) => void } = {},
): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), 'confide-bench-'));
  const dataDir = join(work, 'stack');
  mkdirSync(dataDir);
  options.log?.(`starting the local stack in ${work}`);
  const stack = await startLocalStack({ dataDir, persist: false, stage: 'bench' });
  try {
    const env = { ...stack.env(), CONFIDE_RATE_LIMIT: 'off', POWERTOOLS_LOG_LEVEL: 'ERROR' };
    Object.assign(process.env, env);
    const config = configFromEnv({ ...process.env, ...env });
    const kms = new KMSClient({
      region: stack.region,
      endpoint: stack.kmsEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    if (options.countKms) attributeCalls(kms.middlewareStack, 'KMS');
    const services = createServices(config, { dynamo: instrumentedDynamo(stack, { lean: true }), kms });
    options.log?.(`seeding 1 organisation with ${SMALL_CLIENTS} clients through the stores`);
    const world = await seedSmall(services, stack);
    return await use({ work, stack, env, config, services, world });
  } finally {
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
