import {
  authorizeUrl,
  codeChallenge,
  type HostedSignInConfig,
  keepReturnRoute,
  logoutUrl,
  randomUrlSafe,
  takeReturnRoute,
  tokenRequest,
} from './logic';
import { signIn, signOut } from './session';

/** The PKCE verifier and state of a sign-in under way, for this tab only. */
const PENDING_KEY = 'confide.console.pending-sign-in';
/** Set while the hosted session of someone who is not staff is ended, so that the console can say why on its return. */
const NOT_STAFF_KEY = 'confide.console.signed-out-not-staff';
/**
 * The screen (its hash route) a person was on when they chose to sign in again, for this tab only: the hosted sign-in
 * returns to the console's one registered address, and a completed sign-in goes back to this screen.
 */
const RETURN_ROUTE_KEY = 'confide.console.return-route';

/** Keeps the screen this tab is on, to return to it once signed in again through the hosted sign-in. */
export function keepScreenForSignIn(): void {
  keepReturnRoute(sessionStorage, RETURN_ROUTE_KEY, location.hash);
}

/** `config.json` beside the build names the user pool's hosted sign-in (AWS); locally there is none. */
export async function hostedSignInConfig(): Promise<HostedSignInConfig | undefined> {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (!response.ok) return undefined;
    const config = (await response.json()) as Partial<HostedSignInConfig>;
    return config.authDomainUrl && config.clientId && config.redirectUri
      ? { authDomainUrl: config.authDomainUrl, clientId: config.clientId, redirectUri: config.redirectUri }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the browser to the hosted sign-in, keeping the verifier and state in this tab. */
export async function beginHostedSignIn(config: HostedSignInConfig): Promise<void> {
  const verifier = randomUrlSafe();
  const state = randomUrlSafe(16);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  location.assign(authorizeUrl(config, await codeChallenge(verifier), state));
}

/**
 * Completes a sign-in when the hosted sign-in has sent the browser back with a code: checks the state, trades the
 * code and verifier for tokens, and keeps the access token (the API refuses id tokens), then goes to the screen kept
 * by {@link keepScreenForSignIn}, if any. The code leaves the address bar at once. Answers whether a sign-in was completed; a stale or forged return is ignored.
 */
export async function completeHostedSignIn(config: HostedSignInConfig): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const state = params.get('state');
  if (!code && !params.get('error')) return false;
  history.replaceState(null, '', location.pathname + location.hash);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (!code || !pending || pending.state !== state) return false;
  const { url, body } = tokenRequest(config, code, pending.verifier);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (!response.ok) return false;
  const tokens = (await response.json()) as { access_token?: string };
  if (!tokens.access_token) return false;
  signIn({ token: tokens.access_token, who: '' });
  // Back to the screen kept when the person chose to sign in again, if any (once): the console routes by the address.
  const back = takeReturnRoute(sessionStorage, RETURN_ROUTE_KEY);
  if (back) history.replaceState(null, '', location.pathname + back);
  return true;
}

/**
 * Signs out: forgets this tab's token, then, when the console signs in through the hosted sign-in, sends the browser
 * to its logout endpoint, which ends the hosted session and returns to the console. Answers false when there is no
 * hosted sign-in (the local demo users), leaving the caller to show the sign-in screen.
 */
export async function signOutAndEndHostedSession(): Promise<boolean> {
  signOut();
  const hosted = await hostedSignInConfig();
  if (!hosted) return false;
  location.assign(logoutUrl(hosted));
  return true;
}

/**
 * Someone signed in who is not staff (a person the charity supports, a partner agency): their hosted session is ended
 * too, or the next sign-in on this browser would sign them in again without asking who it is, and no staff member
 * could sign in there. Answers false when there is no hosted sign-in; otherwise the browser leaves for its logout
 * endpoint, and {@link signedOutAsNotStaff} tells the console, once back, why.
 */
export async function endHostedSessionOfNonStaff(): Promise<boolean> {
  if (!(await hostedSignInConfig())) return false;
  sessionStorage.setItem(NOT_STAFF_KEY, '1');
  return signOutAndEndHostedSession();
}

/** Whether the console has just ended the hosted session of someone who was not staff (asked once). */
export function signedOutAsNotStaff(): boolean {
  const ended = sessionStorage.getItem(NOT_STAFF_KEY) !== null;
  sessionStorage.removeItem(NOT_STAFF_KEY);
  return ended;
}
