import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { expect, onTestFinished } from 'vitest';
import { type LocalKms, type LocalKmsOptions, startLocalKms } from './index.js';

// Test support for the local KMS tests: servers, clients, clocks and data folders that clean up after
// the test that made them.

const DAY_MS = 24 * 60 * 60 * 1000;

/** A clock the test moves by hand. */
export interface TestClock {
  now: () => Date;
  advanceDays(days: number): void;
}

export function createTestClock(start = new Date('2030-01-01T09:00:00.000Z')): TestClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advanceDays: (days) => {
      current += days * DAY_MS;
    },
  };
}

/** A fresh data folder under the OS temp folder, removed when the test finishes. */
export async function createDataDir(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'confide-local-kms-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  return dataDir;
}

export interface TestKms {
  kms: LocalKms;
  client: KMSClient;
  /** Stops the client and server before the test ends (to restart on the same data folder, say). */
  stop(): Promise<void>;
}

/** Starts a local KMS on a free port and a client for it; both are stopped when the test finishes. */
export async function startTestKms(options: LocalKmsOptions = {}): Promise<TestKms> {
  const kms = await startLocalKms(options);
  const client = new KMSClient({
    endpoint: kms.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // A wrongly retried request would hide a failure or double a request count.
    maxAttempts: 1,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    client.destroy();
    await kms.stop();
  };
  onTestFinished(stop);
  return { kms, client, stop };
}

/** Asserts that `action` fails with the named KMS exception and returns the error for further checks. */
export async function expectKmsError(action: Promise<unknown>, name: string): Promise<Error> {
  const error: unknown = await action.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected ${name}, but the call succeeded`).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(name);
  return error as Error;
}
