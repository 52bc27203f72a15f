import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type HostedSignInStandIn, startHostedSignInStandIn } from '../console/console-browser';
import { testApi } from '../support/test-api';
import { cliEntry, runCli } from './support/run-cli';

/**
 * An operator of a deployed stage needs their own Cognito access token for the commands that go through the stage's
 * api or transfer function (`CONFIDE_OPERATOR_TOKEN`), and nothing gave them one (decision 0108). `confide login
 * --stage` signs them in through the pool's hosted sign-in with the authorisation code flow and PKCE on a loopback
 * redirect (RFC 8252), against a stand-in of the pool's authorise and token endpoints, and keeps the token for the
 * stage's commands.
 */

describe('confide login --stage', () => {
  const api = testApi();
  const home = mkdtempSync(join(tmpdir(), 'confide-login-'));
  let signIn: HostedSignInStandIn | undefined;
  afterAll(async () => {
    await signIn?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('signs an operator in with PKCE on a loopback redirect, keeps the token for the stage, and the stage commands use it', async () => {
    // Prepare: the pool's hosted sign-in, which signs the operator in at once and issues their access token.
    const token = await api.operatorToken('operator-1');
    signIn = await startHostedSignInStandIn(() => token);
    const { CONFIDE_OPERATOR_TOKEN: _notSet, ...inherited } = process.env;
    const env = {
      ...inherited,
      CONFIDE_HOME: home,
      CONFIDE_AUTH_DOMAIN_URL: signIn.authDomainUrl,
      CONFIDE_OPERATOR_CLIENT_ID: signIn.clientId,
    };

    // Act: the command prints the address to open; the test is the operator's browser.
    const child = spawn(process.execPath, [cliEntry(), 'login', '--stage', 'qa', '--port', '0'], { env });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /(http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+)/.exec(stdout);
        if (found?.[1]) resolve(found[1]);
      });
      child.once('exit', () => reject(new Error(`login exited first: ${stdout} ${stderr}`)));
    });
    const authorise = await fetch(address, { redirect: 'manual' });
    const callback = authorise.headers.get('location') ?? '';
    const landed = await fetch(callback);
    const page = await landed.text();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    // Assess: one exchange with the verifier and no secret; the token kept for the stage, readable by the owner only.
    expect(new URL(address).searchParams.get('code_challenge_method')).toBe('S256');
    expect(new URL(callback).hostname).toBe('localhost');
    expect(landed.status).toBe(200);
    expect(page).toContain('You are signed in');
    expect(code, stderr).toBe(0);
    expect(signIn.tokenRequests).toEqual([{ verifierMatched: true, hadSecret: false }]);
    expect(stdout).toContain('Signed in to qa as operator operator-1');
    expect(stdout).not.toContain(token);
    const file = join(home, 'qa-operator-token.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ accessToken: token });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Act: a stage command with no CONFIDE_OPERATOR_TOKEN set, pointed at no stage (its invocation fails after the
    // token was found), and with no saved token.
    const { CONFIDE_OPERATOR_TOKEN: _unset, ...withoutToken } = process.env;
    const stageEnv = {
      ...withoutToken,
      CONFIDE_HOME: home,
      CONFIDE_LAMBDA_ENDPOINT: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    } as Record<string, string>;
    const withSaved = await runCli(['operator', 'suspend', '--operator', 'op-x', '--stage', 'qa'], stageEnv);
    const elsewhere = await runCli(
      ['operator', 'suspend', '--operator', 'op-x', '--stage', 'prod'],
      stageEnv,
    );

    // Assess: the saved token was taken (the call then failed to reach the stand-in-less stage); none for prod.
    expect(withSaved.code).toBe(1);
    expect(withSaved.stderr).toContain('could not be run');
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('confide login --stage prod');

    // Act: sign out, then the same command again.
    const loggedOut = await runCli(['logout', '--stage', 'qa'], stageEnv);
    const afterLogout = await runCli(
      ['operator', 'suspend', '--operator', 'op-x', '--stage', 'qa'],
      stageEnv,
    );

    // Assess: the kept token is gone, and the command asks for a sign-in again.
    expect(loggedOut.code, loggedOut.stderr).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(afterLogout.stderr).toContain('confide login --stage qa');
  });

  it('needs the stage, the sign-in domain and the client', async () => {
    const { CONFIDE_AUTH_DOMAIN_URL: _a, CONFIDE_OPERATOR_CLIENT_ID: _c, ...env } = process.env;
    const noStage = await runCli(['login'], { ...(env as Record<string, string>), CONFIDE_HOME: home });
    const noDomain = await runCli(['login', '--stage', 'qa'], {
      ...(env as Record<string, string>),
      CONFIDE_HOME: home,
    });
    const help = await runCli(['login', '--help']);

    expect(noStage.code).toBe(1);
    expect(noStage.stderr).toContain('--stage');
    expect(noDomain.code).toBe(1);
    expect(noDomain.stderr).toContain('AuthDomainUrl');
    expect(help.stdout).toContain('--auth-domain <url>');
  });
});
