import { organisationAliasPrefix } from '@confide/keys';
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
    /** The `aud` a token may name (the local issuer's tokens); undefined where only app clients are accepted. */
    readonly audience: string | undefined;
    /**
     * Cognito app clients whose access tokens are accepted: Cognito access tokens name their client in
     * `client_id` (with `token_use` `access`) and carry no `aud`.
     */
    readonly clientIds: readonly string[];
    /**
     * An SSM parameter naming more app clients, comma-separated (`CONFIDE_JWT_CLIENT_IDS_PARAMETER`; decision 0107):
     * the governance console's, whose client is made in a stack that depends on the api's, so its id cannot be in the
     * api's environment. Read when a user's token names a client not listed above.
     */
    readonly clientIdsParameter?: { readonly name: string; readonly endpoint: string };
    readonly jwksUrl: string;
    /** Tokens carrying this group are platform operators. */
    readonly operatorGroup: string;
    /** The OAuth scope every partner agency's token carries (`CONFIDE_PARTNER_SCOPE`, as the provisioner grants it). */
    readonly partnerScope: string;
  };
  readonly kms: {
    readonly aliasPrefix: string;
    readonly accountId: string;
    readonly apiRoleArn: string;
    readonly provisionerRoleArn: string;
    /** The role organisation key policies let use the key (decision 0031): `confide-<stage>-tenant-access`. */
    readonly tenantAccessRoleArn: string;
    readonly keyCacheTtlMs: number;
  };
  /**
   * Browser origins answered to cross-origin (`CONFIDE_CORS_ORIGINS`, comma-separated, plus the local console,
   * `http://localhost:4000`, in the local and test stages); any other origin gets no CORS headers. Never with
   * credentials: the API takes bearer tokens, not cookies.
   */
  readonly corsOrigins: readonly string[];
  /** Introspection and GraphiQL: on locally and in dev, off in prod unless enabled. */
  readonly introspection: boolean;
  /**
   * Whether only registered documents run (`CONFIDE_TRUSTED_DOCUMENTS_ONLY`, decision 0036): on in prod unless turned
   * off, off elsewhere.
   */
  readonly trustedDocumentsOnly: boolean;
  /** Protections from GraphQL abuse (see `hardening.ts`); each exceeded limit is a `BAD_USER_INPUT` error. */
  readonly limits: RequestLimits;
  /** Per-organisation token bucket (see `rate-limit.ts`); undefined turns it off (locally, unless configured). */
  readonly rateLimit: RateLimitConfig | undefined;
  /**
   * The provisioner function that onboards and offboards organisations (in AWS, where the api role may not create
   * or delete KMS keys); undefined runs onboarding in this process (locally).
   */
  readonly provisioner: ProvisionerFunctionConfig | undefined;
  /**
   * The key the api signs provisioner assertions with and the provisioner verifies them with (issue 14): a KMS
   * HMAC key in AWS (`CONFIDE_PROVISIONER_ASSERTION_KMS_KEY`), a secret in the local stack's configuration
   * (`CONFIDE_PROVISIONER_ASSERTION_KEY`). Neither: tenant-scoped provisioner actions are refused.
   */
  readonly provisionerAssertion: { readonly kmsKeyId?: string; readonly secret?: string };
  /**
   * Per-organisation credentials (decision 0031): set in AWS, where CDK names the tenant-access role
   * (`CONFIDE_TENANT_ACCESS_ROLE_ARN`); every tenant item is then read and written with credentials assumed for the
   * request's organisation alone. Undefined locally: the one shared client is every organisation's.
   */
  readonly tenantAccess: TenantAccessConfig | undefined;
}

/** What `AssumedTenantClients` needs: the role, where STS is, and the resources the session policy names. */
export interface TenantAccessConfig {
  readonly roleArn: string;
  /** `https://sts.<region>.amazonaws.com` unless `CONFIDE_STS_ENDPOINT` overrides it (tests). */
  readonly stsEndpoint: string;
  readonly dataTableArn: string;
  readonly keyTableArn: string;
  /** The account's KMS keys; the session policy narrows them to the organisation's encryption context. */
  readonly keyArn: string;
}

