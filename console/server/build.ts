import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console workspace's folder. */
export const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where `vite build` writes the console (git-ignored). */
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

/** The newest modification time under a folder (or of a file), in milliseconds; 0 if it does not exist. */
function newest(path: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

/** Whether the built console is missing or older than its sources. */
export function consoleBuildStale(): boolean {
  const built = newest(join(CONSOLE_DIST, 'index.html'));
  const sources = Math.max(
    ...['src', 'index.html', 'vite.config.ts'].map((name) => newest(join(CONSOLE_DIR, name))),
  );
  return built === 0 || built < sources;
}

/**
 * Builds the console with Vite when it is missing or stale, so a fresh clone needs no build step before `npm start`
 * or the browser tests. The typed documents it compiles against are committed (`npm run check` regenerates them).
 * Returns whether it built.
 */
export async function ensureConsoleBuilt(options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !consoleBuildStale()) return false;
  const { build } = await import('vite');
  await build({ root: CONSOLE_DIR, configFile: join(CONSOLE_DIR, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
