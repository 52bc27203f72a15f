#!/usr/bin/env node
/**
 * `npm test`: the static checks (`npm run check`: lint and format, both code generators, the type-checks) and the
 * tests (`vitest run`, with any arguments given) side by side. The check is mostly single-threaded and the tests
 * leave part of the second core idle, so together they finish about a minute sooner than one after the other.
 *
 * The tests' output streams as it comes; the check's is held and printed when it ends, so the two do not
 * interleave. A failed check stops the tests at once (nothing the tests say matters on code that does not
 * type-check) and fails the run; otherwise the run fails when either fails.
 */
import { spawn } from 'node:child_process';

const started = Date.now();
const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;

const check = spawn('npm', ['run', '--silent', 'check'], { stdio: ['ignore', 'pipe', 'pipe'] });
const held = [];
check.stdout.on('data', (chunk) => held.push(chunk));
check.stderr.on('data', (chunk) => held.push(chunk));
const checked = new Promise((resolve) => check.on('close', (code) => resolve(code ?? 1)));

// vitest itself, not through `npx`: a signal sent to npx did not reach vitest, so a failed check let the tests run on.
const tests = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
const tested = new Promise((resolve) =>
  tests.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))),
);

// Ctrl-C reaches both children from the terminal: wait for them to stop rather than leave them behind. A SIGTERM
// sent to this process alone (a CI timeout) is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {
  check.kill('SIGTERM');
  tests.kill('SIGTERM');
});

const checkCode = await checked;
if (checkCode !== 0) {
  process.stderr.write(Buffer.concat(held));
  process.stderr.write(`\nnpm test: the check failed after ${seconds()}; stopping the tests.\n`);
  tests.kill('SIGINT');
  await tested;
  process.exit(checkCode);
}
process.stdout.write(
  `\nnpm test: the check passed (lint, format, code generators, types) in ${seconds()}.\n`,
);
const testCode = await tested;
process.exit(testCode);
