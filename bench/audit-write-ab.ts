import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import { spread } from './stats';

/**
 * The audit write path alone, of two (or more) trees in one process, alternating (issue 18): a caseload-shaped
 * request (50 entries written ahead, then its flush: the chained list event and its head), a client read's one
 * event, or a note write's event with its change, through the real AuditLog and the real DynamoDB client, whose
 * HTTP handler answers at once (the SDK's serialising and signing stay in). A finer A/B than the whole request's.
 *
 * `npx tsx bench/audit-write-ab.ts <caseload|clientRead|noteWrite|plainPut> <repeats> <tree>...` (`plainPut`: the
 * baseline's audit write, one PutItem through the same client: what the SDK call alone costs).
 */

const [shape = 'caseload', repeatsText = '7', ...trees] = process.argv.slice(2);
const repeats = Number(repeatsText);
if (trees.length === 0) trees.push('.');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const answer = (request: HttpRequest): { response: HttpResponse } => {
  const target = String(request.headers['x-amz-target'] ?? '');
  const body = target.endsWith('BatchWriteItem') ? '{"UnprocessedItems":{}}' : '{}';
  return {
    response: {
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(body.length) },
      body: Readable.from([Buffer.from(body)]),
    },
  };
};

const orgId = 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const beacon = new Uint8Array(32).fill(7);
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const subjects = Array.from(
  { length: 50 },
  (_, n) => `su_${'c'.repeat(24)}${BASE32[n >> 5]}${BASE32[n & 31]}`,
);
const actor = { kind: 'STAFF', id: 'st_dddddddddddddddddddddddddd', roles: ['SUPPORT_WORKER'] };

interface Tree {
  readonly label: string;
  readonly run: (n: number) => Promise<void>;
}

const built: Tree[] = [];
for (const [index, tree] of trees.entries()) {
  const store = await import(`${resolve(tree)}/packages/store/src/audit-log.ts`);
  const dynamo = new DynamoDBClient({
    region: 'eu-west-2',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: { handle: async (request: HttpRequest) => answer(request) },
  });
  // As the api's clients are (services.ts): without the SDK's logger middleware, which copies every input.
  dynamo.middlewareStack.remove('loggerMiddleware');
  const log = new store.AuditLog(dynamo, 'data', {
    beaconKey: async () => beacon,
    subjectKeys: async () => new Map(),
  });
  let sequence = 0;
  const event = (requestId: string, at: string, subjectId: string, operation = 'caseload') => ({
    orgId,
    requestId,
    at,
    actor,
    action: 'READ',
    operation,
    subjectId,
    fields: ['ServiceUser.name', 'ServiceUser.phone', 'CareNote.body', 'CareNote.kind'],
    classifications: ['IDENTIFYING', 'SENSITIVE'],
    relationship: 'ALLOCATED',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: 'matrix.allocated-support-worker',
  });
  const once = async () => {
    const requestId = `req-${index}-${++sequence}`;
    const at = new Date().toISOString();
    if (shape === 'caseload') {
      const ahead = log.writeAhead({
        orgId,
        requestId,
        at,
        actor,
        action: 'READ',
        operation: 'caseload',
        subjects,
      });
      await log.write(
        subjects.map((subject) => event(requestId, at, subject)),
        { ahead },
      );
    } else if (shape === 'plainPut') {
      // The baseline's audit write (bench/same-io-server.ts): one PutItem of 7 attributes, no chain; the SDK's floor.
      await dynamo.send(
        new PutItemCommand({
          TableName: 'data',
          Item: {
            pk: { S: `ORG#${orgId}#AUDIT#SAME-IO` },
            sk: { S: `EVENT#${at}#${requestId}` },
            action: { S: 'READ_CLIENT' },
            actor: { S: actor.id },
            subjects: { L: [{ S: subjects[0] as string }] },
            requestId: { S: requestId },
            at: { S: at },
          },
        }),
      );
    } else if (shape === 'clientRead') {
      await log.write([event(requestId, at, subjects[0] as string, 'serviceUser')]);
    } else {
      await log.writeWithChange(
        [{ ...event(requestId, at, subjects[0] as string, 'recordNote'), action: 'WRITE' }],
        [
          {
            Put: {
              Item: {
                pk: { S: `ORG#${orgId}#SU#x` },
                sk: { S: `NOTE#${sequence}` },
                body: { B: new Uint8Array(200) },
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      );
    }
  };
  built.push({
    label: `${String.fromCharCode(65 + index)} ${tree}`,
    run: async (n) => {
      for (let i = 0; i < n; i++) await once();
    },
  });
}

const count = shape === 'caseload' ? 200 : 1000;
for (const tree of built) await tree.run(count / 2);
const cpu = new Map<Tree, number[]>(built.map((tree) => [tree, []]));
for (let repeat = 0; repeat < repeats; repeat++) {
  const order = built.map((_, i) => built[(i + repeat) % built.length] as Tree);
  for (const tree of order) {
    const start = process.cpuUsage();
    await tree.run(count);
    const used = process.cpuUsage(start);
    cpu.get(tree)?.push((used.user + used.system) / 1000 / count);
  }
}
const first = cpu.get(built[0] as Tree) ?? [];
for (const tree of built) {
  const values = cpu.get(tree) ?? [];
  const s = spread(values);
  const r = spread(values.map((v, i) => v / (first[i] ?? 1)));
  process.stdout.write(
    `${shape} ${tree.label}: ${s.median.toFixed(3)} (${s.min.toFixed(3)}–${s.max.toFixed(3)}) ms per write; / A ${r.median.toFixed(3)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})\n`,
  );
}
