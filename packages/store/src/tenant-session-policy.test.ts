import { newOrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import {
  packedSessionPolicy,
  SESSION_POLICY_MAX_CHARS,
  stringLike,
  TENANT_ITEM_ACTIONS,
  tenantSessionPolicy,
} from './tenant-session-policy';

const dataTableArn = 'arn:aws:dynamodb:eu-west-2:123456789012:table/confide-prod-data';
const keyTableArn = 'arn:aws:dynamodb:eu-west-2:123456789012:table/confide-prod-keys';
const keyArn = 'arn:aws:kms:eu-west-2:123456789012:key/*';

function leadingKeyPatterns(orgId: string): readonly string[] {
  const items = tenantSessionPolicy({ orgId, dataTableArn, keyTableArn, keyArn }).Statement.find(
    (statement) => statement.Sid === 'TenantItems',
  );
  const patterns = items?.Condition['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
  if (!Array.isArray(patterns)) throw new Error('no leading keys');
  return patterns;
}

function admits(orgId: string, leadingKey: string): boolean {
  return leadingKeyPatterns(orgId).some((pattern) => stringLike(pattern, leadingKey));
}

describe('tenantSessionPolicy (decision 0031)', () => {
  it('limits items on both tables and the data indexes to the organisation’s leading keys, and its key to its context', () => {
    const orgId = newOrgId();
    expect(tenantSessionPolicy({ orgId, dataTableArn, keyTableArn, keyArn })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TenantItems',
          Effect: 'Allow',
          Action: [...TENANT_ITEM_ACTIONS],
          Resource: [dataTableArn, `${dataTableArn}/index/*`, keyTableArn],
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`ORG#${orgId}#*`] } },
        },
        {
          Sid: 'TenantKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: [keyArn],
          Condition: { StringEquals: { 'kms:EncryptionContext:orgId': orgId } },
        },
      ],
    });
  });

  it('never allows Scan (no leading key) nor any table-level action', () => {
    const [items] = tenantSessionPolicy({ orgId: newOrgId(), dataTableArn, keyTableArn, keyArn }).Statement;
    expect(items?.Action).not.toContain('dynamodb:Scan');
    expect(
      items?.Action.every((action) => /Item$|^dynamodb:Query$|ItemItem$|^dynamodb:Batch/.test(action)),
    ).toBe(true);
  });

  it('admits the organisation’s data, index and key-table keys and nothing of another organisation', () => {
    const orgId = newOrgId();
    const other = newOrgId();
    for (const key of [
      `ORG#${orgId}#CLIENT#su_x`,
      `ORG#${orgId}#BRANCH`,
      `ORG#${orgId}#SUBJECT#su_x`,
      `ORG#${orgId}#BEACON`,
      `ORG#${orgId}#BREACH#brc_x`,
    ])
      expect(admits(orgId, key)).toBe(true);
    for (const key of [
      `ORG#${other}#CLIENT#su_x`,
      `ORG#${orgId}`,
      `PLATFORM#ORGANISATIONS`,
      `PLATFORM#SLUG#azure`,
      `org#${orgId}#CLIENT#su_x`,
    ])
      expect(admits(orgId, key)).toBe(false);
  });

  it('prefix pitfall: the trailing # keeps an id that is a prefix of another from matching it', () => {
    // Real ids are fixed length, so one id is never a prefix of another; the delimiter holds even if that changed.
    const orgId = newOrgId();
    const longer = `${orgId}x`;
    expect(admits(orgId, `ORG#${longer}#CLIENT#su_x`)).toBe(false);
    // Without the delimiter, the pattern would have matched: this is the pitfall the `#` closes.
    expect(stringLike(`ORG#${orgId}*`, `ORG#${longer}#CLIENT#su_x`)).toBe(true);
    // And the builder refuses anything that is not a well-formed, fixed-length org id (so no `*` or `?` inside).
    for (const bad of [longer, orgId.slice(0, -1), 'org_*', `${orgId.slice(0, -1)}?`, `${orgId}#`])
      expect(() => tenantSessionPolicy({ orgId: bad, dataTableArn, keyTableArn, keyArn })).toThrow(TypeError);
  });

  it('for two real ids, neither policy admits the other’s keys', () => {
    for (let i = 0; i < 50; i++) {
      const a = newOrgId();
      const b = newOrgId();
      expect(admits(a, `ORG#${b}#CLIENT#su_x`)).toBe(false);
      expect(admits(b, `ORG#${a}#CLIENT#su_x`)).toBe(false);
    }
  });

  it('packs within what STS accepts for realistic ARNs', () => {
    const packed = packedSessionPolicy({
      orgId: newOrgId(),
      dataTableArn: 'arn:aws:dynamodb:ap-southeast-2:123456789012:table/confide-production-eu-data',
      keyTableArn: 'arn:aws:dynamodb:ap-southeast-2:123456789012:table/confide-production-eu-keys',
      keyArn: 'arn:aws:kms:ap-southeast-2:123456789012:key/*',
    });
    expect(packed.length).toBeLessThanOrEqual(SESSION_POLICY_MAX_CHARS);
    expect(JSON.parse(packed)).toEqual(expect.objectContaining({ Version: '2012-10-17' }));
  });
});