/** How the api reaches the provisioner function (`CONFIDE_PROVISIONER_FUNCTION`, `CONFIDE_LAMBDA_ENDPOINT`). */
export interface ProvisionerFunctionConfig {
  /** The function's name (not an ARN): `confide-<stage>-provisioner`. */
  readonly functionName: string;
  /** The Lambda API endpoint, `https://lambda.<region>.amazonaws.com` unless overridden (tests). */
  readonly endpoint: string;
  /** How long the api waits for an onboarding or offboarding, below the api function's own timeout. */
  readonly timeoutMs: number;
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

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function provisionerFromEnv(env: NodeJS.ProcessEnv, region: string): ProvisionerFunctionConfig | undefined {
  const functionName = env.CONFIDE_PROVISIONER_FUNCTION;
  if (!functionName) return undefined;
  if (!FUNCTION_NAME.test(functionName)) {
    throw new Error(
      'Invalid configuration: CONFIDE_PROVISIONER_FUNCTION must be a function name, not an ARN',
    );
  }
  return {
    functionName,
    endpoint: env.CONFIDE_LAMBDA_ENDPOINT || `https://lambda.${region}.amazonaws.com`,
    timeoutMs: numberFrom(env, 'CONFIDE_PROVISIONER_TIMEOUT_MS', 8000),
  };
}

/** Token recipients: an audience, app client ids, or both; at least one, or no token could ever be accepted. */
function tokenRecipientsFromEnv(env: NodeJS.ProcessEnv): {
  audience: string | undefined;
  clientIds: string[];
} {
  const audience = env.CONFIDE_JWT_AUDIENCE || undefined;
  const clientIds = (env.CONFIDE_JWT_CLIENT_IDS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (!audience && clientIds.length === 0) {
    throw new Error('Missing configuration: CONFIDE_JWT_AUDIENCE or CONFIDE_JWT_CLIENT_IDS');
  }
  return { audience, clientIds };
}

/** The local console (GraphiQL served by `npm start`) in the local and test stages. */
export const LOCAL_CONSOLE_ORIGINS = ['http://localhost:4000', 'http://127.0.0.1:4000'] as const;

function corsOriginsFromEnv(env: NodeJS.ProcessEnv, stage: string): string[] {
  const configured = (env.CONFIDE_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of configured) {
    if (origin === '*' || !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`Invalid configuration: CONFIDE_CORS_ORIGINS names "${origin}", not an origin`);
    }
  }
  const local = stage === 'local' || stage === 'test' ? LOCAL_CONSOLE_ORIGINS : [];
  return [...new Set([...local, ...configured])];
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,128}$/;

function tenantAccessFromEnv(
  env: NodeJS.ProcessEnv,
  region: string,
  tables: { readonly data: string; readonly keys: string },
): TenantAccessConfig | undefined {
  const roleArn = env.CONFIDE_TENANT_ACCESS_ROLE_ARN;
  if (!roleArn) return undefined;
  const match = ROLE_ARN.exec(roleArn);
  if (!match)
    throw new Error('Invalid configuration: CONFIDE_TENANT_ACCESS_ROLE_ARN must be an IAM role ARN');
  const accountId = match[1];
  const partition = roleArn.split(':')[1];
  if (env.CONFIDE_ACCOUNT_ID && env.CONFIDE_ACCOUNT_ID !== accountId) {
    throw new Error('Invalid configuration: CONFIDE_TENANT_ACCESS_ROLE_ARN names another account');
  }
  const table = (name: string) => `arn:${partition}:dynamodb:${region}:${accountId}:table/${name}`;
  return {
    roleArn,
    stsEndpoint: env.CONFIDE_STS_ENDPOINT || `https://sts.${region}.amazonaws.com`,
    dataTableArn: table(tables.data),
    keyTableArn: table(tables.keys),
    keyArn: `arn:${partition}:kms:${region}:${accountId}:key/*`,
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
  const region = env.AWS_REGION ?? 'eu-west-2';
  const tables = { data: env.CONFIDE_DATA_TABLE ?? names.data, keys: env.CONFIDE_KEY_TABLE ?? names.keys };
  return {
    stage,
    region,
    tables,
    endpoints: {
      ...(env.CONFIDE_DYNAMODB_ENDPOINT ? { dynamodb: env.CONFIDE_DYNAMODB_ENDPOINT } : {}),
      ...(env.CONFIDE_KMS_ENDPOINT ? { kms: env.CONFIDE_KMS_ENDPOINT } : {}),
    },
    auth: {
      issuer: required(env, 'CONFIDE_JWT_ISSUER'),
      ...tokenRecipientsFromEnv(env),
      ...(env.CONFIDE_JWT_CLIENT_IDS_PARAMETER
        ? {
            clientIdsParameter: {
              name: env.CONFIDE_JWT_CLIENT_IDS_PARAMETER,
              endpoint: env.CONFIDE_SSM_ENDPOINT || `https://ssm.${region}.amazonaws.com`,
            },
          }
        : {}),
      jwksUrl: env.CONFIDE_JWKS_URL ?? `${required(env, 'CONFIDE_JWT_ISSUER')}/.well-known/jwks.json`,
      operatorGroup: env.CONFIDE_OPERATOR_GROUP ?? 'confide-operators',
      partnerScope: env.CONFIDE_PARTNER_SCOPE ?? 'confide/partner.read',
    },
    kms: {
      aliasPrefix: organisationAliasPrefix(stage),
      accountId,
      apiRoleArn: env.CONFIDE_API_ROLE_ARN ?? `arn:aws:iam::${accountId}:role/confide-${stage}-api`,
      provisionerRoleArn:
        env.CONFIDE_PROVISIONER_ROLE_ARN ?? `arn:aws:iam::${accountId}:role/confide-${stage}-provisioner`,
      tenantAccessRoleArn:
        env.CONFIDE_TENANT_ACCESS_ROLE_ARN ?? `arn:aws:iam::${accountId}:role/confide-${stage}-tenant-access`,
      keyCacheTtlMs: numberFrom(env, 'CONFIDE_KEY_CACHE_TTL_MS', 5 * 60 * 1000),
    },
    corsOrigins: corsOriginsFromEnv(env, stage),
    introspection: env.CONFIDE_INTROSPECTION ? env.CONFIDE_INTROSPECTION === 'true' : stage !== 'prod',
    trustedDocumentsOnly: env.CONFIDE_TRUSTED_DOCUMENTS_ONLY
      ? env.CONFIDE_TRUSTED_DOCUMENTS_ONLY === 'true'
      : stage === 'prod',
    limits: {
      maxDepth: numberFrom(env, 'CONFIDE_MAX_DEPTH', DEFAULT_LIMITS.maxDepth),
      maxAliases: numberFrom(env, 'CONFIDE_MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
      maxDirectives: numberFrom(env, 'CONFIDE_MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives),
      maxTokens: numberFrom(env, 'CONFIDE_MAX_TOKENS', DEFAULT_LIMITS.maxTokens),
      maxCost: numberFrom(env, 'CONFIDE_MAX_COST', DEFAULT_LIMITS.maxCost),
      maxBodyBytes: numberFrom(env, 'CONFIDE_MAX_BODY_BYTES', DEFAULT_LIMITS.maxBodyBytes),
    },
    rateLimit: rateLimitFromEnv(env, stage),
    provisioner: provisionerFromEnv(env, region),
    provisionerAssertion: {
      ...(env.CONFIDE_PROVISIONER_ASSERTION_KMS_KEY
        ? { kmsKeyId: env.CONFIDE_PROVISIONER_ASSERTION_KMS_KEY }
        : {}),
      ...(env.CONFIDE_PROVISIONER_ASSERTION_KEY ? { secret: env.CONFIDE_PROVISIONER_ASSERTION_KEY } : {}),
    },
    tenantAccess: tenantAccessFromEnv(env, region, tables),
  };
}
