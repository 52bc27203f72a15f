import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    /** The folder the unit run's CDK apps synthesise under (see `testApp`), removed when the run ends. */
    cdkOutRoot: string;
  }
}

/**
 * One folder for every cloud assembly the unit run synthesises. An App without `outdir` makes a `cdk.out*` folder in
 * the temp directory at each synthesis and never removes it: a run left over a hundred, some with bundled assets.
 */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'confide-cdk-'));
  project.provide('cdkOutRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
