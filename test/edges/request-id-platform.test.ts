import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handleHttpApiEvent } from '../../services/api/src/lambda-adapter';
import { onboardTestOrganisation } from '../support/fixtures';
import { httpApiEvent } from '../support/http-api-event';
import { ownTablesForFile, testApi } from '../support/test-api';
import { auditItems } from './canaries-support';

const lambdaContext = { awsRequestId: 'aws-req-1', functionName: 'confide-api' } as Context;

/** The request ids of an organisation's stored audit events. */
async function auditRequestIds(api: ReturnType<typeof testApi>, orgId: Parameters<typeof auditItems>[1]) {
  const items = await auditItems(api, orgId);
  return items.flatMap((item) => {
    const value = (item.requestId as { S?: string } | undefined)?.S;
    return value === undefined ? [] : [value];
  });
}

describe('the request id comes from the platform (issue 17 item 2)', () => {
  const api = testApi({ tables: ownTablesForFile() });

  it("records API Gateway's requestContext.requestId on the audit event, never the caller's x-request-id", async () => {
    const org = await onboardTestOrganisation(api);
    const platformId = `apigw-${Math.random().toString(36).slice(2, 10)}`;
    const callerId = `caller-${Math.random().toString(36).slice(2, 10)}`;

    const result = await handleHttpApiEvent(
      api.yoga,
      httpApiEvent(JSON.stringify({ query: 'mutation { createService(name: "Drop-in") { id } }' }), {
        headers: { authorization: `Bearer ${org.adminToken}`, 'x-request-id': callerId },
        requestId: platformId,
        encoding: 'text',
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(200);
    expect(
      JSON.parse(result.body ?? '').errors?.map((e: { extensions?: unknown }) => e.extensions),
    ).toBeUndefined();
    const ids = await auditRequestIds(api, org.orgId);
    expect(ids).toContain(platformId);
    expect(ids.filter((id) => id.includes(callerId))).toEqual([]);
  });

  it("generates an id off the platform, never taking the caller's x-request-id", async () => {
    const org = await onboardTestOrganisation(api);
    const callerId = `caller-${Math.random().toString(36).slice(2, 10)}`;

    const result = await api.graphql('mutation { createService(name: "Drop-in") { id } }', {
      token: org.adminToken,
      headers: { 'x-request-id': callerId },
    });

    expect(result.errors?.map((e) => e.extensions)).toBeUndefined();
    const ids = await auditRequestIds(api, org.orgId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id) => id.includes(callerId))).toEqual([]);
  });
});
