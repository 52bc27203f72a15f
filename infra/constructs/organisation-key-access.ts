import { Stack, Validations } from 'aws-cdk-lib';
import { Effect, type IRole, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { wildcardResourceFinding } from '../lib/compliance';

/**
 * The tag every organisation KMS key carries, its value the organisation id. Must equal `ORGANISATION_TAG` in
 * `packages/keys/src/organisation-keys.ts` (a test checks it); not imported from there to keep the AWS SDK out of
 * the CDK app.
 */
export const ORGANISATION_TAG = 'confide:organisation';

/** The only encryption context key the key hierarchy uses: `{ orgId }`. */
export const ORGANISATION_CONTEXT_KEY = 'orgId';

/**
 * The alias prefix of a stage's organisation keys (`alias/confide/<stage>/<orgId>`). Must equal
 * `organisationAliasPrefix` in `packages/keys/src/organisation-keys.ts`, which the functions use (a test checks it).
 */
export function organisationAliasPrefix(stage: string): string {
  return `alias/confide/${stage}/`;
}

/** Every KMS key of the stack's account and region: organisation keys are created at runtime, one per organisation. */
function keyArns(scope: Construct): string {
  return Stack.of(scope).formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
}

/** Properties of {@link OrganisationKeyUsePolicy} and {@link OrganisationKeyProvisioningPolicy}. */
export interface OrganisationKeyPolicyProps {
  /** The role the policy is attached to. */
  readonly role: IRole;
  /** The stage, whose alias prefix bounds the keys. */
  readonly stage: string;
}

/** Conditions that limit a cryptographic call to an organisation context `{ orgId }` and nothing else. */
const organisationContextOnly = {
  // ForAllValues is true for an empty set: the Null check makes the orgId key mandatory.
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [ORGANISATION_CONTEXT_KEY] },
};

/**
 * Lets the tenant-access role (the api's per-organisation credentials, decision 0031) use organisation keys:
 * `kms:Decrypt` and `kms:GenerateDataKey` only, only on keys tagged as an organisation's and aliased under this
 * stage's prefix, and only with the encryption context `{ orgId }`. The api role itself has none of this.
 *
 * The key policy the provisioner attaches to each key names the tenant-access role and binds it to that one
 * organisation (`kms:EncryptionContext:orgId` equals the organisation), and each session's policy narrows it to the
 * request's organisation. This policy bounds the role independently of key policies: on any key in the account whose
 * policy delegates to IAM, it can still do nothing but these two calls under an organisation context.
 */
export class OrganisationKeyUsePolicy extends ManagedPolicy {
  constructor(scope: Construct, id: string, props: OrganisationKeyPolicyProps) {
    const keys = keyArns(scope);
    super(scope, id, {
      description: `Confide ${props.stage}: organisation keys only under an organisation encryption context`,
      roles: [props.role],
      statements: [
        new PolicyStatement({
          sid: 'UseOrganisationKeysUnderOrganisationContext',
          effect: Effect.ALLOW,
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [keys],
          conditions: {
            Null: {
              [`kms:EncryptionContext:${ORGANISATION_CONTEXT_KEY}`]: 'false',
              [`aws:ResourceTag/${ORGANISATION_TAG}`]: 'false',
            },
            ...organisationContextOnly,
            'ForAnyValue:StringLike': { 'kms:ResourceAliases': `${organisationAliasPrefix(props.stage)}*` },
          },
        }),
      ],
    });
    Validations.of(this).acknowledge({
      id: wildcardResourceFinding(this, keys),
      reason:
        'Organisation keys are created at runtime, one per organisation, so their ARNs cannot be listed at deploy ' +
        'time; the statement is bounded instead by the organisation tag, the stage alias prefix and the ' +
        'encryption-context conditions, and to Decrypt and GenerateDataKey.',
    });
  }
}

/**
 * Lets a role ask where an organisation key is in its life: `kms:DescribeKey` only, only when the request names the key
 * by an alias under this stage's prefix (which still answers, `NotFoundException`, once the key and its tag are gone).
 * The retention function asks it of a key whose offboarded organisation's records failed, so that their expiries pass
 * (decision 0131); the provisioner's sweep before it deletes an offboarded organisation's users (decision 0132).
 */
export class OrganisationKeyLifecyclePolicy extends ManagedPolicy {
  constructor(scope: Construct, id: string, props: OrganisationKeyPolicyProps) {
    const keys = keyArns(scope);
    super(scope, id, {
      description: `Confide ${props.stage}: where each organisation key is in its life, asked by its alias`,
      roles: [props.role],
      statements: [
        new PolicyStatement({
          sid: 'DescribeOrganisationKeysByAlias',
          effect: Effect.ALLOW,
          actions: ['kms:DescribeKey'],
          resources: [keys],
          conditions: { StringLike: { 'kms:RequestAlias': `${organisationAliasPrefix(props.stage)}*` } },
        }),
      ],
    });
    Validations.of(this).acknowledge({
      id: wildcardResourceFinding(this, keys),
      reason:
        'Organisation keys are created at runtime, one per organisation, so their ARNs cannot be listed at deploy ' +
        'time; the statement is bounded instead by the stage alias prefix the request must name, and to DescribeKey.',
    });
  }
}

