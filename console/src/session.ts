/**
 * Who is signed in: a bearer token kept for this browser tab only (sessionStorage), never in a cookie or in
 * localStorage, so closing the tab signs out.
 */
const TOKEN_KEY = 'confide.console.token';
const WHO_KEY = 'confide.console.who';

export interface SignedIn {
  readonly token: string;
  readonly who: string;
}

export function currentSession(): SignedIn | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { token, who: sessionStorage.getItem(WHO_KEY) ?? '' } : undefined;
}

export function signIn(session: SignedIn): void {
  sessionStorage.setItem(TOKEN_KEY, session.token);
  sessionStorage.setItem(WHO_KEY, session.who);
}

/** Forgets this tab's token. Signing a person out also ends the hosted sign-in's session (`hosted-sign-in.ts`). */
export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(WHO_KEY);
}
