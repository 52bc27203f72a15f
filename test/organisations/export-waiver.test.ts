import { describe, expect, it } from 'vitest';
import { heldClient, retentionWorld } from '../retention/retention-support';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { onboardTestOrganisation } from '../support/fixtures';
import { offboardWithTwoOperators } from '../support/platform-fixtures';
import { testApi } from '../support/test-api';

/**
 * Decision 0034 through the API, as operators of a deployed stage reach it: offboarding is refused with
 * EXPORT_REQUIRED until the records were exported to the controller or an operator waived that with a reason code;
 * the waiver is an operator's alone, audited in the platform audit, and takes a controller's reference, never text.
 * Records under a legal hold are never destroyed on a waiver: offboarding deletes the key, so they must be exported.
 */

const WAIVE = `mutation ($o: ID!, $r: ExportWaiverReason!, $ref: String) {
  waiveOrganisationExport(organisationId: $o, reason: $r, reference: $ref) { id status }
}`;

describe('waiving the export before offboarding', () => {
  const api = testApi();

  it('offboards only after an operator’s waiver, recorded with its reason code in the platform audit', async () => {
    const org = await onboardTestOrganisation(api);

    const before = await offboardWithTwoOperators(api, org.orgId, 7, { exported: false });
    const waived = await api.graphql(WAIVE, {
      token: await api.operatorToken(),
      variables: { o: org.orgId, r: 'CONTROLLER_DECLINED', ref: 'letter-2026/11' },
    });
    // The second operator's call runs the request still pending from the first (or asks anew, and the first approves).
    const after = await offboardWithTwoOperators(api, org.orgId, 7, {
      exported: false,
      first: await api.secondOperatorToken(),
      second: await api.operatorToken(),
    });

    expect(codes(before)).toEqual(['EXPORT_REQUIRED']);
    expect(waived.errors).toBeUndefined();
    expect(after.errors).toBeUndefined();
    expect(after.data?.offboardOrganisation.status).toBe('OFFBOARDED');
    const platform = await api.services.platformAudit.list({ organisationId: org.orgId });
    expect(platform.map((event) => event.rule)).toContain(
      'platform.organisation.export.waived.CONTROLLER_DECLINED',
    );
  });

  it('is refused to staff, and refuses free text for a reference, writing nothing', async () => {
    const org = await onboardTestOrganisation(api);

    const asAdmin = await api.graphql(WAIVE, {
      token: org.adminToken,
      variables: { o: org.orgId, r: 'CONTROLLER_DECLINED' },
    });
    const freeText = await api.graphql(WAIVE, {
      token: await api.operatorToken(),
      variables: { o: org.orgId, r: 'CONTROLLER_DECLINED', ref: 'Mrs Smith said no' },
    });
    const still = await offboardWithTwoOperators(api, org.orgId, 7, { exported: false });

    expect(codes(asAdmin)).toEqual(['FORBIDDEN']);
    expect(codes(freeText)).toEqual(['BAD_USER_INPUT']);
    expect(codes(still)).toEqual(['EXPORT_REQUIRED']);
  });

  it('refuses a waiver while a legal hold is in force: held records leave only by an export', async () => {
    // Prepare: a client under a legal hold, and the export waived.
    const world = await retentionWorld(api);
    await heldClient(api, world);
    expectNoErrors(
      await api.graphql(WAIVE, {
        token: await api.operatorToken(),
        variables: { o: world.org.orgId, r: 'CONTROLLER_DECLINED' },
      }),
    );

    // Act: two operators offboard.
    const refused = await offboardWithTwoOperators(api, world.org.orgId, 7, { exported: false });

    // Assess: refused, and the organisation still works.
    expect(codes(refused)).toEqual(['EXPORT_REQUIRED']);
    const still = await api.graphql('{ organisation { id } }', { token: world.org.adminToken });
    expect(still.errors).toBeUndefined();
  });
});
