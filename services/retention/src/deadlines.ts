import { configFromEnv } from '@confide/api/config';
import { type DeadlineSweep, notifyDueDeadlinesForAll } from '@confide/api/deadlines';
import { type ConfideServices, createServices } from '@confide/api/services';

// Built once per Lambda container.
let services: ConfideServices | undefined;

/**
 * The hourly deadlines function (decision 0035): puts a notification in each active organisation's outbox for a
 * breach past its 72-hour clock and a subject access request near its deadline; the governance pipe sends each
 * new one to the governance topic. Reads dates and states only, as stored, with no organisation key (decision 0134);
 * logs counts, never ids of people.
 */
export async function handler(): Promise<DeadlineSweep> {
  services ??= createServices(configFromEnv(process.env));
  const raised = await notifyDueDeadlinesForAll(services);
  // An organisation that could not be checked fails the run, after the others were: the errors alarm sees it.
  const failed = raised.organisationsFailed > 0;
  console.log(JSON.stringify({ level: failed ? 'ERROR' : 'INFO', message: 'deadlines.checked', ...raised }));
  if (failed) throw new Error(`${raised.organisationsFailed} organisation(s) could not be checked.`);
  return raised;
}
