// Loaded with `node --import` by the CLI tests: records the URL of every module the process loads, one a line, in
// the file named by CONFIDE_MODULE_LOG, so a test can tell which packages a command imported.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
const log = ${JSON.stringify(process.env.CONFIDE_MODULE_LOG ?? '')};
export async function load(url, context, nextLoad) {
  if (log) appendFileSync(log, url + '\\n');
  return nextLoad(url, context);
}`)}`,
);
