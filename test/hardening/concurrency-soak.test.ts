import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createConfideYoga, verifyAuditLog } from '@confide/api';
import { startLocalServer } from '@confide/service-api';
import { ItemLoader, type StoredAuditEvent, tenantScope } from '@confide/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Concurrency soak (issue 10, Hardening): 2,000 mixed requests from 20 concurrent HTTP clients across three
 * organisations, over real HTTP on loopback (the node:http server of `npm start`, rate limit on but set high), with
 * concurrent updates of the same records: amendments of the same notes and case closures and reopenings of the same
 * service user, each with `expectedVersion`; notes recorded with and without idempotency keys (keyed ones retried,
 * sometimes twice at once); caseloads, clients, client lists, notes and searches read meanwhile.
 *
 * Afterwards: no 5xx and no INTERNAL error; every write that answered success is in the table exactly once, every
 * successful update is in the record's version history exactly once and no two share a version, every refused
 * update answered CONFLICT; no response of one organisation carries another's ids or marker strings; every request
 * left audit events in its own organisation's audit and nowhere else; and every organisation's hash chains verify.
 *
 * `CONFIDE_SOAK_SEED` replays a run's choice of operations (the seed is printed); `CONFIDE_SOAK_REQUESTS` changes the
 * number of requests (default 2,000).
 */

const REQUESTS = Number(process.env.CONFIDE_SOAK_REQUESTS ?? 2_000);
const CONCURRENT_CLIENTS = 20;
const SEED = Number(process.env.CONFIDE_SOAK_SEED ?? Date.now() % 2 ** 31);
/** HTTP clients per organisation: two are the service's managers, the rest support workers. */
const CLIENTS_PER_ORG = [7, 7, 6] as const;
const SHARED_CLIENTS = 3;

// ── Operations ─────────────────────────────────────────────────────────────────────────────────────────────────

const CASELOAD = `query Caseload { caseload(first: 10) { edges { node {
  id name reference latestNote { id kind version } } } } }`;
const CLIENT = `query Client($id: ID!) { serviceUser(id: $id) {
  id name reference caseStatus version allocations { staffId kind }
  notes(first: 5) { edges { node { id version authorId ... on CareNote { body } } } } } }`;
const CLIENTS = `query Clients($s: ID!) { serviceUsers(serviceId: $s, first: 20) { edges { node {
  id name reference caseStatus } } } }`;
const NOTE = 'query Note($id: ID!) { caseNote(id: $id) { id version authorId ... on CareNote { body } } }';
const SEARCH = 'query Search($name: String!) { searchServiceUsers(name: $name) { id name } }';
const CASE_STATUS = 'query CaseStatus($id: ID!) { serviceUser(id: $id) { id caseStatus version } }';
const RECORD = 'mutation Record($input: RecordNoteInput!) { recordNote(input: $input) { id version } }';
const AMEND = `mutation Amend($input: AmendNoteInput!) { amendNote(input: $input) {
  id version ... on CareNote { body } } }`;
const CLOSE = 'mutation Close($input: CloseCaseInput!) { closeCase(input: $input) { id caseStatus } }';
const REOPEN = 'mutation Reopen($input: ReopenCaseInput!) { reopenCase(input: $input) { id caseStatus } }';

interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string };
}

interface Exchange {
  readonly requestId: string;
  readonly org: number;
  readonly client: number;
  readonly operation: string;
  readonly variables: Record<string, unknown>;
  readonly status: number;
  readonly text: string;
  readonly data: Record<string, unknown> | null | undefined;
  readonly errors: GraphqlError[] | undefined;
}

/** A small deterministic PRNG (mulberry32), so that a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const letters = (count: number) =>
  [...randomBytes(count)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');

// ── The three organisations ───────────────────────────────────────────────────────────────────────────────────

interface SoakOrganisation {
  readonly index: number;
  readonly org: TestOrganisation;
  /** A word found in this organisation's client names and note bodies only. */
  readonly marker: string;
  readonly serviceId: string;
  readonly managers: readonly Person[];
  readonly workers: readonly Person[];
  /** Allocated to every worker: where concurrent notes and amendments land. */
  readonly sharedClients: readonly string[];
  /** One note per shared client, by the first worker: amended concurrently by its author and the managers. */
  readonly hotNotes: readonly string[];
  /** Closed and reopened concurrently by both managers. */
  readonly toggledClient: string;
  /** Local ids of every staff member, client and service of the organisation (notes: by their client). */
  readonly ownIds: Set<string>;
}

