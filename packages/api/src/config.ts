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
  /** Protections from GraphQL abuse (see `hardening.ts`); each exceeded limit is a `BAD_USER_INPUT` error. */
  readonly limits: RequestLimits;
  /** Per-organisation token bucket (see `rate-limit.ts`); undefined turns it off (locally, unless configured). */
  readonly rateLimit: RateLimitConfig | undefined;
}

/** Shape limits of one GraphQL request. */
export interface RequestLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  readonly maxCost: number;
  /** Request body cap in bytes; a larger body is refused with HTTP 413. */
  readonly maxBodyBytes: number;
}

/** A token bucket per organisation, per process (per Lambda container in AWS). */
export interface RateLimitConfig {
  /** Sustained requests per second an organisation may make. */
  readonly requestsPerSecond: number;
  /** Bucket size: requests an organisation may make at once after a quiet spell. */
  readonly burst: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
  maxCost: 10_000,
  maxBodyBytes: 256 * 1024,
};

/** Deployed stages get a per-organisation limit by default; local and test stacks none unless configured. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = { requestsPerSecond: 25, burst: 50 };

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`Invalid configuration: ${name}=${value}`);
  return parsed;
}

function rateLimitFromEnv(env: NodeJS.ProcessEnv, stage: string): RateLimitConfig | undefined {
  if (env.CONFIDE_RATE_LIMIT === 'off') return undefined;
  const configured = env.CONFIDE_RATE_LIMIT_RPS !== undefined || env.CONFIDE_RATE_LIMIT_BURST !== undefined;
  if (!configured && (stage === 'local' || stage === 'test')) return undefined;
  const requestsPerSecond = numberFrom(env, 'CONFIDE_RATE_LIMIT_RPS', DEFAULT_RATE_LIMIT.requestsPerSecond);
  return {
    requestsPerSecond,
    burst: numberFrom(env, 'CONFIDE_RATE_LIMIT_BURST', Math.max(DEFAULT_RATE_LIMIT.burst, requestsPerSecond)),
  };
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
    limits: {
      maxDepth: numberFrom(env, 'CONFIDE_MAX_DEPTH', DEFAULT_LIMITS.maxDepth),
      maxAliases: numberFrom(env, 'CONFIDE_MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
      maxDirectives: numberFrom(env, 'CONFIDE_MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives),
      maxTokens: numberFrom(env, 'CONFIDE_MAX_TOKENS', DEFAULT_LIMITS.maxTokens),
      maxCost: numberFrom(env, 'CONFIDE_MAX_COST', DEFAULT_LIMITS.maxCost),
      maxBodyBytes: numberFrom(env, 'CONFIDE_MAX_BODY_BYTES', DEFAULT_LIMITS.maxBodyBytes),
    },
    rateLimit: rateLimitFromEnv(env, stage),
  };
}
