import { notifyDueDeadlinesForAll } from '@confide/api/deadlines';
import type { ConfideServices } from '@confide/api/services';
import type { OrgId } from '@confide/domain';
import { LocalRetention, type LocalStackInfo } from '@confide/local';
import { servicesFor } from './commands';
import { CliError, runningStack } from './data-dir';

export { DEFAULT_SWEEP_INTERVAL_SECONDS } from './defaults';

/**
 * `npm start`'s stand-in for DynamoDB TTL and the retention Lambda: every few seconds, deletes what has
 * expired and feeds the table stream to the retention handler (tombstones, key deletion).
 */
export function startLocalRetention(
  stack: LocalStackInfo,
  services: ConfideServices,
  intervalSeconds: number,
): { stop(): Promise<void> } | undefined {
  if (!(intervalSeconds > 0)) return undefined;
  const retention = new LocalRetention({
    stack,
    services,
    log: (message, detail) => {
      if (message !== 'retention.tombstone') console.log(`[retention] ${message} ${JSON.stringify(detail)}`);
    },
  });
  return retention.start(intervalSeconds * 1000);
}

/** How often `npm start` checks the governance deadlines (hourly in AWS; a minute is plenty locally). */
export const LOCAL_DEADLINE_CHECK_MS = 60_000;

/**
 * `npm start`'s stand-in for the scheduled deadlines function (decision 0035): tells each organisation's governance
 * contacts, through its notification outbox, of overdue breaches and subject access deadlines near expiry.
 */
export function startLocalDeadlineChecks(
  services: ConfideServices,
  intervalMs = LOCAL_DEADLINE_CHECK_MS,
): () => void {
  const check = () =>
    notifyDueDeadlinesForAll(services).catch((error: unknown) =>
      console.log(`[notifications] deadlines.local-run-failed ${(error as Error).name}`),
    );
  void check();
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** `npx confide retention sweep [--org <slug>]`: one sweep and one pass over the stream, now. */
export async function retentionSweepCommand(options: { org?: string }): Promise<string> {
  const stack = runningStack();
  const services = servicesFor(stack);
  let orgId: OrgId | undefined;
  if (options.org) {
    orgId = await services.directory.organisationIdBySlug(options.org);
    if (!orgId) throw new CliError(`No organisation with slug "${options.org}".`);
  }
  const retention = new LocalRetention({ stack, services, orgId });
  try {
    const run = await retention.runOnce();
    const failed = run.failed > 0 ? ` (${run.failed} failed; retried on the next run)` : '';
    return `Swept ${run.swept} expired item(s)${options.org ? ` of ${options.org}` : ''}; passed ${run.handled} deletion record(s) from the stream to the retention handler (tombstones are written once however often it runs)${failed}.`;
  } finally {
    retention.close();
  }
}
