import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensureConsoleBuilt,
  type LocalSignInUser,
  localConsoleHandler,
  startServerWithConsole,
} from '@confide/console/server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect, onTestFailed } from 'vitest';
import type { TestApi } from '../support/test-api';

/**
 * Debian's Chromium headless shell (package `chromium-headless-shell`; CI's .ci/run installs it): Playwright's own
 * browser download needs the internet. The shell is the same Chromium without the desktop browser around it, which
 * Playwright itself runs for headless tests; the full `chromium` binary in headless mode also loads the browser's own
 * web UI (the omnibox popup, some seventy modules) in a renderer for every window, and cost the console tests about
 * 2.8 times the Chromium CPU (decision 0064).
 */
export const CHROMIUM = '/usr/bin/chromium-headless-shell';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots of each screen go (git-ignored): look at them after a run. */
export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

/**
 * Starts headless Chromium. A machine without it fails the test with the fix, never skips it: the console's
 * behaviour is only proved in a browser.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's Chromium headless shell (apt-get install -y chromium-headless-shell), as .ci/run does`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/**
 * A browser context whose waits have no clock of their own: Playwright's 30 s default failed a wait for a screen on a
 * machine at load 20 that was only slow. A wait lasts until its condition holds; the test's own timeout is the
 * ceiling for a hung one.
 */
export async function openContext(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0],
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(0);
  context.setDefaultNavigationTimeout(0);
  return context;
}

/** A person of the test organisation the console's sign-in lists. */
export interface ConsoleUser extends LocalSignInUser {
  readonly token: string;
}

/**
 * The built console and the API on one local HTTP server, as `npm start` serves them, with a sign-in that lists the
 * test organisation's people. The run's global setup has built the console; it is built again here only when its
 * sources changed since (vitest's watch mode).
 */
