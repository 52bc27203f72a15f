import { tableNames } from '@confide/store';

/** Everything the API needs to run, in production and locally. Built once per process. */
export interface ConfideConfig {
  readonly stage: string;
  readonly region: string;
  readonly tables: { readonly data: string; readonly keys: string };
  /** Endpoint overrides for the local stack; absent in AWS. */
  readonly endpoints: { readonly dynamodb?: string; readonly kms?: string };
  readonly auth: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUrl: string;
    /** Tokens carrying this group are platform operators. */
    readonly operatorGroup: string;
  };
  readonly kms: {
    readonly aliasPrefix: string;
    readonly accountId: string;
    readonly apiRoleArn: string;
    readonly provisionerRoleArn: string;
    readonly keyCacheTtlMs: number;
  };
  /** Introspection and GraphiQL: on locally and in dev, off in prod unless enabled. */
  readonly introspection: boolean;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Missing configuration: ${name}`);
  return value;
}

/** Reads the configuration from environment variables (set by CDK in AWS, by the local stack locally). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ConfideConfig {
  const stage = env.CONFIDE_STAGE ?? 'local';
  const names = tableNames(stage);
  const accountId = env.CONFIDE_ACCOUNT_ID ?? '000000000000';
  return {
    stage,
    region: env.AWS_REGION ?? 'eu-west-2',
    tables: { data: env.CONFIDE_DATA_TABLE ?? names.data, keys: env.CONFIDE_KEY_TABLE ?? names.keys },
    endpoints: {
      ...(env.CONFIDE_DYNAMODB_ENDPOINT ? { dynamodb: env.CONFIDE_DYNAMODB_ENDPOINT } : {}),
      ...(env.CONFIDE_KMS_ENDPOINT ? { kms: env.CONFIDE_KMS_ENDPOINT } : {}),
    },
    auth: {
      issuer: required(env, 'CONFIDE_JWT_ISSUER'),
      audience: required(env, 'CONFIDE_JWT_AUDIENCE'),
      jwksUrl: env.CONFIDE_JWKS_URL ?? `${required(env, 'CONFIDE_JWT_ISSUER')}/.well-known/jwks.json`,
      operatorGroup: env.CONFIDE_OPERATOR_GROUP ?? 'confide-operators',
    },
    kms: {
      aliasPrefix: `alias/confide/${stage}/`,
      accountId,
      apiRoleArn: env.CONFIDE_API_ROLE_ARN ?? `arn:aws:iam::${accountId}:role/confide-${stage}-api`,
      provisionerRoleArn:
        env.CONFIDE_PROVISIONER_ROLE_ARN ?? `arn:aws:iam::${accountId}:role/confide-${stage}-provisioner`,
      keyCacheTtlMs: Number(env.CONFIDE_KEY_CACHE_TTL_MS ?? 5 * 60 * 1000),
    },
    introspection: env.CONFIDE_INTROSPECTION ? env.CONFIDE_INTROSPECTION === 'true' : stage !== 'prod',
  };
}
