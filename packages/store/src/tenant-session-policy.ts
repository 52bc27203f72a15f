import { asOrgId } from '@confide/domain';

/**
 * The item actions a tenant's requests need on the two tables. Transactions are authorised item by item under these
 * actions, so `TransactWriteItems` needs no action of its own; `Scan` is absent on purpose: it has no leading key,
 * and `ForAllValues` over an empty set of leading keys would allow it.
 */
export const TENANT_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** What a tenant's requests may do with the organisation key: use it, under its own encryption context. */
export const TENANT_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

export interface TenantSessionPolicyInput {
  readonly orgId: string;
  readonly dataTableArn: string;
  readonly keyTableArn: string;
  /** The organisation keys the session may use (an ARN, or the role's pattern); the context narrows it to one org. */
  readonly keyArn: string;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition: Record<string, Record<string, string | readonly string[]>>;
}

export interface SessionPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** An inline session policy is at most 2,048 characters once packed (AWS STS AssumeRole `Policy`). */
export const SESSION_POLICY_MAX_CHARS = 2048;

/**
 * The inline session policy that narrows the tenant-access role to one organisation for one request's credentials
 * (issue 16 capability 4, decision 0031), after the AWS SaaS Factory pattern: items only whose every leading key is
 * `ORG#<orgId>#…` on both tables and the data table's indexes, and the organisation key only under the context
 * `orgId = <orgId>`. The pattern ends with the delimiter `#` and organisation ids are fixed length (`org_` + 26
 * characters, no wildcard characters), so no organisation's pattern matches another's keys, even where one id were a
 * prefix of another. Pure: the same input always gives the same policy.
 */
export function tenantSessionPolicy(input: TenantSessionPolicyInput): SessionPolicy {
  const orgId = asOrgId(input.orgId);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TenantItems',
        Effect: 'Allow',
        Action: [...TENANT_ITEM_ACTIONS],
        Resource: [input.dataTableArn, `${input.dataTableArn}/index/*`, input.keyTableArn],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`ORG#${orgId}#*`] } },
      },
      {
        Sid: 'TenantKey',
        Effect: 'Allow',
        Action: [...TENANT_KEY_ACTIONS],
        Resource: [input.keyArn],
        Condition: { StringEquals: { 'kms:EncryptionContext:orgId': orgId } },
      },
    ],
  };
}

/** The policy as sent to STS: packed JSON, refused when longer than STS accepts. */
export function packedSessionPolicy(input: TenantSessionPolicyInput): string {
  const packed = JSON.stringify(tenantSessionPolicy(input));
  if (packed.length > SESSION_POLICY_MAX_CHARS)
    throw new Error('The tenant session policy is too long for STS.');
  return packed;
}

/**
 * IAM's `StringLike` for the patterns above (`*` any run, `?` one character): used by the tests to show which
 * leading keys a policy admits.
 */
export function stringLike(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
  return regex.test(value);
}
