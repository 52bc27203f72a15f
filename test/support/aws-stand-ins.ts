import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@confide/local';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Stand-ins for what AWS does around the functions and the local stack cannot: IAM refusing the api role's KMS
 * key management, and Lambda's `Invoke` API. Real HTTP, real SigV4: the code under test cannot tell them from AWS.
 */

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape SigV4 signers take: independent of the SDK's. */
class Sha256 {
  readonly #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(`http://127.0.0.1:${address.port}`);
      else reject(new Error('No port assigned.'));
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A running stand-in. */
export interface StandIn {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** {@link startKmsGate}'s record of what passed through it. */
export interface KmsGate extends StandIn {
  /** Every KMS operation requested through the gate, allowed or denied, in order. */
  readonly operations: string[];
}

/**
 * A KMS endpoint in front of the local one that refuses some operations with `AccessDeniedException`, as IAM
 * refuses them to a role without the permission (the api role and `kms:CreateKey`), and records every operation.
 */
export async function startKmsGate(options: { target: string; deny: readonly string[] }): Promise<KmsGate> {
  const operations: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.replace(/^TrentService\./, '');
      operations.push(operation);
      if (options.deny.includes(operation)) {
        response.writeHead(400, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': 'AccessDeniedException',
        });
        response.end(
          JSON.stringify({
            __type: 'AccessDeniedException',
            message: `User is not authorized to perform: kms:${operation} (stand-in for the role's IAM policy)`,
          }),
        );
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
      }
      const forwarded = await fetch(`${options.target}${request.url ?? '/'}`, {
        method: request.method ?? 'POST',
        headers,
        body: new Uint8Array(body),
      });
      response.writeHead(forwarded.status, {
        'content-type': forwarded.headers.get('content-type') ?? 'application/x-amz-json-1.1',
      });
      response.end(Buffer.from(await forwarded.arrayBuffer()));
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  const endpoint = await listen(server);
  return { endpoint, operations, stop: () => close(server) };
}

/** One call to {@link startLambdaEndpoint}. */
export interface LambdaInvocation {
  readonly functionName: string;
  readonly invocationType: string | undefined;
  /** The SigV4 signature checked out for service `lambda`, the local region and the local credentials. */
  readonly signatureValid: boolean;
}

/** What a stand-in function answers: its JSON payload, and the error type when it threw. */
export interface FunctionAnswer {
  readonly payload: string;
  readonly functionError?: string;
}

/** {@link startLambdaEndpoint}'s record of its invocations. */
export interface LambdaEndpoint extends StandIn {
  readonly invocations: LambdaInvocation[];
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** Recomputes the request's SigV4 signature from the headers it says it signed, and compares. */
async function signatureIsValid(
  request: IncomingMessage,
  path: string,
  body: Buffer,
  expectedService = 'lambda',
): Promise<boolean> {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
      authorization,
    );
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!match || !/^\d{8}T\d{6}Z$/.test(amzDate)) return false;
  const [, accessKeyId, , region, service, signedHeaders = ''] = match;
  if (accessKeyId !== LOCAL_CREDENTIALS.accessKeyId || region !== LOCAL_REGION || service !== expectedService)
    return false;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    const value = request.headers[name];
    if (typeof value !== 'string') return false;
    headers[name] = value;
  }
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({
    service: expectedService,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    sha256: Sha256,
  });
  const host = headers.host ?? '';
  const expected = await signer.sign(
    {
      method: request.method ?? 'POST',
      protocol: 'http:',
      hostname: host.split(':')[0] ?? '',
      path,
      query: {},
      headers,
      body: body.toString('utf8'),
    },
    { signingDate },
  );
  return expected.headers.authorization === authorization;
}

/**
 * Lambda's synchronous `Invoke` API for functions the test runs itself: checks the caller's SigV4 signature
 * (refusing a bad one with 403 `InvalidSignatureException`, as Lambda does), hands the payload to `invoke`, and
 * answers as Lambda does (`X-Amz-Function-Error` when the function threw).
 */
export async function startLambdaEndpoint(options: {
  invoke: (functionName: string, payload: string) => Promise<FunctionAnswer>;
}): Promise<LambdaEndpoint> {
  const invocations: LambdaInvocation[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      const path = (request.url ?? '').split('?')[0] ?? '';
      const match = INVOKE_PATH.exec(path);
      if (request.method !== 'POST' || !match?.[1]) {
        response.writeHead(404, { 'x-amzn-errortype': 'ResourceNotFoundException' }).end('{}');
        return;
      }
      const functionName = decodeURIComponent(match[1]);
      const signatureValid = await signatureIsValid(request, path, body);
      const invocationType = request.headers['x-amz-invocation-type'];
      invocations.push({
        functionName,
        invocationType: typeof invocationType === 'string' ? invocationType : undefined,
        signatureValid,
      });
      if (!signatureValid) {
        response.writeHead(403, { 'x-amzn-errortype': 'InvalidSignatureException' });
        response.end(JSON.stringify({ message: 'The request signature we calculated does not match.' }));
        return;
      }
      const answer = await options.invoke(functionName, body.toString('utf8'));
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-amz-executed-version': '$LATEST',
        ...(answer.functionError ? { 'x-amz-function-error': answer.functionError } : {}),
      });
      response.end(answer.payload);
    })().catch((error: unknown) => {
      response.writeHead(500, { 'x-amzn-errortype': 'ServiceException' }).end(String(error));
    });
  });
  const endpoint = await listen(server);
  return { endpoint, invocations, stop: () => close(server) };
}

