import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONSOLE_DIST } from './build';

/** A user the local sign-in lists: demo staff for `npm start`, a test organisation's staff in the browser tests. */
export interface LocalSignInUser {
  readonly organisation: string;
  readonly organisationName: string;
  readonly handle: string;
  readonly displayName: string;
  readonly roles: readonly string[];
}

export interface LocalConsoleOptions {
  /** The users the sign-in screen lists. */
  readonly users: () => Promise<readonly LocalSignInUser[]>;
  /** A token for one of those users (minted by the local issuer), or undefined for anyone else. */
  readonly tokenFor: (organisation: string, handle: string) => Promise<string | undefined>;
  /** The built console (default: console/dist). */
  readonly distDir?: string;
  /**
   * A hosted sign-in to use instead of the demo users, served as `/console/config.json` as the pipeline uploads it in
   * AWS (the browser tests point it at a stand-in authorisation server). Its origin joins the CSP's connect-src.
   */
  readonly hostedSignIn?: {
    readonly authDomainUrl: string;
    readonly clientId: string;
    /** Where the sign-in returns to; by default the console's own address on this server. */
    readonly redirectUri?: string;
  };
}

/** The path the console is served under, as `vite.config.ts` builds it. */
export const CONSOLE_PATH = '/console';
const SIGN_IN_PATH = `${CONSOLE_PATH}/local-sign-in`;
const MAX_SIGN_IN_BODY = 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * The headers CloudFront sends in AWS, sent locally too so that what works here works there: scripts, styles and
 * API calls from the console's own origin only, no inline script, no framing.
 */
export function consoleSecurityHeaders(authOrigin?: string): Readonly<Record<string, string>> {
  return {
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
      `connect-src 'self'${authOrigin ? ` ${authOrigin}` : ''}; ` +
      "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string,
  headers = consoleSecurityHeaders(),
): void {
  response.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'cache-control': 'no-store',
  });
  response.end(body);
}

async function readSmallBody(request: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_SIGN_IN_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function signIn(request: IncomingMessage, response: ServerResponse, options: LocalConsoleOptions) {
  const json = 'application/json';
  const path = request.url?.split('?')[0];
  if (request.method === 'GET' && path === `${SIGN_IN_PATH}/users`) {
    return send(response, 200, JSON.stringify(await options.users()), json);
  }
  if (request.method === 'POST' && path === `${SIGN_IN_PATH}/token`) {
    const body = await readSmallBody(request);
    let wanted: { organisation?: unknown; handle?: unknown } = {};
    try {
      wanted = body ? (JSON.parse(body) as typeof wanted) : {};
    } catch {
      // An unreadable body is answered like an unknown user.
    }
    const known = (await options.users()).some(
      (user) => user.organisation === wanted.organisation && user.handle === wanted.handle,
    );
    const token =
      known && typeof wanted.organisation === 'string' && typeof wanted.handle === 'string'
        ? await options.tokenFor(wanted.organisation, wanted.handle)
        : undefined;
    return token
      ? send(response, 200, JSON.stringify({ token }), json)
      : send(response, 404, JSON.stringify({ error: 'No such demo user.' }), json);
  }
  return send(response, 404, JSON.stringify({ error: 'Not found.' }), json);
}

/**
 * Serves the built console under /console and the local sign-in beside it; answers true when the request was the
 * console's. Files are read from the build folder only (a path that leaves it is 404). The console routes with the
 * URL's hash, so every screen is /console/ itself.
 */
export function localConsoleHandler(options: LocalConsoleOptions) {
  const dist = normalize(options.distDir ?? CONSOLE_DIST);
  const headers = consoleSecurityHeaders(
    options.hostedSignIn ? new URL(options.hostedSignIn.authDomainUrl).origin : undefined,
  );
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const path = decodeURIComponent(request.url?.split('?')[0] ?? '');
    if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return false;
    if (path === `${CONSOLE_PATH}/config.json`) {
      // Without a hosted sign-in the console offers the demo users (an empty config names none).
      const hosted = options.hostedSignIn;
      const config = hosted
        ? { ...hosted, redirectUri: hosted.redirectUri ?? `http://${request.headers.host}${CONSOLE_PATH}/` }
        : {};
      send(response, 200, JSON.stringify(config), 'application/json', headers);
      return true;
    }
    if (path.startsWith(`${SIGN_IN_PATH}/`)) {
      await signIn(request, response, options);
      return true;
    }
    if (path === CONSOLE_PATH) {
      response.writeHead(308, { location: `${CONSOLE_PATH}/` }).end();
      return true;
    }
    const relative = path.slice(CONSOLE_PATH.length + 1) || 'index.html';
    const file = normalize(join(dist, relative));
    if (!file.startsWith(dist + sep) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      send(response, 404, 'Not found', 'text/plain; charset=utf-8');
      return true;
    }
    try {
      const content = await readFile(file);
      send(response, 200, content, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', headers);
    } catch {
      send(response, 404, 'Not found', 'text/plain; charset=utf-8');
    }
    return true;
  };
}

/** An HTTP server for the API's handler with the console beside it (the local server of `npm start`). */
export function startServerWithConsole(
  api: (request: IncomingMessage, response: ServerResponse) => unknown,
  consoleHandler: ReturnType<typeof localConsoleHandler>,
  port: number,
  host = '127.0.0.1',
): Promise<Server> {
  const server = createServer((request, response) => {
    consoleHandler(request, response).then(
      (handled) => {
        if (!handled) api(request, response);
      },
      () => {
        if (!response.headersSent) response.writeHead(500).end();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
