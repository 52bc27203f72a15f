import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { encodeSubject, tenantScope } from '@confide/store';
import { createSchema, createYoga } from 'graphql-yoga';
import * as runtimeFetchAPI from '../packages/api/src/runtime-fetch';

/**
 * The baseline of the CPU and latency figures (issue 18): a bare graphql-yoga schema that does the I/O Confide
 * must do for the same query — the authentication read of the caller's organisation, identity and staff items,
 * the subject keys of the clients it returns, the records themselves, and one audit write — but none of
 * Confide's checks: no JWT verification, no integrity check of the items, no need-to-know rules, no key
 * unwrapping or decryption (sealed fields are returned as their stored ciphertext, base64), no audit chain.
 *
 * Its I/O is arranged in as few sequential round trips as those items allow: a client read is one BatchGetItem
 * (login items, profile, subject key) then the audit PutItem; a caseload is the login items beside the caseload
 * Query, then the profiles with their subject keys, then the latest notes beside the audit PutItem; a note write
 * reads the login items with the subject key, then writes the note, the profile's latest-note pointer and the
 * audit event in one transaction. The audit event is one item per request (the subjects it touched listed in
 * it) under a partition of its own (`…#AUDIT#SAME-IO`), apart from Confide's audit chain.
 */

type Item = Record<string, AttributeValue>;
type Key = { pk: { S: string }; sk: { S: string } };

export interface SameIoOptions {
  readonly dynamo: DynamoDBClient;
  readonly table: string;
  /** The caller the login read is for (the baseline trusts it: no token is verified). */
  readonly orgId: string;
  readonly staffId: string;
  readonly externalSubject: string;
  /** Where a subject's wrapped key lives (KeyHierarchy.subjectKeyLocation). */
  readonly subjectKeyLocation: (subjectId: string) => { table: string; key: Key };
}

const typeDefs = /* GraphQL */ `
  enum NoteKind { DAILY_SUPPORT SUPPORT_PLAN ASSESSMENT HANDOVER MEETING CORRESPONDENCE MEDICAL FINANCE SAFEGUARDING_CONCERN }
  interface CaseNote { id: ID! kind: NoteKind! recordedAt: String! authorId: ID! }
  type CareNote implements CaseNote { id: ID! kind: NoteKind! recordedAt: String! authorId: ID! body: String }
  type HealthNote implements CaseNote { id: ID! kind: NoteKind! recordedAt: String! authorId: ID! body: String }
  type ServiceUser {
    id: ID!
    reference: String
    name: String
    dateOfBirth: String
    postcode: String
    phone: String
    caseStatus: String
    latestNote: CaseNote
  }
  type ServiceUserEdge { cursor: String! node: ServiceUser! }
  type ServiceUserConnection { edges: [ServiceUserEdge!]! }
  type Query {
    serviceUser(id: ID!): ServiceUser
    caseload(first: Int): ServiceUserConnection!
  }
  input RecordNoteInput { serviceUserId: ID! kind: NoteKind! body: String! }
  type Mutation { recordNote(input: RecordNoteInput!): CaseNote! }
`;

const HEALTH_KINDS = new Set(['MEDICAL']);
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const localId = (global: string) => {
  const decoded = Buffer.from(global, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
};
const sealed = (item: Item, field: string) => {
  const value = item[`enc_${field}`]?.B;
  return value ? Buffer.from(value).toString('base64') : null;
};

interface Profile {
  readonly item: Item;
  readonly latest?: Item | undefined;
}

/** One BatchGetItem per 100 keys across tables, unprocessed keys retried; returns every item found. */
async function batchGet(
  dynamo: DynamoDBClient,
  keys: readonly { table: string; key: Key }[],
): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let request: Record<string, { Keys: Item[] }> = {};
    for (const { table, key } of keys.slice(start, start + 100)) {
      request[table] ??= { Keys: [] };
      request[table].Keys.push(key);
    }
    while (Object.keys(request).length > 0) {
      const result = await dynamo.send(new BatchGetItemCommand({ RequestItems: request }));
      for (const items of Object.values(result.Responses ?? {})) found.push(...items);
      request = (result.UnprocessedKeys ?? {}) as typeof request;
    }
  }
  return found;
}

