import { describe, expect, it } from 'vitest';
import { runCliBin } from './support/run-cli';

/**
 * Issue 20, "A smooth first run": `confide help` and `confide <command> --help` list every option of every command;
 * an unknown option or a bad value names the flag; and help loads none of the API's modules (it used to compile the
 * whole API first, 4.4 CPU-seconds, before printing a line).
 */

const COMMANDS: Record<string, readonly string[]> = {
  start: ['--fresh', '--port', '--sweep-interval'],
  token: ['--org', '--user', '--service-user', '--partner', '--operator', '--operator-id', '--expires-in'],
  users: ['--org'],
  'org create': ['--name', '--slug', '--admin-handle', '--admin-name', '--preset', '--dpa'],
  'org list': [],
  'org offboard': ['--slug', '--window', '--operator-id', '--approve'],
  'retention sweep': ['--org'],
  'audit verify': ['--org'],
  import: ['--org', '--service', '--as', '--mapping', '--dry-run', '--report', '--template'],
};

/** Modules that belong to the API, the store, the local stack or the AWS SDK: none is needed to print help. */
const HEAVY = /\/packages\/(api|store|local|access)\/|\/services\/|@aws-sdk|graphql-yoga|@pothos/;

describe('confide help', () => {
  it('`confide help` and `confide --help` name every command and load none of the API modules', async () => {
    // Act
    const results = await Promise.all([runCliBin(['help']), runCliBin(['--help'])]);

    // Assert
    for (const result of results) {
      expect(result.code).toBe(0);
      for (const command of Object.keys(COMMANDS)) expect(result.stdout).toContain(command);
      expect(result.modules.some((url) => url.includes('/packages/cli/src/'))).toBe(true);
      expect(result.modules.filter((url) => HEAVY.test(url))).toEqual([]);
      // One column of summaries, however long a command's name (`operator reactivate` ran into its summary).
      const lines = result.stdout.split('\n').filter((line) => /^ {2}\S/.test(line));
      const columns = lines.map((line) => /^ {2}\S.*?\S {2,}(?=\S)/.exec(line)?.[0].length);
      expect(new Set(columns).size, lines.join('\n')).toBe(1);
      expect(columns[0]).toBeDefined();
    }
  });

  it('`confide <command> --help` lists every option of that command, without loading the API', async () => {
    // Act
    const results = await Promise.all(
      Object.keys(COMMANDS).map((command) => runCliBin([...command.split(' '), '--help'])),
    );

    // Assert
    Object.entries(COMMANDS).forEach(([command, options], index) => {
      const result = results[index];
      expect(result?.code, command).toBe(0);
      expect(result?.stdout, command).toContain(`confide ${command}`);
      for (const option of [...options, '--help']) expect(result?.stdout, command).toContain(option);
      expect(
        result?.modules.filter((url) => HEAVY.test(url)),
        command,
      ).toEqual([]);
    });
  });

  it('an unknown option is refused naming it and the command, with nothing loaded from the API', async () => {
    // Act
    const unknown = await runCliBin(['token', '--org', 'azure', '--colour', 'blue']);
    const foreign = await runCliBin(['users', '--org', 'azure', '--fresh']);

    // Assert
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--colour');
    expect(unknown.stderr).toContain('confide token --help');
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('--fresh');
    expect(foreign.stderr).toContain('confide users --help');
    expect(unknown.modules.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('a missing or bad value names the flag, not an internal field', async () => {
    // Act
    const missing = await runCliBin(['users', '--org']);
    const port = await runCliBin(['start', '--port', 'four']);
    const sweep = await runCliBin(['start', '--sweep-interval', '-1']);
    const expiry = await runCliBin([
      'token',
      '--org',
      'azure',
      '--user',
      'azure.admin',
      '--expires-in',
      'soon',
    ]);

    // Assert
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--org');
    expect(port.code).toBe(1);
    expect(port.stderr).toContain('--port');
    expect(port.stderr).not.toContain('options.port');
    expect(sweep.code).toBe(1);
    expect(sweep.stderr).toContain('--sweep-interval');
    expect(expiry.code).toBe(1);
    expect(expiry.stderr).toContain('--expires-in');
  });
});
