import { createServer, type Server } from 'node:http';
import type { ConfideYoga } from '@confide/api';

/** Serves the same yoga instance as the Lambda over plain HTTP, with GraphiQL at `/graphql`. */
export function startLocalServer(yoga: ConfideYoga, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer(yoga);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