/** One call to {@link startCognitoEndpoint}. */
export interface CognitoCall {
  /** `AdminCreateUser`, `AdminDisableUser`, … */
  readonly operation: string;
  readonly userPoolId: unknown;
  readonly username: unknown;
  /** The user attributes asked for, by name. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The SigV4 signature checked out for service `cognito-idp`, the local region and the local credentials. */
  readonly signatureValid: boolean;
  /** `CreateUserPoolClient`: the client's settings as asked for; `DeleteUserPoolClient`: its id. */
  readonly client?: Readonly<Record<string, unknown>>;
}

/** {@link startCognitoEndpoint}'s record of its calls, and the users it holds. */
export interface CognitoEndpoint extends StandIn {
  readonly calls: CognitoCall[];
  /** Users by their Cognito username (a UUID, equal to `sub`, as in a pool that signs in by email). */
  readonly users: Map<
    string,
    {
      readonly sub: string;
      readonly email: string;
      enabled: boolean;
      groups: readonly string[];
      /** The attributes it was created with beyond `sub` and `email` (`custom:org_id`, …). */
      readonly attributes?: Readonly<Record<string, string>>;
    }
  >;
  /** Adds a user as `admin-create-user` and `admin-add-user-to-group` would: an operator, for instance. */
  addUser(
    email: string,
    groups: readonly string[],
    attributes?: Readonly<Record<string, string>>,
  ): { readonly sub: string };
  /** App clients by id, each with the secret the pool generated (which only an operator should ever read). */
  readonly appClients: Map<string, { readonly name: string; readonly secret: string }>;
  /**
   * Answers every call of `operation` (about `username`, if given) with a service fault (`InternalErrorException`),
   * retries included, as an outage would, until the function it returns ends the outage.
   */
  outage(operation: string, username?: string): () => void;
}

/**
 * The Cognito user pool operations the provisioner calls: `CreateUserPoolClient` (a 26-character id and a generated
 * secret, answered) and `DeleteUserPoolClient` (unknown id: `ResourceNotFoundException`) for partner agencies'
 * app clients, and `AdminCreateUser`, `AdminGetUser` (with the attributes the user was created with),
 * `AdminDisableUser`, `AdminEnableUser` and `AdminDeleteUser`, as a pool
 * whose users sign in by email answers them (JSON 1.1 protocol): the address given as `Username` is an alias, the
 * user's username is a new UUID equal to its `sub`; an address in use is `UsernameExistsException`; disabling an
 * unknown user is `UserNotFoundException`. Checks the caller's SigV4 signature and records every call.
 */