export function createSameIoYoga(options: SameIoOptions) {
  const { dynamo, table, orgId, staffId } = options;
  const scope = tenantScope(orgId as Parameters<typeof tenantScope>[0]);
  const at = (pk: string, sk: string) => ({ table, key: { pk: { S: pk }, sk: { S: sk } } });
  const loginKeys = [
    at(scope.key('ORG'), 'PROFILE'),
    at(scope.key('IDENTITY', encodeSubject(options.externalSubject)), 'IDENTITY'),
    at(scope.key('STAFF', staffId), 'PROFILE'),
  ];
  const profileAt = (clientId: string) => at(scope.key('CLIENT', clientId), 'PROFILE');
  const requireLogin = (items: readonly Item[]) => {
    // No check of what the items say: only that the reads happened and found them.
    const found = loginKeys.filter(({ key }) =>
      items.some((item) => item.pk?.S === key.pk.S && item.sk?.S === key.sk.S),
    );
    if (found.length !== loginKeys.length) throw new Error('Login items missing.');
  };
  const auditEvent = (action: string, subjects: readonly string[]): Item => ({
    pk: { S: scope.key('AUDIT', 'SAME-IO') },
    sk: { S: `EVENT#${new Date().toISOString()}#${randomUUID()}` },
    action: { S: action },
    actor: { S: staffId },
    subjects: { L: subjects.map((subject) => ({ S: subject })) },
    requestId: { S: randomUUID() },
    at: { S: new Date().toISOString() },
  });
  const note = (item: Item) => {
    const typename = HEALTH_KINDS.has(item.kind?.S ?? '') ? 'HealthNote' : 'CareNote';
    return {
      id: globalId(typename, `${item.clientId?.S}.${item.noteId?.S}`),
      kind: item.kind?.S,
      recordedAt: item.recordedAt?.S,
      authorId: item.authorId?.S,
      body: item.body?.S ?? sealed(item, 'body'),
      __typename: typename,
    };
  };

  const schema = createSchema({
    typeDefs,
    resolvers: {
      CaseNote: { __resolveType: (value: { __typename: string }) => value.__typename },
      ServiceUser: {
        id: (profile: Profile) => globalId('ServiceUser', profile.item.clientId?.S ?? ''),
        reference: (profile: Profile) => profile.item.reference?.S ?? null,
        name: (profile: Profile) => sealed(profile.item, 'name'),
        dateOfBirth: (profile: Profile) => sealed(profile.item, 'dateOfBirth'),
        postcode: (profile: Profile) => sealed(profile.item, 'postcode'),
        phone: (profile: Profile) => sealed(profile.item, 'phone'),
        caseStatus: (profile: Profile) => profile.item.caseStatus?.S ?? null,
        latestNote: (profile: Profile) => (profile.latest ? note(profile.latest) : null),
      },
      Query: {
        serviceUser: async (_: unknown, args: { id: string }): Promise<Profile | null> => {
          const clientId = localId(args.id);
          const profileKey = profileAt(clientId);
          const items = await batchGet(dynamo, [
            ...loginKeys,
            profileKey,
            options.subjectKeyLocation(clientId),
          ]);
          requireLogin(items);
          const item = items.find((found) => found.pk?.S === profileKey.key.pk.S);
          await dynamo.send(
            new PutItemCommand({ TableName: table, Item: auditEvent('READ_CLIENT', [clientId]) }),
          );
          return item ? { item } : null;
        },
        caseload: async (_: unknown, args: { first?: number | null }) => {
          const [login, allocations] = await Promise.all([
            batchGet(dynamo, loginKeys),
            dynamo.send(
              new QueryCommand({
                TableName: table,
                IndexName: 'gsi1',
                KeyConditionExpression: 'gsi1pk = :pk',
                ExpressionAttributeValues: { ':pk': { S: scope.key('STAFF', staffId, 'CASELOAD') } },
              }),
            ),
          ]);
          requireLogin(login);
          const ids = [...new Set((allocations.Items ?? []).map((item) => item.clientId?.S ?? ''))].slice(
            0,
            args.first ?? 50,
          );
          const read = await batchGet(dynamo, [
            ...ids.map(profileAt),
            ...ids.map((id) => options.subjectKeyLocation(id)),
          ]);
          const profiles = read.filter((item) => item.sk?.S === 'PROFILE' && item.clientId?.S);
          const noteKeys = profiles
            .filter((item) => item.latestNoteId?.S)
            .map((item) => at(item.pk?.S ?? '', `NOTE#${item.latestNoteId?.S}`));
          const [notes] = await Promise.all([
            batchGet(dynamo, noteKeys),
            dynamo.send(new PutItemCommand({ TableName: table, Item: auditEvent('READ_CASELOAD', ids) })),
          ]);
          const byKey = new Map(notes.map((item) => [`${item.pk?.S}|${item.sk?.S}`, item]));
          const nodes: Profile[] = profiles
            .sort((a, b) => (a.createdAt?.S ?? '').localeCompare(b.createdAt?.S ?? ''))
            .map((item) => ({ item, latest: byKey.get(`${item.pk?.S}|NOTE#${item.latestNoteId?.S}`) }));
          return { edges: nodes.map((node) => ({ cursor: node.item.clientId?.S ?? '', node })) };
        },
      },
      Mutation: {
        recordNote: async (
          _: unknown,
          args: { input: { serviceUserId: string; kind: string; body: string } },
        ) => {
          const clientId = localId(args.input.serviceUserId);
          requireLogin(await batchGet(dynamo, [...loginKeys, options.subjectKeyLocation(clientId)]));
          const noteId = `note_${randomUUID().replaceAll('-', '')}`;
          const item: Item = {
            pk: { S: scope.key('CLIENT', clientId) },
            sk: { S: `NOTE#${noteId}` },
            noteId: { S: noteId },
            clientId: { S: clientId },
            kind: { S: args.input.kind },
            authorId: { S: staffId },
            recordedAt: { S: new Date().toISOString() },
            version: { N: '1' },
            body: { S: args.input.body },
          };
          await dynamo.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
                {
                  Update: {
                    TableName: table,
                    Key: profileAt(clientId).key,
                    UpdateExpression: 'SET latestNoteId = :note',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeValues: { ':note': { S: noteId } },
                  },
                },
                { Put: { TableName: table, Item: auditEvent('RECORD_NOTE', [clientId]) } },
              ],
            }),
          );
          return note(item);
        },
      },
    },
  });
  return createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    logging: false,
    // The fetch classes Confide's yoga runs on (decision 0110): the ratio is Confide's own work, not theirs.
    fetchAPI: runtimeFetchAPI,
  });
}

/** Serves the baseline on loopback; port 0 picks a free one. */
export function startSameIoServer(options: SameIoOptions, port = 0): Promise<Server> {
  const server = createServer(createSameIoYoga(options));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
