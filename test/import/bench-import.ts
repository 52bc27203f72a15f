import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv, createServices, onboardOrganisation } from '@confide/api';
import { startLocalStack } from '@confide/local';
import { tenantScope } from '@confide/store';
import { generateDataset } from './dataset';

/**
 * The import's throughput budget (issue 21: at least 1,000 clients with 10 notes each per minute on the local stack
 * on 2 cores): `npx tsx test/import/bench-import.ts [clients] [notes per client]`. Not a test: it starts its own local
 * stack, onboards an organisation ready to import into, generates the data set and times the real
 * `confide import` child process (its whole life: start-up, validation, duplicate checks, writes, audit).
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const CLIENTS = Number(process.argv[2] ?? 1000);
const NOTES = Number(process.argv[3] ?? 10);
// Extra node arguments for the import process, e.g. IMPORT_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p".
const NODE_ARGS = (process.env.IMPORT_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** CPU seconds (user + system) of this process's java children (DynamoDB Local), from /proc; 0 elsewhere. */
function javaCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  const tasks = `/proc/${process.pid}/task`;
  if (!existsSync(tasks)) return 0;
  for (const task of readdirSync(tasks)) {
    const children = readFileSync(`${tasks}/${task}/children`, 'utf8').split(' ').filter(Boolean);
    for (const pid of children) {
      try {
        if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('java')) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        total += (Number(fields[11]) + Number(fields[12])) / tick;
      } catch {
        // The child ended meanwhile.
      }
    }
  }
  return total;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-import-bench-'));
  const stack = await startLocalStack({ dataDir, persist: false, stage: 'bench' });
  try {
    Object.assign(process.env, stack.env());
    const services = createServices(configFromEnv(process.env));
    const { organisation } = await onboardOrganisation(services, {
      name: 'Import benchmark charity',
      slug: 'import-bench',
      preset: 'STRICT',
      dataProcessingAgreement: null,
      firstAdmin: { handle: 'bench.admin', displayName: 'Bench Admin' },
    });
    const scope = tenantScope(organisation.orgId);
    const published = await services.directory.publishPolicy(organisation.orgId, 'Confidentiality policy');
    const manager = await services.directory.addStaff(scope, {
      handle: 'bench.manager',
      displayName: 'Bench Manager',
      roles: ['SERVICE_MANAGER'],
    });
    const worker = await services.directory.addStaff(scope, {
      handle: 'bench.worker',
      displayName: 'Bench Worker',
      roles: ['SUPPORT_WORKER'],
    });
    for (const member of [manager, worker]) {
      await services.directory.acknowledgePolicy(scope, member.staffId, published.policyVersion ?? 1);
    }
    const service = await services.careServices.create(scope, 'Supported living');
    await services.careServices.addStaff(scope, service.serviceId, manager.staffId, 'managers');
    await services.careServices.addStaff(scope, service.serviceId, worker.staffId, 'members');

    const folder = join(dataDir, 'export');
    generateDataset(folder, { clients: CLIENTS, notesPerClient: NOTES, worker: 'bench.worker', seed: 'b' });
    const markerDir = mkdtempSync(join(dataDir, 'cli-'));
    const { env: _env, stop: _stop, ...info } = stack;
    writeFileSync(join(markerDir, 'stack.json'), JSON.stringify(info));

    const countsFile = join(dataDir, 'request-counts.json');
    const load = loadavg();
    const javaBefore = javaCpuSeconds();
    const parentBefore = process.cpuUsage();
    const started = Date.now();
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          ...NODE_ARGS,
          'packages/cli/bin/confide.js',
          'import',
          '--org',
          'import-bench',
          '--service',
          service.serviceId,
          '--as',
          'bench.manager',
          folder,
        ],
        {
          env: { ...process.env, CONFIDE_DATA_DIR: markerDir, CONFIDE_IMPORT_COUNTS: countsFile },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += String(chunk);
      });
      child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`import exited ${code}`))));
    });
    const seconds = (Date.now() - started) / 1000;
    const javaSeconds = javaCpuSeconds() - javaBefore;
    const parent = process.cpuUsage(parentBefore);
    const loadAfter = loadavg();
    const records = CLIENTS * (NOTES + 3);
    console.log(output.trim());
    const { cpuSeconds: importCpuSeconds = 0, ...requests } = JSON.parse(
      readFileSync(countsFile, 'utf8'),
    ) as Record<string, number>;
    const perClient = Object.entries(requests)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, count]) => `${operation} ${(count / CLIENTS).toFixed(2)}`)
      .join(', ');
    const total = (service: string) =>
      Object.entries(requests)
        .filter(([operation]) => operation.startsWith(`${service}.`))
        .reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `Requests per client: DynamoDB ${(total('DynamoDB') / CLIENTS).toFixed(2)}, KMS ${(total('KMS') / CLIENTS).toFixed(2)} (${perClient})`,
    );
    console.log(
      [
        `Imported ${CLIENTS} clients × ${NOTES} notes (+1 allocation, +1 consent each; ${records} records, ${records + 2} audit events)`,
        `in ${seconds.toFixed(1)} s of wall time for the whole command: ${Math.round((CLIENTS / seconds) * 60)} clients with ${NOTES} notes per minute`,
        `on ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), DynamoDB Local and the local KMS on the same machine.`,
        `CPU seconds during the command: import process ${importCpuSeconds.toFixed(1)}, DynamoDB Local ${javaSeconds.toFixed(1)}, bench process (local KMS) ${((parent.user + parent.system) / 1e6).toFixed(1)}.`,
        `Load average (1 min) ${load[0]?.toFixed(2)} before, ${loadAfter[0]?.toFixed(2)} after.`,
      ].join('\n'),
    );
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