export async function startCognitoEndpoint(): Promise<CognitoEndpoint> {
  const calls: CognitoCall[] = [];
  const users: CognitoEndpoint['users'] = new Map();
  const appClients: CognitoEndpoint['appClients'] = new Map();
  const failing = new Set<string>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      const path = (request.url ?? '').split('?')[0] ?? '';
      const operation = String(request.headers['x-amz-target'] ?? '').replace(
        /^AWSCognitoIdentityProviderService\./,
        '',
      );
      const input = JSON.parse(body.toString('utf8') || '{}') as {
        UserPoolId?: unknown;
        Username?: unknown;
        UserAttributes?: { Name: string; Value: string }[];
        ClientId?: unknown;
      };
      const signatureValid = await signatureIsValid(request, path, body, 'cognito-idp');
      const attributes = Object.fromEntries((input.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
      const { UserPoolId: _pool, Username: _user, UserAttributes: _attributes, ...client } = input;
      const isClientCall = operation === 'CreateUserPoolClient' || operation === 'DeleteUserPoolClient';
      calls.push({
        operation,
        userPoolId: input.UserPoolId,
        username: input.Username,
        attributes,
        signatureValid,
        ...(isClientCall ? { client } : {}),
      });
      const fail = (status: number, type: string) => {
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': type,
        });
        response.end(JSON.stringify({ __type: type, message: `${type} (stand-in)` }));
      };
      if (failing.has(operation) || failing.has(`${operation}|${String(input.Username ?? '')}`))
        return fail(500, 'InternalErrorException');
      if (!signatureValid) return fail(403, 'InvalidSignatureException');
      const answer = (value: unknown) => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(value));
      };
      if (operation === 'AdminCreateUser') {
        const email = String(input.Username ?? '');
        if ([...users.values()].some((user) => user.email === email))
          return fail(400, 'UsernameExistsException');
        const sub = randomUUID();
        const { email: _email, ...created } = attributes;
        users.set(sub, { sub, email, enabled: true, groups: [], attributes: created });
        return answer({
          User: {
            Username: sub,
            Attributes: [{ Name: 'sub', Value: sub }, ...(input.UserAttributes ?? [])],
            Enabled: true,
            UserStatus: 'FORCE_CHANGE_PASSWORD',
            UserCreateDate: Date.now() / 1000,
          },
        });
      }
      // A user by their username (the sub) or their email alias, as a pool that signs in by email finds them.
      const byName = (name: unknown) =>
        users.get(String(name ?? '')) ??
        [...users.values()].find((user) => user.email === String(name ?? ''));
      if (operation === 'AdminGetUser') {
        const user = byName(input.Username);
        if (!user) return fail(400, 'UserNotFoundException');
        return answer({
          Username: user.sub,
          UserAttributes: [
            { Name: 'sub', Value: user.sub },
            { Name: 'email', Value: user.email },
            ...Object.entries(user.attributes ?? {}).map(([Name, Value]) => ({ Name, Value })),
          ],
          Enabled: user.enabled,
          UserStatus: 'CONFIRMED',
        });
      }
      if (operation === 'AdminListGroupsForUser') {
        const user = users.get(String(input.Username ?? ''));
        if (!user) return fail(400, 'UserNotFoundException');
        return answer({ Groups: user.groups.map((group) => ({ GroupName: group })) });
      }
      if (operation === 'AdminDeleteUser') {
        if (!users.delete(String(input.Username ?? ''))) return fail(400, 'UserNotFoundException');
        return answer({});
      }
      if (operation === 'AdminDisableUser' || operation === 'AdminEnableUser') {
        const user = users.get(String(input.Username ?? ''));
        if (!user) return fail(400, 'UserNotFoundException');
        user.enabled = operation === 'AdminEnableUser';
        return answer({});
      }
      if (operation === 'CreateUserPoolClient') {
        // Cognito client ids are 26 lowercase letters and digits; the secret is generated and answered once.
        const clientId = randomBytes(13).toString('hex');
        const secret = randomBytes(32).toString('base64url');
        appClients.set(clientId, { name: String((client as { ClientName?: unknown }).ClientName), secret });
        return answer({
          UserPoolClient: {
            ...client,
            UserPoolId: input.UserPoolId,
            ClientId: clientId,
            ClientSecret: secret,
          },
        });
      }
      if (operation === 'DeleteUserPoolClient') {
        if (!appClients.delete(String(input.ClientId ?? ''))) return fail(400, 'ResourceNotFoundException');
        return answer({});
      }
      return fail(400, 'UnknownOperationException');
    })().catch((error: unknown) => {
      response.writeHead(500, { 'x-amzn-errortype': 'InternalErrorException' }).end(String(error));
    });
  });
  const endpoint = await listen(server);
  return {
    endpoint,
    calls,
    users,
    appClients,
    addUser: (email, groups, attributes = {}) => {
      const sub = randomUUID();
      users.set(sub, { sub, email, enabled: true, groups, attributes });
      return { sub };
    },
    outage: (operation, username) => {
      const failure = username === undefined ? operation : `${operation}|${username}`;
      failing.add(failure);
      return () => failing.delete(failure);
    },
    stop: () => close(server),
  };
}

/** {@link startSsmEndpoint}'s record of the parameter reads it answered. */
export interface SsmEndpoint extends StandIn {
  readonly reads: { readonly name: unknown; readonly signatureValid: boolean }[];
  /** The parameters it holds, by name; a missing one is `ParameterNotFound`. */
  readonly parameters: Map<string, string>;
}

/**
 * SSM's `GetParameter` (JSON 1.1 protocol), as the api reads the app clients it accepts beyond its environment
 * (decision 0107): checks the caller's SigV4 signature for service `ssm` and records every read.
 */
export async function startSsmEndpoint(parameters: Record<string, string>): Promise<SsmEndpoint> {
  const reads: SsmEndpoint['reads'] = [];
  const held = new Map(Object.entries(parameters));
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      const path = (request.url ?? '').split('?')[0] ?? '';
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
      const input = JSON.parse(body.toString('utf8') || '{}') as { Name?: unknown };
      const signatureValid = await signatureIsValid(request, path, body, 'ssm');
      reads.push({ name: input.Name, signatureValid });
      const fail = (status: number, type: string) => {
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': type,
        });
        response.end(JSON.stringify({ __type: type, message: `${type} (stand-in)` }));
      };
      if (!signatureValid) return fail(403, 'InvalidSignatureException');
      if (operation !== 'GetParameter') return fail(400, 'UnknownOperationException');
      const value = held.get(String(input.Name ?? ''));
      if (value === undefined) return fail(400, 'ParameterNotFound');
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({ Parameter: { Name: input.Name, Type: 'String', Value: value, Version: 1 } }),
      );
    })().catch((error: unknown) => {
      response.writeHead(500, { 'x-amzn-errortype': 'InternalServerError' }).end(String(error));
    });
  });
  const endpoint = await listen(server);
  return { endpoint, reads, parameters: held, stop: () => close(server) };
}