async function soakOrganisation(api: ReturnType<typeof testApi>, index: number): Promise<SoakOrganisation> {
  const org = await onboardTestOrganisation(api);
  const marker = `Soakmark${letters(8)}`;
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const secondManager = await addStaff(api, org, ['SERVICE_MANAGER']);
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
      { token: senior.token, variables: { s: serviceId, m: secondManager.globalId } },
    ),
  );
  const workerCount = (CLIENTS_PER_ORG[index] ?? 6) - 2;
  const workers = await Promise.all(
    Array.from({ length: workerCount }, () => addStaff(api, org, ['SUPPORT_WORKER'])),
  );
  const details = (what: string) => ({ ...ADA, name: `${marker} ${what} ${ADA.name}`, nhsNumber: undefined });
  const sharedClients: string[] = [];
  for (let client = 0; client < SHARED_CLIENTS; client++) {
    sharedClients.push(await registerServiceUser(api, manager, serviceId, details(`Shared${client}`)));
  }
  const toggledClient = await registerServiceUser(api, manager, serviceId, details('Toggled'));
  const scope = tenantScope(org.orgId);
  await Promise.all(
    sharedClients.flatMap((client) =>
      workers.map((worker) =>
        api.services.serviceUsers.allocate(scope, localIdOf(client), {
          staffId: worker.staffId,
          kind: 'PRIMARY',
        }),
      ),
    ),
  );
  const author = workers[0] as Person;
  const hotNotes = await Promise.all(
    sharedClients.map((client) => recordNote(api, author, client, 'DAILY_SUPPORT', `${marker} hot note v1`)),
  );
  const ownIds = new Set([
    org.orgId,
    org.adminStaffId,
    ...[senior, manager, secondManager, ...workers].map((person) => person.staffId),
    localIdOf(serviceId),
    ...[...sharedClients, toggledClient].map(localIdOf),
  ]);
  return {
    index,
    org,
    marker,
    serviceId,
    managers: [manager, secondManager],
    workers,
    sharedClients,
    hotNotes,
    toggledClient,
    ownIds,
  };
}

// ── The soak ──────────────────────────────────────────────────────────────────────────────────────────────────

