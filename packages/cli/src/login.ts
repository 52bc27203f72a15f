import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './data-dir';
import { STAGE_NAME } from './stage-name';

/** The loopback port the operator CLI's app client is registered with (`http://localhost:8976/callback`). */
export const OPERATOR_CLI_PORT = 8976;

/** Where an operator's token for a stage is kept: `~/.confide/<stage>-operator-token.json` (`CONFIDE_HOME` in tests). */
function tokenFile(stage: string): string {
  return join(process.env.CONFIDE_HOME ?? join(homedir(), '.confide'), `${stage}-operator-token.json`);
}

/**
 * The operator's token for a stage's api and transfer function: `CONFIDE_OPERATOR_TOKEN` when set (never a flag:
 * flags end up in shell history), else the one `confide login --stage` kept while it has not expired.
 */
export function operatorTokenFor(stage: string, purpose: string): string {
  const fromEnv = process.env.CONFIDE_OPERATOR_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  try {
    const saved = JSON.parse(readFileSync(tokenFile(stage), 'utf8')) as {
      accessToken?: unknown;
      expiresAt?: unknown;
    };
    if (
      typeof saved.accessToken === 'string' &&
      typeof saved.expiresAt === 'number' &&
      saved.expiresAt > Date.now()
    ) {
      return saved.accessToken;
    }
  } catch {
    // No saved token: say how to get one.
  }
  throw new CliError(
    `Sign in first: confide login --stage ${stage} (or set CONFIDE_OPERATOR_TOKEN to a Cognito access token of the confide-operators group). ${purpose}`,
  );
}

/** The claims of a token, read without checking it (the api checks it): only to say who signed in. */
function claimsOf(token: string): { sub?: unknown; 'cognito:groups'?: unknown; exp?: unknown } {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

/**
 * `confide login --stage <stage>` (decision 0108): signs an operator in through the stage's hosted sign-in, with the
 * authorisation code flow and PKCE on a loopback redirect (RFC 8252: a command line keeps no client secret), and keeps
 * their access token for the stage's commands, readable by them only. The password and second factor are typed into
 * the pool's own page, never into this command.
 */
export async function loginCommand(options: {
  stage?: string;
  authDomain?: string;
  clientId?: string;
  port?: string;
}): Promise<string> {
  const { stage } = options;
  if (!stage || !STAGE_NAME.test(stage))
    throw new CliError('Give --stage <stage>: the stage to sign in to (e.g. prod).');
  const authDomain = (options.authDomain ?? process.env.CONFIDE_AUTH_DOMAIN_URL)?.replace(/\/$/, '');
  const clientId = options.clientId ?? process.env.CONFIDE_OPERATOR_CLIENT_ID;
  if (!authDomain || !clientId) {
    throw new CliError(
      `Give --auth-domain and --client-id (or CONFIDE_AUTH_DOMAIN_URL and CONFIDE_OPERATOR_CLIENT_ID): the confide-${stage}-identity stack's outputs AuthDomainUrl and OperatorCliClientId.`,
    );
  }
  const port = options.port === undefined ? OPERATOR_CLI_PORT : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port takes a port number.');

  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  let redirectUri = '';
  const code = await new Promise<string>((resolve, reject) => {
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== '/callback') {
        response.writeHead(404).end();
        return;
      }
      const given = url.searchParams.get('code');
      const ok = given !== null && url.searchParams.get('state') === state;
      response
        .writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          ok
            ? '<!doctype html><title>Confide</title><p>You are signed in. You can close this window.</p>'
            : '<!doctype html><title>Confide</title><p>The sign-in did not come back as expected: run confide login again.</p>',
        );
      server.close();
      if (ok) resolve(given);
      else
        reject(
          new CliError(
            'The sign-in came back without its code or with another state: run confide login again.',
          ),
        );
    });
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          error.code === 'EADDRINUSE'
            ? `Port ${port} is in use: the sign-in needs it for its redirect (http://localhost:${port}/callback).`
            : `The sign-in could not listen on port ${port} (${error.code ?? error.name}).`,
        ),
      ),
    );
    server.listen(port, 'localhost', () => {
      const address = server.address();
      redirectUri = `http://localhost:${typeof address === 'object' && address ? address.port : port}/callback`;
      const authorise = new URL(`${authDomain}/oauth2/authorize`);
      authorise.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
      }).toString();
      process.stdout.write(
        `Open this address in your browser and sign in as an operator of ${stage}:\n  ${authorise.toString()}\nWaiting for the sign-in (Ctrl-C to stop)…\n`,
      );
    });
  });

  const response = await fetch(`${authDomain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  const answer = (await response.json().catch(() => ({}))) as {
    access_token?: unknown;
    expires_in?: unknown;
  };
  if (response.status !== 200 || typeof answer.access_token !== 'string') {
    throw new CliError(
      `The sign-in's token exchange was refused (HTTP ${response.status}): run confide login again.`,
    );
  }
  const claims = claimsOf(answer.access_token);
  const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : 3600;
  const expiresAt = Date.now() + expiresIn * 1000;
  const file = tokenFile(stage);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify({ accessToken: answer.access_token, expiresAt }), { mode: 0o600 });
  chmodSync(file, 0o600);
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  return (
    `Signed in to ${stage} as operator ${String(claims.sub)}; the token is kept in ${file} until ${new Date(expiresAt).toISOString()}.` +
    (groups.includes('confide-operators')
      ? ''
      : '\nThe token carries no confide-operators group: the api will refuse it. Ask to be added to the group.')
  );
}

/** `confide logout --stage <stage>`: forgets the token `confide login` kept for the stage (it stays valid until it expires). */
export function logoutCommand(options: { stage?: string }): string {
  const { stage } = options;
  if (!stage || !STAGE_NAME.test(stage))
    throw new CliError('Give --stage <stage>: the stage to sign out of.');
  const file = tokenFile(stage);
  if (!existsSync(file)) return `No token kept for ${stage}.`;
  rmSync(file);
  return `Forgot the token kept for ${stage}; the stage's commands now need confide login --stage ${stage} again.`;
}
