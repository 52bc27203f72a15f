import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  type AttributeValue,
  BatchGetItemCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsInput,
} from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { type AuditEvent, AuditLog } from '@confide/store';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import { spread } from './stats';

/**
 * What a DynamoDB call costs the api's CPU through the AWS SDK, and what the same call would cost through a lean
 * client written for the hot commands (issue 18: "if the SDK's per-call CPU remains the largest item, measure a
 * leaner client for the hot commands before deciding"; decision 0067). No network: every call is answered at once
 * by a handler returning a canned response, so what is measured is building, signing and parsing.
 *
 * Three ways, alternating within each repeat:
 * - `sdk`: the api's client as services.ts builds it (the SDK's logger middleware removed);
 * - `sdk-cached`: the same with the SDK's `cacheMiddleware: true` (each command's middleware stack resolved once);
 * - `lean`: the request body from the command's input by `JSON.stringify` (binary attributes as base64), signed
 *   with Signature Version 4 by hand (the signing key kept for the day), the answer read and parsed with binary
 *   attributes decoded. It has none of the SDK's retries, endpoint rules, checksums or error types: a lower bound
 *   for any client that makes the same request.
 *
 * Four calls: the baseline's audit write (PutItem, 7 attributes), a client read's audit write as the real AuditLog
 * makes it (TransactWriteItems: the event and its chain head), and reads of 4 and 50 items (BatchGetItem, a client
 * read's and a caseload's size; each answer item 12 attributes, 6 of them binary as sealed fields are).
 *
 * `npx tsx bench/lean-client-ab.ts [repeats]` prints, per call and way, CPU per call as median (min–max) over the
 * repeats and the ratio to `sdk` within each repeat.
 */

const repeats = Number(process.argv[2] ?? 5);
const CALLS = 2000;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const REGION = 'eu-west-2';
const HOST = 'dynamodb.eu-west-2.amazonaws.com';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

// ── Canned answers ─────────────────────────────────────────────────────────────────────────────────────────────

const ORG = 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const subject = (n: number) => `su_${'c'.repeat(24)}${BASE32[n >> 5]}${BASE32[n & 31]}`;
const sealed = (bytes: number, n: number) => Buffer.alloc(bytes, n).toString('base64');

/** A stored profile as DynamoDB's JSON answers it: keys, a version, three plain strings and six sealed fields. */
function storedProfile(n: number): Record<string, AttributeValue | Record<string, string>> {
  return {
    pk: { S: `ORG#${ORG}#SU#${subject(n)}` },
    sk: { S: 'PROFILE' },
    version: { N: String(n + 1) },
    serviceId: { S: `sv_${'d'.repeat(26)}` },
    caseStatus: { S: 'OPEN' },
    keyId: { S: `sk_${'e'.repeat(26)}` },
    name: { B: sealed(60, n) },
    reference: { B: sealed(40, n) },
    address: { B: sealed(180, n) },
    phone: { B: sealed(44, n) },
    dateOfBirth: { B: sealed(38, n) },
    mac: { B: sealed(32, n) },
  } as Record<string, AttributeValue | Record<string, string>>;
}

const batchKeys = (count: number) =>
  Array.from({ length: count }, (_, n) => ({
    pk: { S: `ORG#${ORG}#SU#${subject(n)}` },
    sk: { S: 'PROFILE' },
  }));
const batchAnswer = (count: number) =>
  JSON.stringify({
    Responses: { data: Array.from({ length: count }, (_, n) => storedProfile(n)) },
    UnprocessedKeys: {},
  });

/** Canned bodies by operation; a BatchGetItem's by the number of keys asked for (4: a client read's; 50: a caseload's). */
const answers: Record<string, string> = {
  PutItem: '{}',
  TransactWriteItems: '{}',
  // The audit log reads its chain head first (none yet).
  GetItem: '{}',
  'BatchGetItem/4': batchAnswer(4),
  'BatchGetItem/50': batchAnswer(50),
};

/** The canned bodies as bytes, made once (the stub's own work is kept out of both ways' CPU). */
const answerBytes = new Map(Object.entries(answers).map(([key, text]) => [key, Buffer.from(text)]));

/**
 * Answers any request at once with its operation's canned body (the network taken out). A BatchGetItem is told
 * apart by the size of its request alone (4 keys are some 400 bytes, 50 some 5,000), so that neither way pays for
 * reading its body.
 */
function answer(target: string, bodyBytes: number): HttpResponse {
  const operation = target.slice(target.indexOf('.') + 1);
  const keys = operation === 'BatchGetItem' ? (bodyBytes > 2000 ? '/50' : '/4') : '';
  const bytes = answerBytes.get(`${operation}${keys}`);
  if (bytes === undefined) throw new Error(`no canned answer for ${operation}${keys}`);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(bytes.length) },
    body: Readable.from([bytes]),
  };
}

const requestHandler = {
  handle: async (request: HttpRequest) => ({
    response: answer(
      String(request.headers['x-amz-target'] ?? ''),
      typeof request.body === 'string' ? Buffer.byteLength(request.body) : (request.body?.byteLength ?? 0),
    ),
  }),
};

