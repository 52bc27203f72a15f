import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The DynamoDB API operations that change a table. */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/**
 * An HTTP proxy in front of DynamoDB Local that passes reads and holds each write until the test lets it through,
 * so that a test can stop a child process between two writes of its choosing instead of racing it with a poll
 * (a process that wrote everything between two polls could not be interrupted midway).
 */
export interface DynamoDbWriteGate {
  /** The proxy's endpoint, to give a child process in place of DynamoDB Local's. */
  readonly endpoint: string;
  /** Lets the next write through (waiting for it to arrive); resolves once its answer has been sent back. */
  releaseOne(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDynamoDbWriteGate(target: string): Promise<DynamoDbWriteGate> {
  const upstream = new URL(target);
  /** Writes waiting to be let through: each function forwards one and resolves when its answer is sent back. */
  const held: (() => Promise<void>)[] = [];
  /** A test waiting for the next write to arrive. */
  const waiting: ((release: () => Promise<void>) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const answered = new Promise<void>((resolve) => res.once('close', () => resolve()));
      const forward = () => {
        const out = request(
          {
            hostname: upstream.hostname,
            port: upstream.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        out.once('error', () => res.destroy());
        out.end(Buffer.concat(chunks));
        return answered;
      };
      if (!WRITES.has(operation)) {
        void forward();
        return;
      }
      const next = waiting.shift();
      if (next) next(forward);
      else held.push(forward);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    releaseOne: async () => {
      const release =
        held.shift() ?? (await new Promise<() => Promise<void>>((resolve) => waiting.push(resolve)));
      await release();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
