// Loads one built Lambda bundle in this fresh Node process and invokes its handler with each event in turn, as
// the Lambda runtime does in one container: one module instance, one invocation at a time. Plain JavaScript, run
// by `node` itself: nothing of the repository's TypeScript tooling is loaded.
//
// Usage: node lambda-driver.mjs <bundle index.mjs> <events.json>
// Prints the results after a marker line; the handler's own logs go to stdout and stderr before it.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundlePath, eventsPath] = process.argv.slice(2);
if (!bundlePath || !eventsPath) throw new Error('usage: lambda-driver.mjs <bundle> <events.json>');
const events = JSON.parse(readFileSync(eventsPath, 'utf8'));
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'confide-driver';
const { handler } = await import(pathToFileURL(bundlePath).href);

const results = [];
for (const [index, event] of events.entries()) {
  const deadline = Date.now() + 30_000;
  const context = {
    awsRequestId: `driver-request-${index + 1}`,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'driver',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    results.push({ ok: true, value: (await handler(event, context)) ?? null });
  } catch (error) {
    results.push({
      ok: false,
      errorType: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof Error ? error.message : String(error),
    });
  }
}
process.stdout.write(`\nLAMBDA_DRIVER_RESULTS ${JSON.stringify(results)}\n`);
