import type { ChildProcess } from 'node:child_process';

/**
 * Every child process the local stack starts is registered here and killed when this process exits, is
 * interrupted (Ctrl-C) or terminated, so no java process is ever left behind.
 */
const children = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export function trackChild(child: ChildProcess): void {
  hookProcessExit();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Stops a child politely, then by force after a grace period; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
