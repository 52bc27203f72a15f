import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli';
import { freePort, type StartProcess, startProcess } from './support/start-process';

/**
 * Issue 20, "A smooth first run": `npm start` (`confide start`) run as a real child process. A taken port is refused
 * before anything starts; a second start in the same checkout is refused naming the running one (with --fresh it used
 * to wipe the running stack's data); each step prints a line; Ctrl-C removes the running-stack marker, so the CLI says
 * the stack is not running (it used to fail with ECONNREFUSED), as it does when the marker's process is gone.
 */

const STARTED = 'Stop with Ctrl-C.';

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('npm start', { timeout: 300_000 }, () => {
  it('refuses a taken port at once, before DynamoDB Local starts, naming it and how to choose another', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'confide-start-port-'));
    const port = await freePort();
    const taken = await listenOn(port);
    try {
      // Act
      const start = startProcess(['--port', String(port), '--fresh'], { CONFIDE_DATA_DIR: dataDir });
      const code = await start.exited();

      // Assert
      expect(code).toBe(1);
      expect(start.stderr()).toContain(`Port ${port} is already in use`);
      expect(start.stderr()).toContain('npm start -- --port');
      expect(start.stderr()).toContain('PORT=');
      expect(start.stdout()).not.toContain('DynamoDB Local');
      expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
      expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    } finally {
      taken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says the stack is not running when the marker names a process that is gone', async () => {
    // Prepare: the marker a stack killed without cleaning up leaves, its pid now unused.
    const dataDir = mkdtempSync(join(tmpdir(), 'confide-start-stale-'));
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid;
    await new Promise((resolve) => gone.once('exit', resolve));
    const closed = `http://127.0.0.1:${await freePort()}`;
    writeFileSync(
      join(dataDir, 'stack.json'),
      JSON.stringify({
        stage: 'local',
        region: 'eu-west-2',
        dataDir,
        dynamodbEndpoint: closed,
        kmsEndpoint: closed,
        issuer: closed,
        jwksUrl: `${closed}/jwks`,
        audience: 'confide-local',
        tables: { data: 'confide-local-data', keys: 'confide-local-keys' },
        pid,
      }),
    );
    try {
      // Act
      const list = await runCli(['org', 'list'], { CONFIDE_DATA_DIR: dataDir });

      // Assert
      expect(list.code).toBe(1);
      expect(list.stderr).toContain('The local stack is not running');
      expect(list.stderr).not.toContain('ECONNREFUSED');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('with a stack running', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'confide-start-running-'));
    const env = { CONFIDE_DATA_DIR: dataDir };
    let port = 0;
    let running: StartProcess;
    /** What binding the port gave while the stack was still starting. */
    let whileStarting = '';

    beforeAll(async () => {
      port = await freePort();
      running = startProcess(['--port', String(port), '--sweep-interval', '1'], env);
      await running.waitFor('Starting Confide');
      whileStarting = await listenOn(port).then(
        (server) => new Promise<string>((resolve) => server.close(() => resolve('bound'))),
        (error: NodeJS.ErrnoException) => error.code ?? error.message,
      );
      await running.waitFor(STARTED);
    }, 300_000);

    it('held its port from the start, so nothing else could take it while the stack started', () => {
      expect(whileStarting).toBe('EADDRINUSE');
    });

    afterAll(() => {
      running.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('printed a line for each step as it started, in order', () => {
      // Assert
      const steps = ['DynamoDB Local', 'KMS', 'tables', 'demo organisations', 'server', 'sweeper'];
      const lines = running.stdout().split('\n');
      const at = steps.map((step) => lines.findIndex((line) => line.includes('✓') && line.includes(step)));
      expect(
        at.every((index) => index >= 0),
        JSON.stringify(at),
      ).toBe(true);
      // DynamoDB Local and KMS start side by side; the tables need both, and each later step the one before.
      const [dynamodb = -1, kms = -1, ...after] = at;
      expect(Math.max(dynamodb, kms)).toBeLessThan(after[0] ?? -1);
      expect([...after].sort((a, b) => a - b)).toEqual(after);
    });

    it('serves GraphiQL with its assets from the local server, signed in, with a first query (no CDN)', async () => {
      // Act
      const page = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
      const html = await page.text();

      // Assert
      expect(page.status).toBe(200);
      expect(html).not.toContain('__TITLE__');
      expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdn\./);
      expect(html).toContain('Bearer ey');
      expect(html).toContain('caseload(first: 10)');
      // The signed-in query answers as the printed support worker.
      const token = /Bearer (ey[\w.-]+)/.exec(html)?.[1] ?? '';
      const me = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { roles } }' }),
      });
      expect(await me.json()).toEqual({ data: { me: { roles: ['SUPPORT_WORKER'] } } });
      // Each demo organisation has published its confidentiality policy (the file in shared/policies it follows),
      // and its demo staff have signed it: the printed tokens read records, and the importer can run.
      const policy = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ confidentialityPolicy { version title acknowledged } }' }),
      });
      expect(await policy.json()).toEqual({
        data: {
          confidentialityPolicy: {
            version: 1,
            title:
              'Azure Support Services confidentiality policy (shared/policies/azure-support-services-confidentiality.txt)',
            acknowledged: true,
          },
        },
      });
    });

    it('refuses a second start, with or without --fresh, naming the running one; its data stays', async () => {
      // Act
      const fresh = startProcess(['--fresh', '--port', String(port)], env);
      const freshCode = await fresh.exited();
      const again = startProcess(['--port', String(await freePort())], env);
      const againCode = await again.exited();
      const list = await runCli(['org', 'list'], env);

      // Assert
      expect(freshCode).toBe(1);
      expect(fresh.stderr()).toContain('already running');
      expect(fresh.stderr()).toContain(`pid ${running.child.pid}`);
      expect(fresh.stderr()).toContain(`http://localhost:${port}/graphql`);
      expect(againCode).toBe(1);
      expect(again.stderr()).toContain('already running');
      expect(list.code).toBe(0);
      expect(list.stdout.split('\n')[0]).toMatch(/^SLUG +STATUS +PRESET +ID +NAME$/);
      expect(list.stdout).toMatch(/\nazure +ACTIVE +STRICT +org_[a-z0-9]+ {2}Azure Support Services\n/);
      expect(running.child.exitCode).toBeNull();
      expect(running.stderr()).not.toContain('retention.local-run-failed');
    });

    it('Ctrl-C stops it and removes the marker: the CLI then says the stack is not running', async () => {
      // Act
      expect(existsSync(join(dataDir, 'stack.json'))).toBe(true);
      running.child.kill('SIGINT');
      await running.exited();
      const list = await runCli(['org', 'list'], env);

      // Assert
      expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
      expect(list.code).toBe(1);
      expect(list.stderr).toContain('The local stack is not running');
      expect(list.stderr).not.toContain('ECONNREFUSED');
      // npm start keeps its data for the next start: the tables and the keys that open them.
      expect(readFileSync(join(dataDir, 'dynamodb', 'shared-local-instance.db')).length).toBeGreaterThan(0);
      expect(JSON.parse(readFileSync(join(dataDir, 'kms', 'keys.json'), 'utf8')).keys.length).toBeGreaterThan(
        0,
      );
    });
  });
});
