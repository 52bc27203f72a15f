import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import {
  approvalIdOf,
  approve,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  eraseWithApproval,
  expectCode,
  proposeErasure,
  retentionApi,
  retentionWorld,
} from '../retention/retention-support';
import { expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { auditItems, canariesIn, canary, organisationItems, scanItems } from './canaries-support';

/**
 * Issue 17 item 2: free text given with a request — the stated purpose (header or `@purpose`), legal-hold reasons
 * and erasure reasons — is personal data as often as not ("Right-to-erasure letter from <name>"). It is never
 * stored in clear on an audit event: it is sealed under the person's key, so their erasure shreds it, and the
 * audit still verifies once the key is gone. The request id is the platform's, never the caller's header.
 */

const READ = 'query ($id: ID!) { serviceUser(id: $id) { name } }';
const ACCESS_LOG = `query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node {
  operation action purpose
} } } }`;
const STAFF_REPORT = `query ($id: ID!) { staffAccessReport(staffId: $id, first: 100) { edges { node {
  operation action purpose
} } } }`;
const PLACE =
  'mutation ($id: ID!, $r: String!) { placeLegalHold(serviceUserId: $id, reason: $r) { reason } }';
const LIFT =
  'mutation ($id: ID!, $r: String!) { liftLegalHold(serviceUserId: $id, reason: $r) { liftReason } }';

type LogNode = { operation: string; action: string; purpose: string | null; subjectId?: string | null };

describe('free text in the audit outlives nobody’s erasure (issue 17 item 2)', () => {
  const { api } = retentionApi();
  afterAll(closeLocalRetentions);

  it('seals purposes, hold and erasure reasons under the person’s key: readable while it exists, “erased” after, and verify still passes', async () => {
    const world = await retentionWorld(api);
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const { id, clientId } = await clientWithRecords(api, world);
    const purpose = canary('purpose');
    const directive = canary('directive');
    const holdReason = canary('hold');
    const liftReason = canary('lift');
    const erasureReason = canary('erasure');

    expectNoErrors(
      await api.graphql(READ, {
        token: world.manager.token,
        variables: { id },
        headers: { 'x-access-purpose': `Letter from ${purpose}` },
      }),
    );
    expectNoErrors(
      await api.graphql(
        `query ($id: ID!) @purpose(reason: "Call with ${directive}") { serviceUser(id: $id) { name } }`,
        {
          token: world.manager.token,
          variables: { id },
        },
      ),
    );
    expectNoErrors(await api.graphql(PLACE, { token: world.ig.token, variables: { id, r: holdReason } }));
    expectNoErrors(await api.graphql(LIFT, { token: world.ig.token, variables: { id, r: liftReason } }));

    // Stored: no audit item holds any of them in clear.
    const all = [purpose, directive, holdReason, liftReason];
    expect(canariesIn(await auditItems(api, world.org.orgId), all)).toEqual([]);

    // Read back by those allowed while the key exists.
    const log = await api.graphql<{ accessLog: { edges: { node: LogNode }[] } }>(ACCESS_LOG, {
      token: world.ig.token,
      variables: { id },
    });
    expectNoErrors(log);
    const purposes = log.data?.accessLog.edges.map((edge) => edge.node.purpose) ?? [];
    expect(purposes).toContain(`Letter from ${purpose}`);
    expect(purposes).toContain(`Call with ${directive}`);
    expect(purposes).toContain(holdReason);
    expect(purposes).toContain(liftReason);

    // Erased: the reason is sealed too, and nothing of any of them is left anywhere in the organisation's items.
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(
      await eraseWithApproval(api, world.ig, guardian, id, `Erasure letter from ${erasureReason}`),
    );
    const items = await organisationItems(api, world.org.orgId);
    expect(canariesIn(items, [...all, erasureReason])).toEqual([]);

    // The audit still verifies (its MACs cover the ciphertext), and its readers say "erased".
    const verification = await api.services.auditLog.verify(tenantScope(world.org.orgId));
    expect(verification.ok, JSON.stringify(verification)).toBe(true);
    const report = await api.graphql<{ staffAccessReport: { edges: { node: LogNode }[] } }>(STAFF_REPORT, {
      token: world.ig.token,
      variables: { id: world.manager.globalId },
    });
    expectNoErrors(report);
    const reads = report.data?.staffAccessReport.edges.map((edge) => edge.node) ?? [];
    const erasedReads = reads.filter((node) => node.operation === 'serviceUser' && node.purpose !== null);
    expect(erasedReads.length).toBeGreaterThanOrEqual(2);
    for (const node of erasedReads) expect(node.purpose).toBe('erased');
    const events = await api.services.auditLog.bySubject(tenantScope(world.org.orgId), clientId);
    const erasure = events.find(
      (event) => event.operation === 'eraseServiceUser' && event.action === 'ADMIN',
    );
    expect(erasure?.purpose).toBe('erased');
  });

  it('keeps a pending erasure’s reason sealed under the person’s key, so an erasure before the decision shreds it', async () => {
    const world = await retentionWorld(api);
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const { id } = await clientWithRecords(api, world);
    const pendingReason = canary('pendingerasure');
    const firstReason = canary('firsterasure');
    expectNoErrors(await closeCase(api, world.manager, id));

    // Two erasures proposed; while they wait, neither reason is in clear in any item (the approval included).
    const pending = await proposeErasure(api, world.ig.token, id, `Letter from ${pendingReason}`);
    expectCode(pending, 'APPROVAL_REQUIRED');
    const first = await proposeErasure(api, world.ig.token, id, `Letter from ${firstReason}`);
    expectCode(first, 'APPROVAL_REQUIRED');
    expect(canariesIn(await organisationItems(api, world.org.orgId), [pendingReason, firstReason])).toEqual(
      [],
    );

    // The approver still runs the change exactly as proposed, and the person's erasure shreds the other one.
    expectNoErrors(await approve(api, guardian.token, approvalIdOf(first)));
    const stale = await approve(api, guardian.token, approvalIdOf(pending));
    expect(stale.errors?.length ?? 0).toBeGreaterThan(0);
    expect(canariesIn(await organisationItems(api, world.org.orgId), [pendingReason, firstReason])).toEqual(
      [],
    );
  });

  it('keeps no free text on an event that has no person to seal it under', async () => {
    const world = await retentionWorld(api);
    const purpose = canary('staffonly');
    const listed = await api.graphql('query { staffMembers(first: 5) { edges { node { handle } } } }', {
      token: world.manager.token,
      headers: { 'x-access-purpose': `Looking for ${purpose}` },
    });
    // Whether or not the manager may list staff, the request is audited; the purpose must not be stored in clear.
    expect(listed.status).toBe(200);
    const search = await api.graphql('query { searchServiceUsers(name: "Ada Lovelace") { id } }', {
      token: world.manager.token,
      headers: { 'x-access-purpose': `Searching for ${purpose}` },
    });
    expect(search.status).toBe(200);
    expect(canariesIn(await auditItems(api, world.org.orgId), [purpose])).toEqual([]);
  });

  it('takes the request id from the platform, never verbatim from the caller', async () => {
    const world = await retentionWorld(api);
    const { id } = await clientWithRecords(api, world);
    const forged = canary('requestid');
    expectNoErrors(
      await api.graphql(READ, {
        token: world.manager.token,
        variables: { id },
        headers: { 'x-request-id': forged },
      }),
    );
    // Raw audit items, the correlation id included.
    const items = await scanItems(api, tenantScope(world.org.orgId).key('AUDIT'));
    expect(items.length).toBeGreaterThan(0);
    // Kept only as the separate, bounded correlation attribute: never the request id, nowhere else.
    const ofRequest = items.filter((item) => item.correlationId?.S === forged);
    expect(ofRequest.length).toBeGreaterThan(0);
    expect(ofRequest.every((item) => item.requestId?.S !== forged)).toBe(true);
    const { correlationId: _kept, ...rest } = ofRequest[0] ?? {};
    expect(canariesIn([...items.filter((item) => item.correlationId?.S !== forged), rest], [forged])).toEqual(
      [],
    );
  });
});
