import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDbLocal, startDynamoDbLocal } from '@confide/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 17 item 6b: DynamoDB Local (the local stack's whole database, unauthenticated) listens on loopback only.
 * The jar has no `-host` option and binds every interface; the local stack starts it through a small launcher that
 * binds its connector to 127.0.0.1. Checked from this machine's own non-loopback address.
 *
 * The same launcher indexes the engine's stream records by stream (decision 0071), so that a request to a table with a
 * stream no longer walks every record streamed before the table was made.
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

  it('indexes its stream records by stream: a stream’s first record is found by the index, not by a walk', async () => {
    const client = new DynamoDBClient({
      endpoint: engine.endpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // The engine makes its database at its first request; the launcher indexes it then.
    await client.send(new ListTablesCommand({}));
    client.destroy();

    const plan = await engine.streamRecordsIndex();

    expect(plan).toMatch(/^SEARCH (TABLE )?us USING COVERING INDEX confide_us_stream \(StreamID=\?\)/);
  });
});

/** A loopback port nothing listens on (the engine's own probe does the same). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('DynamoDB Local on a port another server took', () => {
  it('is not fooled by the other server’s answer: it starts on another port', async () => {
    // Prepare: an HTTP server that answers 404 on the port the first attempt probes, as the local KMS endpoint once
    // did when it was given the same ephemeral port in the moment before the JVM bound it.
    const decoy = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
    const taken = (decoy.address() as AddressInfo).port;
    const ports = [taken];

    // Act
    const engine = await startDynamoDbLocal({ probePort: async () => ports.shift() ?? unusedPort() });

    // Assess: the engine is on a port of its own, and answers as DynamoDB.
    try {
      expect(engine.port).not.toBe(taken);
      const client = new DynamoDBClient({
        endpoint: engine.endpoint,
        region: 'eu-west-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await expect(client.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
      client.destroy();
    } finally {
      await engine.stop();
      await new Promise((resolve) => decoy.close(resolve));
    }
  });
});
