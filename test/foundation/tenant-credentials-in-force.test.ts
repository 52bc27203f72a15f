import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newOrgId, type OrgId } from '@confide/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { localStack, type TestApi, testApi } from '../support/test-api';

/**
 * Issue 16 capability 4, decision 0031: the api built as in AWS (`CONFIDE_TENANT_ACCESS_ROLE_ARN` set, as CDK sets it)
 * signs each organisation's DynamoDB calls with credentials assumed for that organisation alone. STS is stood in for
 * (it answers each AssumeRole with fresh keys, remembering which session they went to); DynamoDB Local accepts any
 * key, so a proxy in front of it reads the access key id of every call's signature and the keys the call names.
 */

interface DynamoCall {
  readonly accessKeyId: string;
  readonly target: string;
  readonly body: string;
}

const sessions = new Map<string, string>(); // access key id → RoleSessionName
const dynamoCalls: DynamoCall[] = [];
const kmsCalls: DynamoCall[] = [];
let sts: Server;
let proxy: Server;
let kmsProxy: Server;
let api: TestApi;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

/** Forwards every request to the target, recording the access key id that signed it, its target and its body. */
function recordingProxy(target: URL, calls: DynamoCall[]): Server {
  return createServer(async (request, response) => {
    const body = await bodyOf(request);
    const accessKeyId = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '';
    calls.push({ accessKeyId, target: String(request.headers['x-amz-target'] ?? ''), body });
    const forwarded = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.end(body);
  });
}

beforeAll(async () => {
  const stack = localStack();
  sts = createServer(async (request, response) => {
    const params = new URLSearchParams(await bodyOf(request));
    const accessKeyId = `ASIATENANT${sessions.size + 1}`;
    sessions.set(accessKeyId, params.get('RoleSessionName') ?? '');
    const expiration = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(
      `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId>` +
        `<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${expiration}` +
        '</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>',
    );
  });
  proxy = recordingProxy(new URL(stack.dynamodbEndpoint), dynamoCalls);
  kmsProxy = recordingProxy(new URL(stack.kmsEndpoint), kmsCalls);
  const [stsEndpoint, dynamoEndpoint, kmsEndpoint] = await Promise.all([
    listen(sts),
    listen(proxy),
    listen(kmsProxy),
  ]);
  api = testApi({
    env: {
      CONFIDE_TENANT_ACCESS_ROLE_ARN: 'arn:aws:iam::000000000000:role/confide-test-tenant-access',
      CONFIDE_ACCOUNT_ID: '000000000000',
      CONFIDE_STS_ENDPOINT: stsEndpoint,
      CONFIDE_DYNAMODB_ENDPOINT: dynamoEndpoint,
      CONFIDE_KMS_ENDPOINT: kmsEndpoint,
    },
  });
});

afterAll(async () => {
  await Promise.all(
    [sts, proxy, kmsProxy].map(
      (server) => new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve()),
    ),
  );
});

/** The access key ids that signed calls naming any key of the organisation. */
function signersOf(orgId: OrgId, calls: readonly DynamoCall[]): Set<string> {
  return new Set(calls.filter((call) => call.body.includes(`ORG#${orgId}#`)).map((call) => call.accessKeyId));
}

function keyOf(orgId: OrgId): string {
  const entry = [...sessions].find(([, session]) => session === `confide-${orgId}`);
  if (!entry) throw new Error('no session assumed for the organisation');
  return entry[0];
}

