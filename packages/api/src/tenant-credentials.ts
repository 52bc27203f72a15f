import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { OrgId } from '@confide/domain';
import { LeanDynamoDBClient, packedSessionPolicy, type TenantClients } from '@confide/store';
import { SignatureV4 } from '@smithy/signature-v4';
import { signedPostHeaders } from './signed-post';

/** Assumed credentials, as the SDK's credential providers return them. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Options of {@link AssumedTenantClients}. */
export interface AssumedTenantClientsOptions {
  /** The tenant-access role (CDK `TenantAccessRole`); only the api role may assume it. */
  readonly roleArn: string;
  readonly region: string;
  /** `https://sts.<region>.amazonaws.com` unless overridden (tests). */
  readonly stsEndpoint: string;
  readonly dataTableArn: string;
  readonly keyTableArn: string;
  /** The organisation keys' ARN pattern; the session narrows it to the organisation's encryption context. */
  readonly keyArn: string;
  /** The api role's own credentials (the SDK clients' provider) and hash, to sign AssumeRole with. */
  readonly credentials: DynamoDBClient['config']['credentials'];
  readonly sha256: DynamoDBClient['config']['sha256'];
  /** Renew this long before the assumed credentials expire. */
  readonly marginMs?: number;
  readonly now?: () => number;
  /** The DynamoDB endpoint (tests); AWS's own by default. */
  readonly dynamodbEndpoint?: string;
  /** Told of each organisation's client once, when it is made (the request counters' middleware). */
  readonly onClient?: (client: DynamoDBClient) => void;
  /** The KMS endpoint (tests); AWS's own by default. */
  readonly kmsEndpoint?: string;
  /** Told of each organisation's KMS client once, when it is made (the request counters' middleware). */
  readonly onKmsClient?: (client: KMSClient) => void;
}

/** AssumeRole failed: a fault, masked as INTERNAL; names nothing of the request. */
export class TenantCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantCredentialsError';
  }
}

const DEFAULT_MARGIN_MS = 5 * 60 * 1000;

/**
 * Per-organisation DynamoDB clients signing with credentials assumed for that organisation (decision 0031): STS
 * `AssumeRole` of the tenant-access role with the inline session policy of `tenantSessionPolicy`, cached per
 * organisation until `marginMs` before they expire. AssumeRole is a SigV4-signed Query request built by hand with
 * the signer the SDK clients already bundle: `@aws-sdk/client-sts` would add to the api bundle for one call
 * (as `ProvisionerFunction` does for Lambda Invoke, decision 0018).
 */
export class AssumedTenantClients implements TenantClients {
  readonly #options: AssumedTenantClientsOptions;
  readonly #signer: SignatureV4;
  readonly #clients = new Map<OrgId, DynamoDBClient>();
  readonly #kmsClients = new Map<OrgId, KMSClient>();
  readonly #credentials = new Map<OrgId, Promise<AwsCredentialIdentity>>();

  constructor(options: AssumedTenantClientsOptions) {
    this.#options = options;
    this.#signer = new SignatureV4({
      service: 'sts',
      region: options.region,
      credentials: options.credentials,
      sha256: options.sha256,
    });
  }

  forOrg(orgId: OrgId): DynamoDBClient {
    let client = this.#clients.get(orgId);
    if (!client) {
      client = new LeanDynamoDBClient({
        region: this.#options.region,
        ...(this.#options.dynamodbEndpoint ? { endpoint: this.#options.dynamodbEndpoint } : {}),
        credentials: () => this.credentialsFor(orgId),
      });
      this.#options.onClient?.(client);
      this.#clients.set(orgId, client);
    }
    return client;
  }

  /**
   * The organisation's KMS client, signing with the same cached credentials as its DynamoDB client: the session
   * policy lets it use the organisation key only under `kms:EncryptionContext:orgId = <orgId>`, and the key's policy
   * names the tenant-access role, not the api role (decision 0031).
   */
  kmsForOrg(orgId: OrgId): KMSClient {
    let client = this.#kmsClients.get(orgId);
    if (!client) {
      client = new KMSClient({
        region: this.#options.region,
        ...(this.#options.kmsEndpoint ? { endpoint: this.#options.kmsEndpoint } : {}),
        credentials: () => this.credentialsFor(orgId),
      });
      this.#options.onKmsClient?.(client);
      this.#kmsClients.set(orgId, client);
    }
    return client;
  }

  /** The per-organisation KMS clients as the key hierarchy takes them (`PerOrganisation<KMSClient>`). */
  readonly kms = { forOrg: (orgId: OrgId): KMSClient => this.kmsForOrg(orgId) };

  /** The organisation's assumed credentials, from the cache while more than the margin remains. */
  credentialsFor(orgId: OrgId): Promise<AwsCredentialIdentity> {
    const now = (this.#options.now ?? Date.now)();
    const margin = this.#options.marginMs ?? DEFAULT_MARGIN_MS;
    const cached = this.#credentials.get(orgId);
    if (cached) {
      return cached.then((credentials) => {
        if ((credentials.expiration?.getTime() ?? 0) - margin > now) return credentials;
        if (this.#credentials.get(orgId) === cached) this.#credentials.delete(orgId);
        return this.credentialsFor(orgId);
      });
    }
    const pending = this.#assume(orgId);
    this.#credentials.set(orgId, pending);
    pending.catch(() => {
      if (this.#credentials.get(orgId) === pending) this.#credentials.delete(orgId);
    });
    return pending;
  }

  async #assume(orgId: OrgId): Promise<AwsCredentialIdentity> {
    const options = this.#options;
    const url = new URL('/', options.stsEndpoint);
    const body = new URLSearchParams({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: options.roleArn,
      // The session name appears in CloudTrail: the organisation id, never anything about a person.
      RoleSessionName: `confide-${orgId}`,
      Policy: packedSessionPolicy({
        orgId,
        dataTableArn: options.dataTableArn,
        keyTableArn: options.keyTableArn,
        keyArn: options.keyArn,
      }),
      DurationSeconds: '3600',
    }).toString();
    const headers = await signedPostHeaders(
      this.#signer,
      url,
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    );
    let text: string;
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
      text = await response.text();
      if (response.status !== 200)
        throw new TenantCredentialsError(`AssumeRole failed: HTTP ${response.status}.`);
    } catch (error) {
      if (error instanceof TenantCredentialsError) throw error;
      throw new TenantCredentialsError('STS could not be reached.');
    }
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
    const accessKeyId = field('AccessKeyId');
    const secretAccessKey = field('SecretAccessKey');
    const sessionToken = field('SessionToken');
    const expiration = field('Expiration');
    if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration)
      throw new TenantCredentialsError('AssumeRole answered without credentials.');
    return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
  }
}
