import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root, so that asset paths do not depend on the working directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a file given relative to the repository root. */
export function fromRepoRoot(relativePath: string): string {
  return join(repoRoot, relativePath);
}
