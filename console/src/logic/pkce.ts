/**
 * Sign-in through the user pool's hosted UI with the authorisation code flow and PKCE (RFC 7636, S256): the console
 * has no client secret, so the code it receives is bound to a verifier only this browser tab holds.
 */

/** Where the console signs in, from `config.json` beside the build (AWS only). */
export interface HostedSignInConfig {
  readonly authDomainUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
}

const base64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

/** A random string of URL-safe characters from `bytes` random bytes (32 bytes: a 43-character verifier). */
export function randomUrlSafe(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)), unpadded. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** The hosted sign-in address the browser is sent to. */
export function authorizeUrl(config: HostedSignInConfig, challenge: string, state: string): string {
  const url = new URL('/oauth2/authorize', config.authDomainUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  return url.toString();
}

/** The token request that trades the code and the verifier for tokens (form-encoded, no secret). */
export function tokenRequest(
  config: HostedSignInConfig,
  code: string,
  verifier: string,
): { url: string; body: URLSearchParams } {
  return {
    url: new URL('/oauth2/token', config.authDomainUrl).toString(),
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: config.redirectUri,
      code_verifier: verifier,
    }),
  };
}

/**
 * The hosted sign-in's logout address: it ends the user pool's own session (a cookie on its domain), without which
 * the next "Sign in" on a shared computer gets a code at once for whoever signed in last. The console's address is
 * registered as both its callback and its sign-out URL (infra/constructs/console-hosting.ts), and the user pool
 * returns only to a registered one.
 */
export function logoutUrl(config: HostedSignInConfig): string {
  const url = new URL('/logout', config.authDomainUrl);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri }).toString();
  return url.toString();
}

/**
 * Whether an access token has expired by its own `exp` claim (read, not verified: only the API verifies a token). A
 * token that is not a JWT, or has no `exp`, is not expired: the API's answer decides then.
 */
export function tokenExpired(token: string, nowMs: number): boolean {
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    const text = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(text) as { exp?: unknown }).exp;
    return typeof exp === 'number' && exp * 1000 <= nowMs;
  } catch {
    return false;
  }
}

/** The longest screen address the console keeps to return to: its routes are far shorter. */
const RETURN_ROUTE_MAX = 2000;

/** Where a tab keeps what the console stores for it (`sessionStorage`, or a stand-in in a test). */
export type TabStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** A screen of the console's own to return to (its hash route, `#/…`), or undefined for anything else. */
export function returnRouteOf(hash: string | null | undefined): string | undefined {
  return hash?.startsWith('#/') && hash.length <= RETURN_ROUTE_MAX ? hash : undefined;
}

/**
 * Keeps the screen a person is on (`hash`), under `key`, before they sign in again: the hosted sign-in returns to the
 * console's one registered address, not to the screen. Anything that is not one of the console's routes is not kept,
 * and forgets what was.
 */
export function keepReturnRoute(store: TabStore, key: string, hash: string): void {
  const route = returnRouteOf(hash);
  if (route) store.setItem(key, route);
  else store.removeItem(key);
}

/** The screen kept under `key` to return to, if it is one of the console's routes; forgotten either way (used once). */
export function takeReturnRoute(store: TabStore, key: string): string | undefined {
  const route = returnRouteOf(store.getItem(key));
  store.removeItem(key);
  return route;
}