describe('concurrency soak over HTTP: 2,000 mixed requests, 20 clients, 3 organisations', () => {
  const api = testApi({ env: { CONFIDE_RATE_LIMIT_RPS: '100000', CONFIDE_RATE_LIMIT_BURST: '100000' } });
  const runId = randomBytes(4).toString('hex');
  let server: Server;
  let url = '';
  let orgs: SoakOrganisation[] = [];
  const exchanges: Exchange[] = [];
  let soakStarted = '';
  let soakEnded = '';
  let sequence = 0;

  /** One request over HTTP, tagged with a request id the audit events carry. */
  async function send(
    org: SoakOrganisation,
    client: number,
    token: string,
    operation: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<Exchange> {
    const requestId = `soak.${runId}.${sequence++}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${token}`,
        'x-request-id': requestId,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: { data?: Record<string, unknown> | null; errors?: GraphqlError[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // A non-JSON answer is recorded as it is and fails the assertions below.
    }
    const exchange: Exchange = {
      requestId,
      org: org.index,
      client,
      operation,
      variables,
      status: response.status,
      text,
      data: body.data,
      errors: body.errors,
    };
    exchanges.push(exchange);
    return exchange;
  }

  /** One HTTP client's session: a staff member's mix of reads and writes until its share of requests is sent. */
  async function session(org: SoakOrganisation, client: number, budget: number, random: () => number) {
    const isManager = client < 2;
    const person = (isManager ? org.managers[client] : org.workers[client - 2]) as Person;
    const isAuthor = person === org.workers[0];
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const others = orgs.filter((other) => other !== org);
    const keysUsed: { key: string; client: string; body: string }[] = [];
    const knownNotes = [...org.hotNotes];
    let sent = 0;
    const call = async (operation: string, query: string, variables: Record<string, unknown> = {}) => {
      sent++;
      return send(org, client, person.token, operation, query, variables);
    };

    const amendHotNote = async () => {
      const noteId = pick(org.hotNotes);
      const read = await call('readHotNote', NOTE, { id: noteId });
      const version = (read.data?.caseNote as { version?: number } | undefined)?.version;
      if (version === undefined || sent >= budget) return;
      const amend = () =>
        call('amendNote', AMEND, {
          input: { noteId, expectedVersion: version, body: `${org.marker} amended ${runId} ${sequence}` },
        });
      // Sometimes a double submit: the same amendment sent twice at once (two tabs, an impatient click).
      if (random() < 0.25 && budget - sent >= 2) await Promise.all([amend(), amend()]);
      else await amend();
    };

    const recordWithKey = async () => {
      const retry = keysUsed.length > 0 && random() < 0.5;
      const entry = retry
        ? pick(keysUsed)
        : {
            key: `visit-${runId}-${org.index}-${client}-${keysUsed.length}`,
            client: pick(org.sharedClients),
            body: `${org.marker} keyed note ${runId} ${org.index}.${client}.${keysUsed.length}`,
          };
      if (!retry) keysUsed.push(entry);
      const record = () =>
        call('recordNoteKeyed', RECORD, {
          input: {
            serviceUserId: entry.client,
            kind: 'DAILY_SUPPORT',
            body: entry.body,
            idempotencyKey: entry.key,
          },
        });
      if (random() < 0.3 && budget - sent >= 2) await Promise.all([record(), record()]);
      else await record();
    };

    const recordPlain = async () => {
      const result = await call('recordNote', RECORD, {
        input: {
          serviceUserId: pick(org.sharedClients),
          kind: 'DAILY_SUPPORT',
          body: `${org.marker} note ${runId} ${org.index}.${client}.${sent}`,
        },
      });
      const id = (result.data?.recordNote as { id?: string } | undefined)?.id;
      if (id) knownNotes.push(id);
    };

    const toggleCase = async () => {
      const read = await call('readCaseStatus', CASE_STATUS, { id: org.toggledClient });
      const current = read.data?.serviceUser as { caseStatus?: string; version?: number } | undefined;
      if (current?.version === undefined || sent >= budget) return;
      const input = { serviceUserId: org.toggledClient, expectedVersion: current.version };
      const update = () =>
        current.caseStatus === 'OPEN'
          ? call('closeCase', CLOSE, { input })
          : call('reopenCase', REOPEN, { input });
      if (random() < 0.25 && budget - sent >= 2) await Promise.all([update(), update()]);
      else await update();
    };

    const probeOtherOrganisation = async () => {
      const other = pick(others);
      if (random() < 0.5) await call('probeOtherClient', CASE_STATUS, { id: pick(other.sharedClients) });
      else await call('probeOtherNote', NOTE, { id: pick(other.hotNotes) });
    };

    const workerMix: [number, () => Promise<unknown>][] = [
      [15, () => call('caseload', CASELOAD)],
      [15, () => call('client', CLIENT, { id: pick(org.sharedClients) })],
      [10, () => call('note', NOTE, { id: pick(knownNotes) })],
      [6, () => call('search', SEARCH, { name: `${org.marker} ${pick(['Shared0', 'Shared1', 'Shared2'])}` })],
      [4, () => call('searchOther', SEARCH, { name: pick(others).marker })],
      [15, recordPlain],
      [15, recordWithKey],
      [isAuthor ? 15 : 0, amendHotNote],
      [5, probeOtherOrganisation],
    ];
    const managerMix: [number, () => Promise<unknown>][] = [
      [12, () => call('clients', CLIENTS, { s: org.serviceId })],
      [12, () => call('client', CLIENT, { id: pick(org.sharedClients) })],
      [10, () => call('note', NOTE, { id: pick(knownNotes) })],
      [22, toggleCase],
      [22, amendHotNote],
      [10, recordPlain],
      [7, probeOtherOrganisation],
    ];
    const mix = isManager ? managerMix : workerMix;
    const total = mix.reduce((sum, [weight]) => sum + weight, 0);
    while (sent < budget) {
      const roll = random() * total;
      let reached = 0;
      const action = mix.find(([weight]) => {
        reached += weight;
        return roll < reached;
      });
      await (action ?? mix[0])?.[1]();
    }
  }

  beforeAll(async () => {
    orgs = await Promise.all([0, 1, 2].map((index) => soakOrganisation(api, index)));
    server = await startLocalServer(createConfideYoga(api.services), 0);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

    const clients = orgs.flatMap((org) =>
      Array.from({ length: CLIENTS_PER_ORG[org.index] ?? 0 }, (_, client) => ({ org, client })),
    );
    expect(clients).toHaveLength(CONCURRENT_CLIENTS);
    const random = prng(SEED);
    soakStarted = new Date().toISOString();
    const started = performance.now();

    await Promise.all(
      clients.map(({ org, client }, index) => {
        const budget = Math.floor(REQUESTS / clients.length) + (index < REQUESTS % clients.length ? 1 : 0);
        return session(org, client, budget, prng(Math.floor(random() * 2 ** 31)));
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    soakEnded = new Date().toISOString();
    console.info(
      `concurrency soak (seed ${SEED}): ${exchanges.length} requests in ${seconds.toFixed(1)} s ` +
        `(${(exchanges.length / seconds).toFixed(0)}/s); by operation: ${JSON.stringify(countBy(exchanges, (e) => e.operation))}`,
    );
    // A ceiling for a hang, not a clock: the soak's time grows with the machine's load.
  }, 900_000);

  afterAll(async () => {
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sent 2,000 requests from 20 concurrent clients of 3 organisations, with contention on the same records', () => {
    // Through the per-organisation rate limit, set above what the soak sends
    expect(api.services.config.rateLimit).toEqual({ requestsPerSecond: 100_000, burst: 100_000 });
    expect(exchanges).toHaveLength(REQUESTS);
    expect(new Set(exchanges.map((e) => `${e.org}.${e.client}`)).size).toBe(CONCURRENT_CLIENTS);
    expect(new Set(exchanges.map((e) => e.org)).size).toBe(3);
    // The contention happened: updates of the same records were refused for a stale version.
    expect(exchanges.filter((e) => e.operation === 'amendNote' && conflicted(e)).length).toBeGreaterThan(0);
    expect(
      exchanges.filter((e) => ['closeCase', 'reopenCase'].includes(e.operation) && conflicted(e)).length,
    ).toBeGreaterThan(0);
  });

  it('answered no request with a 5xx, an INTERNAL error or a rate limit', () => {
    const failures = exchanges.filter(
      (e) =>
        e.status >= 500 ||
        e.status === 429 ||
        e.data === undefined ||
        (e.errors ?? []).some((error) => ['INTERNAL', 'RATE_LIMITED'].includes(error.extensions?.code ?? '')),
    );
    expect(failures.map((e) => `${e.operation} ${e.status} ${e.text.slice(0, 300)}`)).toEqual([]);
  });

  it('refused only what must be refused: stale updates with CONFLICT, other organisations’ records with NOT_FOUND', () => {
    const refused = exchanges.filter((e) => e.errors !== undefined);
    const unexpected = refused.filter((e) => {
      const codes = (e.errors ?? []).map((error) => error.extensions?.code);
      if (['amendNote', 'closeCase', 'reopenCase'].includes(e.operation)) return !isOnly(codes, 'CONFLICT');
      if (e.operation.startsWith('probeOther')) return !isOnly(codes, 'NOT_FOUND');
      return true;
    });
    expect(unexpected.map((e) => `${e.operation}: ${e.text.slice(0, 300)}`)).toEqual([]);
    for (const e of exchanges.filter((e) => e.operation.startsWith('probeOther'))) {
      expect(
        e.errors?.map((error) => error.extensions?.code),
        e.text,
      ).toEqual(['NOT_FOUND']);
    }
    for (const e of exchanges.filter((e) => e.operation === 'searchOther')) {
      expect(e.data).toEqual({ searchServiceUsers: [] });
    }
  });

  it('lost and duplicated no note: every success once, keyed retries one note, nothing else written', async () => {
    for (const org of orgs) {
      const scope = tenantScope(org.org.orgId);
      const stored = new Map<string, { body: string; clientId: string }>();
      for (const client of org.sharedClients) {
        const clientId = localIdOf(client);
        const key = await api.services.keys.subjectKey(org.org.orgId, clientId);
        if (!key) throw new Error('No subject key');
        for (const note of await api.services.caseNotes.list(scope, clientId, loaderOf(api))) {
          stored.set(`${clientId}.${note.noteId}`, {
            body: api.services.caseNotes.openBody(key, note),
            clientId,
          });
        }
      }
      const ofOrg = exchanges.filter((e) => e.org === org.index);
      const recorded = ofOrg.filter((e) => e.operation === 'recordNote' || e.operation === 'recordNoteKeyed');
      // Every recording answered success with the note's id
      for (const e of recorded) expect(e.errors, e.text).toBeUndefined();
      const idOf = (e: Exchange) => localIdOf(answer<{ id: string }>(e, 'recordNote').id);
      const bodyOf = (e: Exchange) => (e.variables.input as { body: string }).body;

      // Without a key: each its own note, present once with its text
      const plain = recorded.filter((e) => e.operation === 'recordNote');
      expect(new Set(plain.map(idOf)).size).toBe(plain.length);
      for (const e of plain) expect(stored.get(idOf(e))?.body).toBe(bodyOf(e));

      // With a key: every attempt of one key answered the same note, which is stored once
      const byKey = groupBy(
        recorded.filter((e) => e.operation === 'recordNoteKeyed'),
        (e) => (e.variables.input as { idempotencyKey: string }).idempotencyKey,
      );
      expect([...byKey.values()].some((attempts) => attempts.length > 1)).toBe(true);
      for (const attempts of byKey.values()) {
        expect(new Set(attempts.map(idOf)).size).toBe(1);
        expect(stored.get(idOf(attempts[0] as Exchange))?.body).toBe(bodyOf(attempts[0] as Exchange));
      }

      // Nothing else: the stored notes are exactly the hot notes and the notes answered
      const answered = new Set([
        ...plain.map(idOf),
        ...[...byKey.values()].map((a) => idOf(a[0] as Exchange)),
      ]);
      expect(stored.size).toBe(org.hotNotes.length + answered.size);
      for (const id of stored.keys()) {
        expect(answered.has(id) || org.hotNotes.map(localIdOf).includes(id), id).toBe(true);
      }
      // And no body was stored twice (a duplicate would be a second note with the same text)
      const bodies = [...stored.values()]
        .map((note) => note.body)
        .filter((body) => !body.endsWith('hot note v1'));
      expect(new Set(bodies).size).toBe(bodies.length);
    }
  });

  it('lost no amendment: each success is one version of the note’s history, each refusal a CONFLICT', async () => {
    for (const org of orgs) {
      const scope = tenantScope(org.org.orgId);
      for (const hotNote of org.hotNotes) {
        const [clientId, noteId] = localIdOf(hotNote).split('.') as [string, string];
        const key = await api.services.keys.subjectKey(org.org.orgId, clientId);
        if (!key) throw new Error('No subject key');
        const amendments = exchanges.filter(
          (e) => e.operation === 'amendNote' && (e.variables.input as { noteId: string }).noteId === hotNote,
        );
        const won = amendments.filter((e) => e.errors === undefined);
        for (const e of amendments.filter((e) => e.errors !== undefined))
          expect(conflicted(e), e.text).toBe(true);

        // Each success wrote the version after the one it read; no two wrote the same version
        const written = won.map((e) => answer<{ version: number }>(e, 'amendNote').version);
        for (const e of won) {
          expect(answer<{ version: number }>(e, 'amendNote').version).toBe(
            (e.variables.input as { expectedVersion: number }).expectedVersion + 1,
          );
        }
        expect(new Set(written).size).toBe(written.length);

        // The note and its history hold every successful text exactly once, in version order
        const note = await api.services.caseNotes.get(scope, clientId, noteId, loaderOf(api));
        if (!note) throw new Error('Hot note missing');
        const history = await api.services.caseNotes.history(scope, clientId, noteId, loaderOf(api));
        expect(note.version).toBe(1 + won.length);
        expect(history.map((version) => version.version)).toEqual(
          Array.from({ length: won.length }, (_, index) => index + 1),
        );
        const textAt = new Map<number, string>([[1, `${org.marker} hot note v1`]]);
        for (const e of won) {
          const input = e.variables.input as { expectedVersion: number; body: string };
          textAt.set(input.expectedVersion + 1, input.body);
        }
        expect(history.map((version) => api.services.caseNotes.openBody(key, version))).toEqual(
          history.map((version) => textAt.get(version.version)),
        );
        expect(api.services.caseNotes.openBody(key, note)).toBe(textAt.get(note.version));
      }
    }
  });

  it('lost no closure or reopening of the same service user: the version counts every success once', async () => {
    for (const org of orgs) {
      const updates = exchanges.filter(
        (e) => e.org === org.index && (e.operation === 'closeCase' || e.operation === 'reopenCase'),
      );
      const won = updates.filter((e) => e.errors === undefined);
      for (const e of updates.filter((e) => e.errors !== undefined)) expect(conflicted(e), e.text).toBe(true);
      const producedVersions = won.map(
        (e) => (e.variables.input as { expectedVersion: number }).expectedVersion + 1,
      );
      expect(new Set(producedVersions).size).toBe(producedVersions.length);

      const profile = await api.services.serviceUsers.get(
        tenantScope(org.org.orgId),
        localIdOf(org.toggledClient),
        loaderOf(api),
      );
      // Registered at version 1; each success added one
      expect(profile?.version).toBe(1 + won.length);
      expect(producedVersions.sort((a, b) => a - b)).toEqual(
        Array.from({ length: won.length }, (_, index) => index + 2),
      );
      // The last success decided the status
      const last = won.find(
        (e) => (e.variables.input as { expectedVersion: number }).expectedVersion + 1 === profile?.version,
      );
      expect(profile?.caseStatus).toBe(last?.operation === 'closeCase' ? 'CLOSED' : 'OPEN');
    }
  });

  it('left every item of the closed and reopened service user scheduled exactly when its case is closed', async () => {
    for (const org of orgs) {
      const scope = tenantScope(org.org.orgId);
      const clientId = localIdOf(org.toggledClient);
      const profile = await api.services.serviceUsers.get(scope, clientId, loaderOf(api));
      if (!profile) throw new Error('Toggled client missing');
      const key = await api.services.keys.subjectKey(org.org.orgId, clientId);
      const items = [
        ...(await api.services.retention.clientItems(scope, profile, key)).map((item) => ({
          table: api.services.config.tables.data,
          key: { pk: { S: item.pk }, sk: { S: item.sk } },
        })),
        api.services.keys.subjectKeyLocation(org.org.orgId, clientId),
      ];
      expect(items.length).toBeGreaterThan(2);
      const scheduled = await Promise.all(
        items.map(async ({ table, key: itemKey }) => {
          const { Item } = await api.services.dynamo.send(
            new GetItemCommand({ TableName: table, Key: itemKey, ConsistentRead: true }),
          );
          return `${itemKey.pk.S}|${itemKey.sk.S}: ${Item?.expiresAt === undefined ? 'kept' : 'expires'}`;
        }),
      );
      // An open case's items never expire; a closed case's all do (the profile, every other item, the data key)
      const expected = profile.caseStatus === 'CLOSED' ? 'expires' : 'kept';
      expect(scheduled.filter((entry) => !entry.endsWith(expected))).toEqual([]);
    }
  });

  it('leaked nothing across organisations: every id answered is the caller’s organisation’s, no other marker appears', () => {
    for (const e of exchanges) {
      const org = orgs[e.org] as SoakOrganisation;
      for (const other of orgs) {
        if (other !== org) expect(e.text.includes(other.marker), `${e.operation}: ${e.text}`).toBe(false);
      }
      for (const id of globalIdsIn(e.data)) {
        const owner = id.typename.endsWith('Note') ? (id.localId.split('.')[0] ?? '') : id.localId;
        expect(org.ownIds.has(owner), `${e.operation} answered ${id.typename}:${id.localId}`).toBe(true);
      }
    }
    // The check saw ids of every kind the responses carry
    const kinds = new Set(exchanges.flatMap((e) => globalIdsIn(e.data).map((id) => id.typename)));
    expect([...kinds].sort()).toEqual(['CareNote', 'ServiceUser', 'StaffMember']);
  });

  it('audited every request in its own organisation, and every organisation’s audit chains verify', async () => {
    const sentBy = groupBy(exchanges, (e) => e.org);
    for (const org of orgs) {
      const scope = tenantScope(org.org.orgId);
      const { events, truncated } = await api.services.auditLog.inPeriod(scope, {
        from: soakStarted,
        to: new Date(Date.parse(soakEnded) + 60_000).toISOString(),
        limit: 100_000,
      });
      expect(truncated).toBe(false);
      const ofSoak = events.filter((event) => event.correlationId?.startsWith(`soak.${runId}.`));
      const byRequest = groupBy(ofSoak, requestOf);
      const sent = sentBy.get(org.index) ?? [];
      const unaudited = sent.filter((e) => !byRequest.has(e.requestId));
      expect(unaudited.map((e) => `${e.requestId} ${e.operation}: ${e.text.slice(0, 200)}`)).toEqual([]);
      // Only this organisation's requests, each by the staff member who sent it
      const sentIds = new Map(sent.map((e) => [e.requestId, e]));
      expect([...byRequest.keys()].filter((id) => !sentIds.has(id))).toEqual([]);
      for (const [requestId, requestEvents] of byRequest) {
        const e = sentIds.get(requestId) as Exchange;
        expect(requestEvents.every((event: StoredAuditEvent) => event.orgId === org.org.orgId)).toBe(true);
        const person = e.client < 2 ? org.managers[e.client] : org.workers[e.client - 2];
        expect(new Set(requestEvents.map((event) => event.actor.id))).toEqual(new Set([person?.staffId]));
      }
      console.info(`organisation ${org.index}: ${sent.length} requests, ${ofSoak.length} audit events`);
      expect(ofSoak.length).toBeGreaterThanOrEqual(sent.length);

      const verification = await verifyAuditLog(api.services, scope);
      expect(verification).toMatchObject({ ok: true, problems: 0 });
      expect(verification.checked).toBeGreaterThanOrEqual(ofSoak.length);
    }
  });
});

// ── Audit of refusals the soak found unaudited (now fixed) ────────────────────────────────────────────────────

/** Requests the first soak runs found unaudited: each is now recorded, and these tests keep it so. */
describe('requests the soak once found unaudited', () => {
  const api = testApi();

  async function eventsOf(orgId: TestOrganisation['orgId'], requestId: string): Promise<StoredAuditEvent[]> {
    const now = Date.now();
    const { events } = await api.services.auditLog.inPeriod(tenantScope(orgId), {
      from: new Date(now - 60_000).toISOString(),
      to: new Date(now + 60_000).toISOString(),
    });
    return events.filter((event) => requestOf(event) === requestId);
  }

  it('records a search that finds no one the caller may see, with the kinds of criteria and not their values', async () => {
    // Prepare: a client of the organisation the worker has no relationship to
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    await registerServiceUser(api, manager, serviceId, { name: 'Hidden Searchtarget' });
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const requestId = `gap.search.${randomBytes(4).toString('hex')}`;

    // Act
    const result = await api.graphql(SEARCH, {
      token: worker.token,
      variables: { name: 'Searchtarget' },
      headers: { 'x-request-id': requestId },
    });

    // Assess
    expect(result.data).toEqual({ searchServiceUsers: [] });
    const events = await eventsOf(org.orgId, requestId);
    expect(events.map((event) => [event.action, event.operation, event.outcome, event.rule])).toEqual([
      ['READ', 'searchServiceUsers', 'NONE_FOUND', 'search.by.name'],
    ]);
    expect(JSON.stringify(events)).not.toContain('earchtarget');
    // and the same search by the service's manager, who finds the person, is audited too
    const foundId = `gap.found.${randomBytes(4).toString('hex')}`;
    const found = await api.graphql(SEARCH, {
      token: manager.token,
      variables: { name: 'Searchtarget' },
      headers: { 'x-request-id': foundId },
    });
    expect((found.data?.searchServiceUsers as unknown[] | undefined)?.length).toBe(1);
    expect((await eventsOf(org.orgId, foundId)).length).toBeGreaterThan(0);
  });

  it('records a closeCase refused because the case is already closed', async () => {
    // Prepare: a closed case
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const client = await registerServiceUser(api, manager, serviceId);
    expectNoErrors(
      await api.graphql(CLOSE, {
        token: manager.token,
        variables: { input: { serviceUserId: client, expectedVersion: 1 } },
      }),
    );
    const requestId = `gap.close.${randomBytes(4).toString('hex')}`;

    // Act: closing it again, with the current version
    const result = await api.graphql(CLOSE, {
      token: manager.token,
      variables: { input: { serviceUserId: client, expectedVersion: 2 } },
      headers: { 'x-request-id': requestId },
    });

    // Assess
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
    const events = await eventsOf(org.orgId, requestId);
    expect(events.map((event) => [event.operation, event.subjectId])).toEqual([
      ['closeCase', localIdOf(client)],
    ]);
    // as is a refusal for a stale version
    const staleId = `gap.stale.${randomBytes(4).toString('hex')}`;
    const stale = await api.graphql(REOPEN, {
      token: manager.token,
      variables: { input: { serviceUserId: client, expectedVersion: 1 } },
      headers: { 'x-request-id': staleId },
    });
    expect(stale.errors?.map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
    expect((await eventsOf(org.orgId, staleId)).length).toBeGreaterThan(0);
  });
});

// ── Helpers ───────────────────────────────────────────────────────────────────────────────────────────────────

function loaderOf(api: ReturnType<typeof testApi>): ItemLoader {
  return new ItemLoader(api.services.dynamo, api.services.keys);
}

/** The request an audit event belongs to: a request's second flush writes its events as `<request id>-1`. */
/** The request an event belongs to, by the caller's correlation id (the audit's request id is the platform's). */
const requestOf = (event: StoredAuditEvent) => event.correlationId ?? '';

/** A successful answer's field; throws when the request did not answer it. */
function answer<T>(e: Exchange, field: string): T {
  const value = e.data?.[field];
  if (value === undefined || value === null) throw new Error(`${e.operation} did not answer: ${e.text}`);
  return value as T;
}

const conflicted = (e: Exchange) =>
  e.data === null &&
  isOnly(
    (e.errors ?? []).map((error) => error.extensions?.code),
    'CONFLICT',
  );

function isOnly(codes: readonly (string | undefined)[], code: string): boolean {
  return codes.length > 0 && codes.every((each) => each === code);
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

/** Every Relay global id in a response (`base64("<Type>:<local id>")`), decoded. */
function globalIdsIn(value: unknown): { typename: string; localId: string }[] {
  if (typeof value === 'string') {
    if (!/^[A-Za-z0-9+/]{8,}={0,2}$/.test(value)) return [];
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const match = /^([A-Z][A-Za-z]+):(.+)$/.exec(decoded);
    if (!match || Buffer.from(decoded, 'utf8').toString('base64') !== value) return [];
    return [{ typename: match[1] as string, localId: match[2] as string }];
  }
  if (Array.isArray(value)) return value.flatMap(globalIdsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(globalIdsIn);
  return [];
}
