import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';

export interface TokenIssuer {
  /** The `iss` of every token (Cognito's is `https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
  stop(): Promise<void>;
}

/** Claims the local issuer can put in a token; `org_id` binds a tenant principal to one organisation. */
export interface TokenClaims extends JWTPayload {
  sub: string;
  org_id?: string;
  client_id?: string;
  /** `access` unless set: Cognito's `id` tokens are for the client that signed in, and the api refuses them. */
  token_use?: 'access' | 'id';
  scope?: string;
  'cognito:groups'?: string[];
}

export const LOCAL_AUDIENCE = 'confide-local';
/** The partner agencies' scope (the api's default `CONFIDE_PARTNER_SCOPE`, CDK's resource server scope). */
export const LOCAL_PARTNER_SCOPE = 'confide/partner.read';
/**
 * A fixed issuer name, so tokens stay valid when the stack restarts on other ports; the JWKS URL is where the
 * keys are fetched from, as with Cognito, whose issuer and JWKS URL also differ in path.
 */
export const LOCAL_ISSUER = 'https://issuer.confide.local';
const ALGORITHM = 'ES256';
const KEY_ID = 'confide-local-1';

/**
 * A local stand-in for the Cognito user pool: an ES256 key pair (kept in the data folder, so tokens survive a
 * restart) and a JWKS served over HTTP at `/.well-known/jwks.json`, the path where Cognito serves its own. The
 * API verifies local tokens exactly as it verifies Cognito's: signature against the JWKS, issuer, audience,
 * expiry.
 */
export async function startTokenIssuer(
  options: { dataDir?: string; port?: number } = {},
): Promise<TokenIssuer> {
  const { publicJwk } = await loadOrCreateKeyPair(options.dataDir);
  const jwks = JSON.stringify({ keys: [{ ...publicJwk, kid: KEY_ID, alg: ALGORITHM, use: 'sig' }] });
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      response.end(jwks);
      return;
    }
    response.writeHead(404).end();
  });
  const port = await listen(server, options.port ?? 0);
  return {
    issuer: LOCAL_ISSUER,
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    audience: LOCAL_AUDIENCE,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Signs a token with the local issuer's key (read from the data folder). Used by `confide token` and by
 * tests; `expiresIn` accepts jose's forms (`'8h'`, seconds since epoch, …). An access token (`token_use`) unless
 * the claims say otherwise; without an `audience` it has no `aud`, like a Cognito access token (which names its
 * app client in `client_id` instead).
 */
export async function mintToken(
  dataDir: string | undefined,
  settings: {
    issuer: string;
    audience?: string;
    expiresIn?: string | number;
    notBefore?: number;
    /** `iat` in seconds since the epoch; now unless set (tests of clock skew). */
    issuedAt?: number;
  },
  claims: TokenClaims,
): Promise<string> {
  const { privateJwk } = await loadOrCreateKeyPair(dataDir);
  const key = await importJWK(privateJwk, ALGORITHM);
  // A client-credentials token (subject = app client) carries its client's scope, as Cognito grants it: a partner
  // agency's is the partner scope, which the api requires of partners. Tests name another scope (or '') to drop it.
  const clientCredentials = claims.client_id !== undefined && claims.sub === claims.client_id;
  const scope = clientCredentials && !('scope' in claims) ? { scope: LOCAL_PARTNER_SCOPE } : {};
  const jwt = new SignJWT({ token_use: 'access', ...scope, ...claims })
    .setProtectedHeader({ alg: ALGORITHM, kid: KEY_ID, typ: 'JWT' })
    .setIssuer(settings.issuer)
    .setIssuedAt(settings.issuedAt)
    .setExpirationTime(settings.expiresIn ?? '8h');
  if (settings.audience !== undefined) jwt.setAudience(settings.audience);
  if (settings.notBefore !== undefined) jwt.setNotBefore(settings.notBefore);
  return jwt.sign(key);
}

const memoryKeys = new Map<string, { privateJwk: JWK; publicJwk: JWK }>();

async function loadOrCreateKeyPair(
  dataDir: string | undefined,
): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const cacheKey = dataDir ?? '(memory)';
  const cached = memoryKeys.get(cacheKey);
  if (cached) return cached;
  const file = dataDir ? join(dataDir, 'issuer', 'signing-key.json') : undefined;
  let pair: { privateJwk: JWK; publicJwk: JWK };
  if (file && existsSync(file)) {
    pair = JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
  } else {
    const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    pair = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    if (file && dataDir) {
      mkdirSync(join(dataDir, 'issuer'), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(pair), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    }
  }
  memoryKeys.set(cacheKey, pair);
  return pair;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('No port assigned.'));
    });
  });
}
