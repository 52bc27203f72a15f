import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { newOrgId, type OrgId } from '@confide/domain';
import { tenantSessionPolicy } from '@confide/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumedTenantClients } from './tenant-credentials';

interface Call {
  readonly authorization: string | undefined;
  readonly params: URLSearchParams;
}

const calls: Call[] = [];
const expiresInMs = 60 * 60 * 1000;
let endpoint = '';
const server = createServer(async (request: IncomingMessage, response) => {
  let body = '';
  for await (const chunk of request) body += chunk;
  calls.push({ authorization: request.headers.authorization, params: new URLSearchParams(body) });
  const expiration = new Date(Date.now() + expiresInMs).toISOString();
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(
    `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA${calls.length}</AccessKeyId>` +
      `<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${expiration}</Expiration>` +
      '</Credentials></AssumeRoleResult></AssumeRoleResponse>',
  );
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const arns = {
  roleArn: 'arn:aws:iam::123456789012:role/confide-prod-tenant-access',
  dataTableArn: 'arn:aws:dynamodb:eu-west-2:123456789012:table/confide-prod-data',
  keyTableArn: 'arn:aws:dynamodb:eu-west-2:123456789012:table/confide-prod-keys',
  keyArn: 'arn:aws:kms:eu-west-2:123456789012:key/*',
};

function clients(now: () => number = Date.now): AssumedTenantClients {
  return new AssumedTenantClients({
    ...arns,
    region: 'eu-west-2',
    stsEndpoint: endpoint,
    credentials: async () => ({ accessKeyId: 'AKIAAPI', secretAccessKey: 'api-secret' }),
    sha256: new DynamoDBClient({ region: 'eu-west-2' }).config.sha256,
    now,
  });
}

describe('AssumedTenantClients (decision 0031)', () => {
  it('assumes the tenant role, signed by the api role, with the organisation’s session policy', async () => {
    calls.length = 0;
    const orgId = newOrgId() as OrgId;
    const credentials = await clients().credentialsFor(orgId);
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    const [call] = calls;
    expect(call?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAAPI\/\d{8}\/eu-west-2\/sts\/aws4_request/,
    );
    expect(call?.params.get('Action')).toBe('AssumeRole');
    expect(call?.params.get('RoleArn')).toBe(arns.roleArn);
    expect(call?.params.get('RoleSessionName')).toBe(`confide-${orgId}`);
    expect(JSON.parse(call?.params.get('Policy') ?? '{}')).toEqual(tenantSessionPolicy({ orgId, ...arns }));
  });

  it('caches per organisation for the credentials’ lifetime, less a margin, and never shares them', async () => {
    calls.length = 0;
    let now = Date.now();
    const provider = clients(() => now);
    const a = newOrgId() as OrgId;
    const b = newOrgId() as OrgId;
    const first = await provider.credentialsFor(a);
    expect(await provider.credentialsFor(a)).toBe(first);
    const other = await provider.credentialsFor(b);
    expect(other.accessKeyId).not.toBe(first.accessKeyId);
    expect(calls.length).toBe(2);
    expect(provider.forOrg(a)).toBe(provider.forOrg(a));
    expect(provider.forOrg(a)).not.toBe(provider.forOrg(b));
    now += 56 * 60 * 1000; // within five minutes of expiry: renewed
    const renewed = await provider.credentialsFor(a);
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(calls.length).toBe(3);
  });

  it('gives each organisation one KMS client on the same cached credentials as its DynamoDB client', async () => {
    calls.length = 0;
    const provider = clients();
    const a = newOrgId() as OrgId;
    const b = newOrgId() as OrgId;
    expect(provider.kms.forOrg(a)).toBe(provider.kmsForOrg(a));
    expect(provider.kms.forOrg(a)).not.toBe(provider.kms.forOrg(b));
    const kmsKey = await provider.kms.forOrg(a).config.credentials();
    const dynamoKey = await provider.forOrg(a).config.credentials();
    expect(kmsKey.accessKeyId).toBe(dynamoKey.accessKeyId);
    expect((await provider.kms.forOrg(b).config.credentials()).accessKeyId).not.toBe(kmsKey.accessKeyId);
    expect(calls.length).toBe(2);
  });
});