// ── The lean client ────────────────────────────────────────────────────────────────────────────────────────────

/** `JSON.stringify` replacer: binary attribute values (Uint8Array, Buffer) as base64, as DynamoDB's JSON wants. */
function binaryAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (original instanceof Uint8Array) {
    return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
  }
  return value;
}

/** `JSON.parse` reviver: `{ "B": "<base64>" }` and `{ "BS": [...] }` back to bytes. */
function base64AsBinary(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return Buffer.from(value, 'base64');
  if (key === 'BS' && Array.isArray(value)) return value.map((entry) => Buffer.from(String(entry), 'base64'));
  return value;
}

/** The headers signed, as the SDK's signer signs them (it adds the payload's hash as a header). */
const SIGNED_HEADERS = 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target';

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');

class LeanDynamo {
  #day = '';
  #signingKey: Buffer = Buffer.alloc(0);

  /** The day's signing key (SigV4 derives it from the secret, the date, the region and the service). */
  #keyFor(day: string): Buffer {
    if (day !== this.#day) {
      const dated = createHmac('sha256', `AWS4${CREDENTIALS.secretAccessKey}`).update(day).digest();
      const regional = createHmac('sha256', dated).update(REGION).digest();
      const service = createHmac('sha256', regional).update('dynamodb').digest();
      this.#signingKey = createHmac('sha256', service).update('aws4_request').digest();
      this.#day = day;
    }
    return this.#signingKey;
  }

  /** The signed request for `operation` with `input` (public for the check against the SDK's signer). */
  request(
    operation: string,
    input: unknown,
    now = new Date(),
  ): { headers: Record<string, string>; body: string } {
    const body = JSON.stringify(input, binaryAsBase64);
    const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const target = `DynamoDB_20120810.${operation}`;
    const payloadHash = sha256Hex(body);
    const canonical = `POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:${HOST}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\nx-amz-target:${target}\n\n${SIGNED_HEADERS}\n${payloadHash}`;
    const scope = `${day}/${REGION}/dynamodb/aws4_request`;
    const signature = createHmac('sha256', this.#keyFor(day))
      .update(`AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`)
      .digest('hex');
    return {
      body,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        host: HOST,
        'x-amz-content-sha256': payloadHash,
        'x-amz-date': amzDate,
        'x-amz-target': target,
        authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`,
      },
    };
  }

  async send(operation: string, input: unknown): Promise<unknown> {
    const { headers, body } = this.request(operation, input);
    // A real client would send the body as UTF-8 bytes.
    const response = answer(headers['x-amz-target'] as string, Buffer.byteLength(body));
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
    // Every canned answer is a success: errors are not part of this measurement.
    return JSON.parse(Buffer.concat(chunks).toString('utf8'), base64AsBinary);
  }
}

/** The lean signer must sign as the SDK's does, or the comparison is of different work. */
async function checkSignature(lean: LeanDynamo, client: DynamoDBClient): Promise<void> {
  const now = new Date('2026-12-05T10:00:00.000Z');
  const input = { TableName: 'data', Key: { pk: { S: 'a' }, sk: { S: 'b' } } };
  const request = lean.request('GetItem', input, now);
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: REGION,
    credentials: CREDENTIALS,
    sha256: client.config.sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: HOST,
      path: '/',
      headers: {
        'content-type': request.headers['content-type'] as string,
        host: HOST,
        'x-amz-target': request.headers['x-amz-target'] as string,
      },
      body: request.body,
    },
    { signingDate: now },
  );
  const theirs = String(signed.headers.authorization ?? '').match(/Signature=(\w+)/)?.[1];
  const ours = request.headers.authorization?.match(/Signature=(\w+)/)?.[1];
  if (!theirs || theirs !== ours) throw new Error(`lean signature ${ours} differs from the SDK's ${theirs}`);
}

// ── The calls ──────────────────────────────────────────────────────────────────────────────────────────────────

function sdkClient(cacheMiddleware: boolean): DynamoDBClient {
  const client = new DynamoDBClient({
    region: REGION,
    endpoint: `https://${HOST}`,
    credentials: CREDENTIALS,
    requestHandler,
    ...(cacheMiddleware ? { cacheMiddleware: true } : {}),
  });
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/** The input of a client read's audit write, as the real AuditLog sends it. */
async function clientReadAuditInput(): Promise<TransactWriteItemsInput> {
  const capturing = sdkClient(false);
  let captured: TransactWriteItemsInput | undefined;
  capturing.middlewareStack.add(
    (next) => async (args) => {
      // The transaction only: the log reads its chain head (a GetItem) first.
      const input = args.input as Partial<TransactWriteItemsInput>;
      if (input.TransactItems) captured ??= input as TransactWriteItemsInput;
      return next(args);
    },
    { step: 'initialize' },
  );
  const log = new AuditLog(capturing, 'data', {
    beaconKey: async () => new Uint8Array(32).fill(7),
    subjectKeys: async () => new Map(),
  });
  const event: AuditEvent = {
    orgId: ORG as OrgId,
    requestId: 'req-1',
    at: new Date().toISOString(),
    actor: { kind: 'STAFF', id: 'st_dddddddddddddddddddddddddd', roles: ['SUPPORT_WORKER'] },
    action: 'READ',
    operation: 'serviceUser',
    subjectId: subject(0),
    fields: ['ServiceUser.name', 'ServiceUser.phone'],
    classifications: ['IDENTIFYING'],
    relationship: 'ALLOCATED',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: 'matrix.allocated-support-worker',
  };
  await log.write([event]);
  if (captured?.TransactItems?.length !== 2)
    throw new Error('expected the event and its chain head in one transaction');
  return captured;
}

const putInput = (n: number) => ({
  TableName: 'data',
  Item: {
    pk: { S: `ORG#${ORG}#AUDIT#SAME-IO` },
    sk: { S: `EVENT#2026-12-05T10:00:00.000Z#req-${n}` },
    action: { S: 'READ_CLIENT' },
    actor: { S: 'st_dddddddddddddddddddddddddd' },
    subjects: { L: [{ S: subject(0) }] },
    requestId: { S: `req-${n}` },
    at: { S: '2026-12-05T10:00:00.000Z' },
  },
});
const batchInput = (count: number) => ({ RequestItems: { data: { Keys: batchKeys(count) } } });

const lean = new LeanDynamo();
const sdk = sdkClient(false);
await checkSignature(lean, sdk);
const transactInput = await clientReadAuditInput();
const cached = sdkClient(true);

type Way = 'sdk' | 'sdk-cached' | 'lean';
const calls: Record<string, Record<Way, (n: number) => Promise<unknown>>> = {
  'PutItem (7 attributes)': {
    sdk: (n) => sdk.send(new PutItemCommand(putInput(n))),
    'sdk-cached': (n) => cached.send(new PutItemCommand(putInput(n))),
    lean: (n) => lean.send('PutItem', putInput(n)),
  },
  "TransactWriteItems (a client read's audit)": {
    sdk: () => sdk.send(new TransactWriteItemsCommand(transactInput)),
    'sdk-cached': () => cached.send(new TransactWriteItemsCommand(transactInput)),
    lean: () => lean.send('TransactWriteItems', transactInput),
  },
  'BatchGetItem (4 items answered)': {
    sdk: () => sdk.send(new BatchGetItemCommand(batchInput(4))),
    'sdk-cached': () => cached.send(new BatchGetItemCommand(batchInput(4))),
    lean: () => lean.send('BatchGetItem', batchInput(4)),
  },
  'BatchGetItem (50 items answered)': {
    sdk: () => sdk.send(new BatchGetItemCommand(batchInput(50))),
    'sdk-cached': () => cached.send(new BatchGetItemCommand(batchInput(50))),
    lean: () => lean.send('BatchGetItem', batchInput(50)),
  },
};

// Each way gets as many items as it asked for, and the same items (the lean parse is not cheaper by returning less).
type BatchAnswer = { Responses: { data: unknown[] } };
for (const count of [4, 50]) {
  const sdkItems = (await sdk.send(new BatchGetItemCommand(batchInput(count)))).Responses?.data ?? [];
  const leanItems = ((await lean.send('BatchGetItem', batchInput(count))) as BatchAnswer).Responses.data;
  if (sdkItems.length !== count || leanItems.length !== count) {
    throw new Error(
      `asked for ${count} items, answered ${sdkItems.length} (SDK) and ${leanItems.length} (lean)`,
    );
  }
  if (JSON.stringify(sdkItems, binaryAsBase64) !== JSON.stringify(leanItems, binaryAsBase64)) {
    throw new Error('the lean parse differs from the SDK');
  }
}

const WAYS: Way[] = ['sdk', 'sdk-cached', 'lean'];
for (const [label, ways] of Object.entries(calls)) {
  const run = async (way: Way, count: number) => {
    for (let n = 0; n < count; n++) await ways[way](n);
  };
  for (const way of WAYS) await run(way, CALLS);
  const cpu = new Map<Way, number[]>(WAYS.map((way) => [way, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let i = 0; i < WAYS.length; i++) {
      const way = WAYS[(i + repeat) % WAYS.length] as Way;
      const start = process.cpuUsage();
      await run(way, CALLS);
      const used = process.cpuUsage(start);
      cpu.get(way)?.push(((used.user + used.system) / CALLS) | 0);
    }
  }
  const base = cpu.get('sdk') ?? [];
  for (const way of WAYS) {
    const values = cpu.get(way) ?? [];
    const s = spread(values);
    const r = spread(values.map((v, i) => v / (base[i] ?? 1)));
    process.stdout.write(
      `${label.padEnd(44)} ${way.padEnd(10)} ${s.median} µs (${s.min}–${s.max}); / sdk ${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})\n`,
    );
  }
}
