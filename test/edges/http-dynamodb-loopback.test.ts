import { networkInterfaces } from 'node:os';
import { type DynamoDbLocal, startDynamoDbLocal } from '@confide/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 17 item 6b: DynamoDB Local (the local stack's whole database, unauthenticated) listens on loopback only.
 * The jar has no `-host` option and binds every interface; the local stack starts it through a small launcher that
 * binds its connector to 127.0.0.1. Checked from this machine's own non-loopback address.
 */

const outside = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && !address.internal && address.family === 'IPv4')?.address;

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

describe('DynamoDB Local', () => {
  let engine: DynamoDbLocal;

  beforeAll(async () => {
    engine = await startDynamoDbLocal();
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('answers on 127.0.0.1', async () => {
    expect(engine.endpoint).toBe(`http://127.0.0.1:${engine.port}`);
    expect(await answers(engine.endpoint)).toBe(true);
  });

  it.runIf(outside !== undefined)('does not answer on the machine’s network address', async () => {
    expect(await answers(`http://${outside}:${engine.port}`)).toBe(false);
  });
});
