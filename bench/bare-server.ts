import { createServer, type Server } from 'node:http';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { createSchema, createYoga } from 'graphql-yoga';

/**
 * The baseline of the throughput budget: a bare graphql-yoga schema serving the same DynamoDB items as Confide,
 * through the same access paths (GetItem for one client; the caseload index, then BatchGetItem for the profiles
 * and their latest notes; one TransactWriteItems for a note), but with no authentication, no need-to-know
 * checks, no decryption (sealed fields are returned as their stored ciphertext, base64) and no audit. The same
 * query texts run against both servers.
 */

type Item = Record<string, AttributeValue>;

export interface BareServerOptions {
  readonly dynamo: DynamoDBClient;
  readonly table: string;
  /** The organisation and staff member whose caseload `caseload` returns (the bare server checks nothing). */
  readonly orgId: string;
  readonly staffId: string;
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
  latest?: Item | undefined;
}

async function batchGet(dynamo: DynamoDBClient, table: string, keys: Item[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let request: Record<string, { Keys: Item[] }> | undefined = {
      [table]: { Keys: keys.slice(start, start + 100) },
    };
    while (request && Object.keys(request).length > 0) {
      const result = await dynamo.send(new BatchGetItemCommand({ RequestItems: request }));
      found.push(...(result.Responses?.[table] ?? []));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

export function createBareYoga(options: BareServerOptions) {
  const { dynamo, table, orgId, staffId } = options;
  const prefix = `ORG#${orgId}#`;
  const profileKey = (clientId: string): Item => ({
    pk: { S: `${prefix}CLIENT#${clientId}` },
    sk: { S: 'PROFILE' },
  });
  const note = (item: Item) => ({
    id: globalId(
      HEALTH_KINDS.has(item.kind?.S ?? '') ? 'HealthNote' : 'CareNote',
      `${item.clientId?.S}.${item.noteId?.S}`,
    ),
    kind: item.kind?.S,
    recordedAt: item.recordedAt?.S,
    authorId: item.authorId?.S,
    body: item.body?.S ?? sealed(item, 'body'),
    __typename: HEALTH_KINDS.has(item.kind?.S ?? '') ? 'HealthNote' : 'CareNote',
  });

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
        latestNote: async (profile: Profile) => {
          if (profile.latest) return note(profile.latest);
          const noteId = profile.item.latestNoteId?.S;
          if (!noteId) return null;
          const result = await dynamo.send(
            new GetItemCommand({
              TableName: table,
              Key: { pk: profile.item.pk as AttributeValue, sk: { S: `NOTE#${noteId}` } },
            }),
          );
          return result.Item ? note(result.Item) : null;
        },
      },
      Query: {
        serviceUser: async (_: unknown, args: { id: string }): Promise<Profile | null> => {
          const result = await dynamo.send(
            new GetItemCommand({ TableName: table, Key: profileKey(localId(args.id)) }),
          );
          return result.Item ? { item: result.Item } : null;
        },
        caseload: async (_: unknown, args: { first?: number | null }) => {
          const allocations = await dynamo.send(
            new QueryCommand({
              TableName: table,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': { S: `${prefix}STAFF#${staffId}#CASELOAD` } },
            }),
          );
          const ids = [...new Set((allocations.Items ?? []).map((item) => item.clientId?.S ?? ''))].slice(
            0,
            args.first ?? 50,
          );
          const profiles = await batchGet(dynamo, table, ids.map(profileKey));
          const noteKeys = profiles
            .filter((item) => item.latestNoteId?.S)
            .map((item) => ({ pk: item.pk as AttributeValue, sk: { S: `NOTE#${item.latestNoteId?.S}` } }));
          const notes = new Map(
            (await batchGet(dynamo, table, noteKeys)).map((item) => [`${item.pk?.S}|${item.sk?.S}`, item]),
          );
          const nodes: Profile[] = profiles
            .sort((a, b) => (a.createdAt?.S ?? '').localeCompare(b.createdAt?.S ?? ''))
            .map((item) => ({ item, latest: notes.get(`${item.pk?.S}|NOTE#${item.latestNoteId?.S}`) }));
          return { edges: nodes.map((node) => ({ cursor: node.item.clientId?.S ?? '', node })) };
        },
      },
      Mutation: {
        recordNote: async (
          _: unknown,
          args: { input: { serviceUserId: string; kind: string; body: string } },
        ) => {
          const clientId = localId(args.input.serviceUserId);
          const noteId = `note_${crypto.randomUUID().replaceAll('-', '')}`;
          const item: Item = {
            pk: { S: `${prefix}CLIENT#${clientId}` },
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
                    Key: profileKey(clientId),
                    UpdateExpression: 'SET latestNoteId = :note',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeValues: { ':note': { S: noteId } },
                  },
                },
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
  });
}

/** Serves the bare schema on loopback; port 0 picks a free one. */
export function startBareServer(options: BareServerOptions, port = 0): Promise<Server> {
  const server = createServer(createBareYoga(options));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
