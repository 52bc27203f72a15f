import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { cliEntry } from '../cli/support/run-cli';
import { expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import type { TestApi } from '../support/test-api';

const execFileAsync = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A data folder whose running-stack marker points the CLI at the test stack; `remove` when the CLI has ended. */
function cliDataDir(api: TestApi): { env: Record<string, string>; remove(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-import-cli-'));
  writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(api.stack));
  return {
    env: { CONFIDE_DATA_DIR: dataDir },
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** `confide import` of a folder into the world's service, as its manager. */
export function importArgs(
  world: { org: { slug: string }; serviceId: string; managerHandle: string },
  folder: string,
): string[] {
  return [
    'import',
    '--org',
    world.org.slug,
    '--service',
    world.serviceId,
    '--as',
    world.managerHandle,
    folder,
  ];
}

/** `confide <args>` as a real child process (the run's bundle of the CLI: `cliEntry`), to its end. */
export async function runCli(
  api: TestApi,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const dataDir = cliDataDir(api);
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cliEntry(), ...args], {
      env: { ...process.env, ...dataDir.env, ...env },
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  } finally {
    dataDir.remove();
  }
}

/** `confide <args>` started, not awaited: the test kills it. */
export function startCli(api: TestApi, args: string[]): { child: ChildProcess; output(): string } {
  const dataDir = cliDataDir(api);
  const child = spawn(process.execPath, [cliEntry(), ...args], {
    env: { ...process.env, ...dataDir.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.on('close', dataDir.remove);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return { child, output: () => output };
}

export interface ImportWorld extends ServiceWorld {
  readonly managerHandle: string;
  readonly worker: Person;
  readonly workerHandle: string;
  readonly igLead: Person;
  readonly serviceLocalId: string;
}

/**
 * An organisation ready to import into: a service with its manager, a support worker (allocated by the import)
 * and an IG lead; a published confidentiality policy every one of them has acknowledged.
 */
export async function importWorld(
  api: TestApi,
  options: { publishPolicy?: boolean } = {},
): Promise<ImportWorld> {
  const world = await serviceWorld(api);
  const suffix = world.org.slug.slice(-6);
  const workerHandle = `worker-${suffix}`;
  const worker = await addStaff(api, world.org, ['SUPPORT_WORKER'], workerHandle);
  const igLead = await addStaff(api, world.org, ['IG_LEAD']);
  const scope = tenantScope(world.org.orgId);
  const manager = await api.services.directory.staff(scope, world.manager.staffId);
  if (options.publishPolicy ?? true) {
    expectNoErrors(
      await api.graphql('mutation ($t: String!) { publishConfidentialityPolicy(title: $t) { id } }', {
        token: world.org.adminToken,
        variables: { t: 'Confidentiality policy 2026' },
      }),
    );
    const version = (await api.services.directory.organisation(world.org.orgId as OrgId))?.policyVersion;
    for (const person of [world.manager, worker, igLead]) {
      expectNoErrors(
        await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
          token: person.token,
          variables: { v: version },
        }),
      );
    }
  }
  return {
    ...world,
    managerHandle: manager?.handle ?? '',
    worker,
    workerHandle,
    igLead,
    serviceLocalId: localIdOf(world.serviceId),
  };
}

/** Every client id of the service, through the store's service index (the test's own count, not the CLI's). */
export async function serviceClientIds(api: TestApi, world: ImportWorld): Promise<string[]> {
  const scope = tenantScope(world.org.orgId);
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await api.services.serviceUsers.idsByService(scope, world.serviceLocalId, {
      limit: 500,
      after,
    });
    ids.push(...page.ids);
    after = page.next;
  } while (after);
  return ids;
}
