import { describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  codeChallenge,
  keepReturnRoute,
  logoutUrl,
  randomUrlSafe,
  returnRouteOf,
  takeReturnRoute,
  tokenExpired,
  tokenRequest,
} from './pkce';

const CONFIG = {
  authDomainUrl: 'https://confide-test.auth.eu-west-2.amazoncognito.com',
  clientId: 'console-client',
  redirectUri: 'https://d111.cloudfront.net/console/',
};

describe('PKCE sign-in (RFC 7636)', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    await expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43 URL-safe characters, different each time', () => {
    const [first, second] = [randomUrlSafe(), randomUrlSafe()];
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
  });

  it('sends the browser to the hosted sign-in with the code flow, the S256 challenge and the state', () => {
    const url = new URL(authorizeUrl(CONFIG, 'challenge', 'state-1'));
    expect(url.origin + url.pathname).toBe(`${CONFIG.authDomainUrl}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'console-client',
      redirect_uri: CONFIG.redirectUri,
      scope: 'openid email profile',
      code_challenge: 'challenge',
      code_challenge_method: 'S256',
      state: 'state-1',
    });
  });

  it('trades the code with the verifier and no client secret', () => {
    const { url, body } = tokenRequest(CONFIG, 'the-code', 'the-verifier');
    expect(url).toBe(`${CONFIG.authDomainUrl}/oauth2/token`);
    expect(Object.fromEntries(body)).toEqual({
      grant_type: 'authorization_code',
      client_id: 'console-client',
      code: 'the-code',
      redirect_uri: CONFIG.redirectUri,
      code_verifier: 'the-verifier',
    });
  });

  it('signs out at the hosted sign-in’s logout endpoint, back to the console’s registered sign-out URL', () => {
    const url = new URL(logoutUrl(CONFIG));
    expect(url.origin + url.pathname).toBe(`${CONFIG.authDomainUrl}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'console-client',
      logout_uri: CONFIG.redirectUri,
    });
  });
});

describe('tokenExpired', () => {
  const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
  const now = Date.UTC(2026, 11, 7, 12);

  it('reads the exp claim of a JWT: past is expired, future is not', () => {
    expect(tokenExpired(jwt({ exp: now / 1000 - 1 }), now)).toBe(true);
    expect(tokenExpired(jwt({ exp: now / 1000 + 60 }), now)).toBe(false);
  });

  it('leaves to the API what it cannot read: not a JWT, no exp, a payload that is not JSON', () => {
    expect(tokenExpired('not-a-token', now)).toBe(false);
    expect(tokenExpired(jwt({ sub: 'x' }), now)).toBe(false);
    expect(tokenExpired('h.%%%.s', now)).toBe(false);
  });
});

describe('the screen to return to after signing in again', () => {
  const KEY = 'confide.console.return-route';
  const tabStore = () => {
    const kept = new Map<string, string>();
    return {
      kept,
      getItem: (key: string) => kept.get(key) ?? null,
      setItem: (key: string, value: string) => void kept.set(key, value),
      removeItem: (key: string) => void kept.delete(key),
    };
  };

  it('keeps the console’s own route, and gives it back once', () => {
    const store = tabStore();
    keepReturnRoute(store, KEY, '#/person/U2VydmljZVVzZXI6MQ==');
    expect(store.kept.get(KEY)).toBe('#/person/U2VydmljZVVzZXI6MQ==');
    expect(takeReturnRoute(store, KEY)).toBe('#/person/U2VydmljZVVzZXI6MQ==');
    expect(store.kept.has(KEY)).toBe(false);
    expect(takeReturnRoute(store, KEY)).toBeUndefined();
  });

  it('keeps nothing but a route of the console’s own, and forgets what was kept before', () => {
    const store = tabStore();
    keepReturnRoute(store, KEY, '#/registers/breaches');
    for (const hash of ['', '#', '#top', 'https://elsewhere.example/#/today', `#/${'x'.repeat(2000)}`]) {
      keepReturnRoute(store, KEY, hash);
      expect(store.kept.has(KEY), hash).toBe(false);
    }
    expect(takeReturnRoute(store, KEY)).toBeUndefined();
  });

  it('gives back no stored value that is not a route of the console’s own, and forgets it', () => {
    const store = tabStore();
    store.setItem(KEY, 'javascript:alert(1)');
    expect(takeReturnRoute(store, KEY)).toBeUndefined();
    expect(store.kept.has(KEY)).toBe(false);
    expect(returnRouteOf(null)).toBeUndefined();
    expect(returnRouteOf('#/today')).toBe('#/today');
  });
});