describe('tenant-scoped credentials in force (issue 16 capability 4, decision 0031)', () => {
  it('builds the api with assumed per-organisation clients when CDK names the tenant-access role', () => {
    expect(api.services.config.tenantAccess?.roleArn).toBe(
      'arn:aws:iam::000000000000:role/confide-test-tenant-access',
    );
    const [a, b] = [newOrgId(), newOrgId()];
    expect(api.services.tenantClients.forOrg(a)).toBe(api.services.tenantClients.forOrg(a));
    expect(api.services.tenantClients.forOrg(a)).not.toBe(api.services.tenantClients.forOrg(b));
    expect(api.services.tenantClients.forOrg(a)).not.toBe(api.services.dynamo);
  });

  it("signs an organisation's calls with that organisation's assumed credentials, and two organisations get different ones", async () => {
    const a = await onboardTestOrganisation(api);
    const b = await onboardTestOrganisation(api);
    const keyA = keyOf(a.orgId);
    const keyB = keyOf(b.orgId);
    expect(keyA).not.toBe(keyB);

    // A staff request of each: authentication, the key hierarchy (display names), the audit log (the change).
    dynamoCalls.length = 0;
    for (const org of [a, b]) {
      const me = await api.graphql('{ me { kind } staffMembers { edges { node { handle displayName } } } }', {
        token: org.adminToken,
      });
      expect(me.errors).toBeUndefined();
      const created = await api.graphql('mutation { createService(name: "Supported living") { id } }', {
        token: org.adminToken,
      });
      expect(created.errors).toBeUndefined();
    }
    const calls = [...dynamoCalls];
    const audit = (orgId: OrgId) =>
      calls.filter(
        (call) => call.target.endsWith('TransactWriteItems') && call.body.includes(`ORG#${orgId}#AUDIT#`),
      );
    expect(audit(a.orgId).length).toBeGreaterThan(0);
    expect(new Set(audit(a.orgId).map((call) => call.accessKeyId))).toEqual(new Set([keyA]));
    expect(new Set(audit(b.orgId).map((call) => call.accessKeyId))).toEqual(new Set([keyB]));

    // Every call naming an organisation's keys — authentication's directory reads, the key table, the loader, the
    // record classes, the audit — is signed with that organisation's credentials, never the process's own.
    expect(signersOf(a.orgId, calls)).toEqual(new Set([keyA]));
    expect(signersOf(b.orgId, calls)).toEqual(new Set([keyB]));
    // No call signed with one organisation's credentials names another's keys.
    expect(signersOf(a.orgId, calls).has(keyB)).toBe(false);
    expect(signersOf(b.orgId, calls).has(keyA)).toBe(false);
    for (const call of calls.filter((entry) => entry.accessKeyId === keyA))
      expect(call.body).not.toContain(`ORG#${b.orgId}#`);
  });

  it("calls KMS for an organisation's key with that organisation's assumed credentials, and two organisations get different ones", async () => {
    const a = await onboardTestOrganisation(api);
    const b = await onboardTestOrganisation(api);
    const keyA = keyOf(a.orgId);
    const keyB = keyOf(b.orgId);
    // Drop the cached branch keys so each organisation's next request unwraps its branch key again under KMS.
    api.services.keys.forgetOrganisation(a.orgId);
    api.services.keys.forgetOrganisation(b.orgId);
    kmsCalls.length = 0;
    for (const org of [a, b]) {
      const me = await api.graphql('{ me { kind } staffMembers { edges { node { handle displayName } } } }', {
        token: org.adminToken,
      });
      expect(me.errors).toBeUndefined();
    }
    const decrypts = (orgId: OrgId) =>
      kmsCalls.filter(
        (call) =>
          call.target.endsWith('.Decrypt') &&
          (JSON.parse(call.body).EncryptionContext?.orgId ?? '') === orgId,
      );
    expect(decrypts(a.orgId).length).toBeGreaterThan(0);
    expect(decrypts(b.orgId).length).toBeGreaterThan(0);
    expect(new Set(decrypts(a.orgId).map((call) => call.accessKeyId))).toEqual(new Set([keyA]));
    expect(new Set(decrypts(b.orgId).map((call) => call.accessKeyId))).toEqual(new Set([keyB]));
    // Every KMS call under an organisation's context is signed with that organisation's credentials alone.
    for (const call of kmsCalls) {
      const orgId = JSON.parse(call.body).EncryptionContext?.orgId as OrgId | undefined;
      if (orgId === a.orgId || orgId === b.orgId) expect(call.accessKeyId).toBe(keyOf(orgId));
    }
  });
});
