import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_CREDENTIALS } from '@confide/local';
import { startLocalServer } from '@confide/service-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, RUN_HEADER, warmupRun } from '../../bench/load-generator';
import { AttributedLeanClient, ServedRequests } from '../../bench/served-requests';
import type { Person } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { seedClients, serviceWorld } from '../support/records-fixtures';
import { localStack, testApi } from '../support/test-api';

/**
 * The benchmark counts exactly (issue 18, "phantom requests"): a run is charged with the requests it sent and
 * nothing else — not the warm-up's, not those a client gave up on — and the per-request SDK calls of a run are
 * those of a single request.
 */

const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
const listening = (server: Server) =>
  new Promise<Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
const closed = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('a load run against a server that counts what it handles', () => {
  let handledByServer = 0;
  let server: Server;
  let served: ServedRequests;

  beforeAll(async () => {
    // Answers after a varying delay, so that requests overlap on the 8 connections and end out of order.
    server = createServer((req, res) => {
      req.resume();
      req.once('end', () => {
        setTimeout(() => {
          handledByServer++;
          res.setHeader('content-type', 'application/json');
          res.end('{"data":{"ok":true}}');
        }, handledByServer % 5);
      });
    });
    served = new ServedRequests().attach(server);
    await listening(server);
  });
  afterAll(() => closed(server));

  it('charges the run with exactly the requests it sent, warm-up apart', async () => {
    const result = await load({
      url: url(server),
      headers: {},
      bodies: ['{"query":"{ ok }"}'],
      connections: 8,
      warmupRequests: 37,
      requests: 211,
      run: 'exact',
    });
    await served.drained();

    expect(result.requests).toBe(211);
    expect(result.latenciesMs).toHaveLength(211);
    expect(result.warmupRequests).toBe(37);
    expect(handledByServer).toBe(37 + 211);
    expect(served.tally('exact')).toMatchObject({ served: 211, cutOff: 0, graphqlErrors: 0 });
    expect(served.tally(warmupRun('exact'))).toMatchObject({ served: 37, cutOff: 0 });
  });

  it('does not charge a request whose client went away before the answer', async () => {
    const before = handledByServer;
    // The client gives up once the server has the request (not after a fixed delay: on a busy machine the request
    // had not reached the server 20 ms after it was written, and nothing was there to cut off).
    const received = new Promise<void>((resolve) => server.once('request', () => resolve()));
    await new Promise<void>((resolve) => {
      const req = request(url(server), { method: 'POST', headers: { [RUN_HEADER]: 'abandoned' } });
      req.once('error', () => resolve());
      req.write('{"query":"{ ok }"}');
      // The body never ends: the server is still waiting for it when the client gives up.
      void received.then(() => {
        req.destroy();
        resolve();
      });
    });
    await served.drained();

    expect(served.tally('abandoned')).toMatchObject({ served: 0, cutOff: 1 });
    expect(handledByServer).toBe(before);
  });
});

describe('per-request SDK calls of a one-request-at-a-time run', () => {
  const stack = localStack();
  // Confide's client in the bench: the lean one, charged at send (decision 0069).
  const dynamo = new AttributedLeanClient({
    region: stack.region,
    endpoint: stack.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  // The runs are compared call for call, so no key-cache window may pass between them: at load 26 one did, and the
  // run read the branch key and its version again (2 GetItems no single request made). A day is longer than any run.
  const api = testApi({ dynamo, env: { CONFIDE_KEY_CACHE_TTL_MS: String(24 * 60 * 60 * 1000) } });
  let server: Server;
  let served: ServedRequests;
  let worker: Person;
  let clientId: string;
  const bodies: Record<string, string> = {};

  beforeAll(async () => {
    const world = await serviceWorld(api);
    worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const clients = await seedClients(api, world.org.orgId, world.serviceId, 5, {
      allocateTo: worker.staffId,
      notes: [{ kind: 'DAILY_SUPPORT', body: (i) => `Evening visit ${i}`, authorId: worker.staffId }],
    });
    clientId = clients[0]?.globalId ?? '';
    bodies.clientRead = JSON.stringify({
      query: 'query ($id: ID!) { serviceUser(id: $id) { id name phone } }',
      variables: { id: clientId },
    });
    bodies.caseload = JSON.stringify({
      query: '{ caseload(first: 5) { edges { node { id name latestNote { id kind } } } } }',
    });
    bodies.noteWrite = JSON.stringify({
      query: 'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }',
      variables: {
        input: { serviceUserId: clientId, kind: 'DAILY_SUPPORT', body: 'Morning visit, all well' },
      },
    });
    server = await startLocalServer(api.yoga, 0);
    served = new ServedRequests().attach(server);
    // Warm the process's caches (JWKS, branch key, this worker's subject keys) as a load warm-up would.
    for (const body of Object.values(bodies)) await single(body);
  });
  afterAll(() => closed(server));

  async function single(body: string): Promise<{ dynamo: number; byOperation: Record<string, number> }> {
    await served.drained();
    api.services.counters.reset();
    const response = await fetch(url(server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${worker.token}` },
      body,
    });
    const text = await response.text();
    await served.drained();
    expect(text).not.toContain('"errors"');
    const byOperation = Object.fromEntries(
      Object.entries(api.services.counters.snapshot()).filter(([key]) => key.startsWith('DynamoDB.')),
    );
    return { dynamo: api.services.counters.total('DynamoDB'), byOperation };
  }

  it.each(['clientRead', 'caseload', 'noteWrite'])(
    '%s: a run of 20 costs 20 times one request',
    async (name) => {
      const body = bodies[name] ?? '';
      const one = await single(body);

      const job = {
        url: url(server),
        headers: { authorization: `Bearer ${worker.token}` },
        bodies: [body],
        connections: 1,
        warmupRequests: 3,
        requests: 20,
        run: `one-at-a-time-${name}`,
      };
      const result = await load(job);
      await served.drained();
      const tally = served.tally(`one-at-a-time-${name}`);

      expect(result.requests).toBe(20);
      expect(tally).toMatchObject({ served: 20, cutOff: 0, graphqlErrors: 0 });
      expect(Object.fromEntries(tally.calls)).toEqual(
        Object.fromEntries(Object.entries(one.byOperation).map(([key, count]) => [key, count * 20])),
      );
      expect(ServedRequests.total(tally, 'DynamoDB')).toBe(one.dynamo * 20);
      // Audit write calls, counted by the same attribution for a run of one request.
      const alone = await load({ ...job, warmupRequests: 0, requests: 1, run: `alone-${name}` });
      await served.drained();
      expect(alone.requests).toBe(1);
      expect(tally.auditWrites).toBe(20 * served.tally(`alone-${name}`).auditWrites);
    },
  );
});