export async function startConsole(
  api: TestApi,
  users: () => readonly ConsoleUser[],
  hostedSignIn?: { authDomainUrl: string; clientId: string },
): Promise<{ url: string; stop: () => Promise<void> }> {
  await ensureConsoleBuilt();
  const server = await startServerWithConsole(
    api.yoga,
    localConsoleHandler({
      users: async () => users().map(({ token: _token, ...user }) => user),
      tokenFor: async (organisation, handle) =>
        users().find((user) => user.organisation === organisation && user.handle === handle)?.token,
      ...(hostedSignIn ? { hostedSignIn } : {}),
    }),
    0,
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/console/`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Signs in through the console's sign-in screen, as a person would: the button with their name. */
export async function signInAs(page: Page, consoleUrl: string, handle: string): Promise<void> {
  await page.goto(consoleUrl);
  await page.locator(`button[data-handle="${handle}"]`).click();
  await page
    .locator('h1')
    .filter({ hasText: /Today|Nothing to review/ })
    .waitFor();
  await settled(page);
}

/**
 * Opens the console at `route` and signs in there as someone following a link to a screen would: the console keeps
 * the address through its sign-in and opens that screen, without loading Today's work queues first.
 */
export async function signInAt(
  page: Page,
  consoleUrl: string,
  handle: string,
  route: string,
  heading: string | RegExp,
): Promise<void> {
  await page.goto(`${consoleUrl}#${route}`);
  await page.locator(`button[data-handle="${handle}"]`).click();
  await screenShown(page, heading);
}

/**
 * Waits until `condition` holds in the page, checked every 50 ms. Playwright's default checks on every animation
 * frame, and a condition that reads the page's text then lays the page out sixty times a second for as long as the
 * wait lasts: longest, and dearest, on a busy machine.
 */
export async function waitUntil(page: Page, condition: () => boolean): Promise<void> {
  await page.waitForFunction(condition, undefined, { polling: 50 });
}

/** Waits until every queue of the screen has loaded. */
export async function settled(page: Page): Promise<void> {
  await waitUntil(
    page,
    () => !document.querySelector('[aria-busy="true"]') && !/Loading…/.test(document.body.innerText),
  );
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core (from node_modules, never a CDN) on the screen as it is, for WCAG 2.0, 2.1 and 2.2 A and AA, saves a
 * screenshot, and fails with each violation's rule and the elements it found. axe is evaluated through the
 * DevTools protocol, so the console's CSP (scripts from its own origin only) stays on; once per page (the console's
 * screens change within one document). Only violations are gathered in full: axe's other result types, which it
 * otherwise fills with every element that passed a rule, are not read.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${screen}.png`), fullPage: true });
  if (await page.evaluate(() => !('axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target })),
    }));
  });
  expect(violations, `${screen}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

/** What the stand-in authorisation server saw: each sign-in, token request and sign-out. */
export interface HostedSignInStandIn {
  readonly authDomainUrl: string;
  readonly clientId: string;
  /** Each authorise request, and whether the browser came with a hosted session (then nobody was asked who it is). */
  readonly authorizeRequests: { hadSession: boolean }[];
  readonly tokenRequests: { verifierMatched: boolean; hadSecret: boolean }[];
  /** Each request to the logout endpoint: its client, where it returned to, and whether it ended a session. */
  readonly logoutRequests: { clientId: string | null; logoutUri: string | null; hadSession: boolean }[];
  stop(): Promise<void>;
}

/** The stand-in's hosted session cookie, as Cognito keeps one on its own domain. */
const STAND_IN_SESSION = 'stand-in-hosted-session';

/**
 * A stand-in for the user pool's hosted sign-in, token and logout endpoints, as far as the console uses them: the
 * authorise endpoint signs the given person in (at once, standing in for their password and second factor, when the
 * browser has no hosted session), keeps a hosted session in a cookie as Cognito does, and returns a one-time code
 * bound to the S256 challenge; the token endpoint gives their access token only for that code with the verifier that
 * hashes to the challenge, as Cognito does, with CORS for the console's origin. The logout endpoint ends the hosted
 * session and returns to `logout_uri` only when it is a URL registered for the client: as console-hosting.ts
 * registers the console's address as both its callback and its sign-out URL, a `redirect_uri` it was sent.
 */
export async function startHostedSignInStandIn(accessToken: () => string): Promise<HostedSignInStandIn> {
  const clientId = 'console-client';
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const sessions = new Set<string>();
  const registeredUris = new Set<string>();
  const authorizeRequests: HostedSignInStandIn['authorizeRequests'] = [];
  const tokenRequests: HostedSignInStandIn['tokenRequests'] = [];
  const logoutRequests: HostedSignInStandIn['logoutRequests'] = [];
  const sessionOf = (cookie: string | undefined) => {
    const found = (cookie ?? '')
      .split(/;\s*/)
      .find((pair) => pair.startsWith(`${STAND_IN_SESSION}=`))
      ?.slice(STAND_IN_SESSION.length + 1);
    return found && sessions.has(found) ? found : undefined;
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
      const { searchParams: query } = url;
      const redirectUri = query.get('redirect_uri') ?? '';
      if (
        query.get('response_type') !== 'code' ||
        query.get('client_id') !== clientId ||
        query.get('code_challenge_method') !== 'S256' ||
        !query.get('code_challenge')
      ) {
        response.writeHead(400).end('invalid_request');
        return;
      }
      registeredUris.add(redirectUri);
      const existing = sessionOf(request.headers.cookie);
      authorizeRequests.push({ hadSession: existing !== undefined });
      const session = existing ?? randomBytes(16).toString('hex');
      sessions.add(session);
      const code = randomBytes(16).toString('hex');
      codes.set(code, { challenge: query.get('code_challenge') ?? '', redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', query.get('state') ?? '');
      response
        .writeHead(302, {
          location: back.toString(),
          'set-cookie': `${STAND_IN_SESSION}=${session}; Path=/; HttpOnly; SameSite=Lax`,
        })
        .end();
      return;
    }
    if (request.method === 'GET' && url.pathname === '/logout') {
      const { searchParams: query } = url;
      const session = sessionOf(request.headers.cookie);
      logoutRequests.push({
        clientId: query.get('client_id'),
        logoutUri: query.get('logout_uri'),
        hadSession: session !== undefined,
      });
      const logoutUri = query.get('logout_uri') ?? '';
      if (query.get('client_id') !== clientId || !registeredUris.has(logoutUri)) {
        response.writeHead(400).end('invalid_request');
        return;
      }
      if (session) sessions.delete(session);
      response
        .writeHead(302, {
          location: logoutUri,
          'set-cookie': `${STAND_IN_SESSION}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
        })
        .end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/oauth2/token') {
      let text = '';
      for await (const chunk of request) text += chunk;
      const form = new URLSearchParams(text);
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const verifierMatched =
        issued !== undefined &&
        createHash('sha256').update(verifier).digest('base64url') === issued.challenge;
      tokenRequests.push({ verifierMatched, hadSecret: form.has('client_secret') });
      const cors = {
        'access-control-allow-origin': request.headers.origin ?? '*',
        'content-type': 'application/json',
      };
      if (
        !verifierMatched ||
        form.get('grant_type') !== 'authorization_code' ||
        form.get('client_id') !== clientId ||
        form.get('redirect_uri') !== issued?.redirectUri
      ) {
        response.writeHead(400, cors).end(JSON.stringify({ error: 'invalid_grant' }));
        return;
      }
      response
        .writeHead(200, cors)
        .end(JSON.stringify({ access_token: accessToken(), token_type: 'Bearer', expires_in: 3600 }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    authDomainUrl: `http://127.0.0.1:${port}`,
    clientId,
    authorizeRequests,
    tokenRequests,
    logoutRequests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** How {@link freshPage} opens its context. */
export interface FreshPageOptions {
  readonly viewport?: { width: number; height: number };
  /** Downloads are kept (a subject access export the test opens). */
  readonly acceptDownloads?: boolean;
  /**
   * A refused request (a 4xx the browser logs as an error) fails the page too: for tests that provoke none. By
   * default it is taken as the API's answer to a refusal the test provokes on purpose, not a script error.
   */
  readonly failOnRefusals?: boolean;
  /** The browser's own time zone (an IANA name), as a person's computer sets it; by default the machine's. */
  readonly timezoneId?: string;
}

/**
 * A new browser context (its own sessionStorage) whose page must raise no script error or CSP refusal; `close` fails
 * the test with any (a CSP refusal shows as a console error first: the console must run under the policy CloudFront
 * will send).
 */
export async function freshPage(
  browser: Browser,
  {
    viewport = { width: 1280, height: 800 },
    acceptDownloads,
    failOnRefusals = false,
    timezoneId,
  }: FreshPageOptions = {},
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await openContext(browser, {
    viewport,
    ...(acceptDownloads === undefined ? {} : { acceptDownloads }),
    ...(timezoneId === undefined ? {} : { timezoneId }),
  });
  const page = await context.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (failOnRefusals || !/status of 4\d\d/.test(message.text())) failures.push(message.text());
  });
  // A wait has no clock of its own, so a hung one ends at the test's timeout, which names no step: say what the
  // page showed then (its address, heading and answers, and what it logged) and keep a screenshot of it.
  onTestFailed(async ({ task }) => {
    if (page.isClosed()) return;
    // A page too busy to answer in 10 s is reported as such (a report's bound, not a test's clock).
    const shown = await Promise.race([
      page.evaluate(() => ({
        url: location.href,
        heading: document.querySelector('h1')?.textContent ?? '',
        busy: document.querySelectorAll('[aria-busy="true"]').length,
        notices: [...document.querySelectorAll('.notice')].map((notice) => notice.textContent ?? ''),
      })),
      new Promise<{ unreadable: string }>((resolve) =>
        setTimeout(() => resolve({ unreadable: 'no answer in 10 s' }), 10_000).unref(),
      ),
    ]).catch((error: Error) => ({ unreadable: error.message }));
    mkdirSync(SCREENSHOTS, { recursive: true });
    const screenshot = join(SCREENSHOTS, `failed-${task.name.replace(/\W+/g, '-').slice(0, 80)}.png`);
    await page.screenshot({ path: screenshot, fullPage: true, timeout: 10_000 }).catch(() => undefined);
    console.error(
      `The page when “${task.name}” failed:`,
      JSON.stringify({ ...shown, logged: failures, screenshot }),
    );
  });
  return {
    page,
    close: async () => {
      await context.close();
      expect(failures).toEqual([]);
    },
  };
}

/** Opens a screen by its route and waits for its heading and its data. */
export async function openScreen(
  page: Page,
  consoleUrl: string,
  route: string,
  heading: string | RegExp,
): Promise<void> {
  await page.goto(`${consoleUrl}#${route}`);
  await screenShown(page, heading);
}

/** Waits for a screen's heading and then for its data. */
async function screenShown(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await settled(page);
}