/**
 * Lets the provisioner role create and retire organisation keys. It is the only role with `kms:CreateKey`.
 *
 * - `kms:CreateKey` and `kms:TagResource` only when the request tags the new key with {@link ORGANISATION_TAG}
 *   and no other tag (tag-on-create); `kms:TagResource` must cover every key in the account for that (KMS
 *   requirement), so the request-tag conditions are what limit it. Symmetric encryption keys only.
 * - `kms:CreateAlias` only for aliases under `alias/confide/<stage>/`, checked on both the alias and the key.
 * - `kms:DescribeKey`, `kms:EnableKeyRotation` and `kms:ScheduleKeyDeletion` only on keys carrying the organisation
 *   tag.
 * - `kms:GenerateDataKey` (the organisation's first branch key) only on tagged keys and only under `{ orgId }`.
 * - Never `kms:PutKeyPolicy` (decision 0029): once a key exists only the break-glass role its policy names may change
 *   that policy. `CreateKey` therefore bypasses KMS's lockout safety check (the creator is not the one who may change
 *   the policy; the break-glass role is, so nothing is locked out); `PutKeyPolicy` is denied outright.
 */
export class OrganisationKeyProvisioningPolicy extends ManagedPolicy {
  constructor(scope: Construct, id: string, props: OrganisationKeyPolicyProps) {
    const stack = Stack.of(scope);
    const keys = keyArns(scope);
    const aliases = stack.formatArn({
      service: 'kms',
      resource: 'alias',
      resourceName: `confide/${props.stage}/*`,
    });
    const aliasPattern = `${organisationAliasPrefix(props.stage)}*`;
    const taggedKeysOnly = { [`aws:ResourceTag/${ORGANISATION_TAG}`]: 'false' };
    const organisationTagOnly = {
      StringLike: { [`aws:RequestTag/${ORGANISATION_TAG}`]: '*' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [ORGANISATION_TAG] },
    };
    super(scope, id, {
      description: `Confide ${props.stage}: the provisioner creates, names and retires organisation keys`,
      roles: [props.role],
      statements: [
        new PolicyStatement({
          sid: 'CreateOrganisationKeysTaggedOnCreate',
          actions: ['kms:CreateKey'],
          resources: ['*'],
          conditions: {
            ...organisationTagOnly,
            StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT' },
          },
        }),
        new PolicyStatement({
          sid: 'TagOrganisationKeysOnCreate',
          actions: ['kms:TagResource'],
          resources: [keys],
          conditions: organisationTagOnly,
        }),
        new PolicyStatement({
          sid: 'CreateOrganisationAliases',
          actions: ['kms:CreateAlias'],
          resources: [aliases],
        }),
        new PolicyStatement({
          sid: 'PointOrganisationAliasesAtOrganisationKeys',
          actions: ['kms:CreateAlias'],
          resources: [keys],
          conditions: { Null: taggedKeysOnly, StringLike: { 'kms:AliasName': aliasPattern } },
        }),
        new PolicyStatement({
          sid: 'ManageAndRetireOrganisationKeys',
          actions: ['kms:DescribeKey', 'kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion'],
          resources: [keys],
          conditions: { Null: taggedKeysOnly },
        }),
        new PolicyStatement({
          sid: 'CreateFirstBranchKeyUnderOrganisationContext',
          actions: ['kms:GenerateDataKey'],
          resources: [keys],
          conditions: {
            Null: { ...taggedKeysOnly, [`kms:EncryptionContext:${ORGANISATION_CONTEXT_KEY}`]: 'false' },
            ...organisationContextOnly,
          },
        }),
        new PolicyStatement({
          sid: 'NeverChangeKeyPolicies',
          effect: Effect.DENY,
          actions: ['kms:PutKeyPolicy'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'kms:CreateKey has no resource ARN before the key exists; the statement only allows symmetric encryption ' +
        'keys whose creation request carries the confide:organisation tag and no other tag.',
    });
    Validations.of(this).acknowledge({
      id: wildcardResourceFinding(this, keys),
      reason:
        'Organisation keys are created at runtime, one per organisation, so their ARNs cannot be listed at deploy ' +
        'time; every statement on them requires the confide:organisation tag (on the key, or in the request for ' +
        'tag-on-create, which KMS requires to cover all keys), and GenerateDataKey the orgId encryption context.',
    });
    Validations.of(this).acknowledge({
      id: wildcardResourceFinding(this, aliases),
      reason:
        'One alias per organisation (alias/confide/<stage>/<orgId>), created at runtime; the wildcard is limited ' +
        "to this stage's organisation alias prefix.",
    });
  }
}
