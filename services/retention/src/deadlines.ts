import { configFromEnv } from '@confide/api/config';
import { notifyDueDeadlinesForAll } from '@confide/api/deadlines';
import { type ConfideServices, createServices } from '@confide/api/services';

// Built once per Lambda container.
let services: ConfideServices | undefined;

/**
 * The hourly deadlines function (decision 0035): puts a notification in each active organisation's outbox for a
 * breach past its 72-hour clock and a subject access request near its deadline; the governance pipe sends each
 * new one to the governance topic. Reads dates and states only, decrypts nothing; logs counts, never ids of people.
 */
export async function handler(): Promise<{ breachesOverdue: number; subjectAccessDueSoon: number }> {
  services ??= createServices(configFromEnv(process.env));
  const raised = await notifyDueDeadlinesForAll(services);
  console.log(JSON.stringify({ level: 'INFO', message: 'deadlines.checked', ...raised }));
  return raised;
}
