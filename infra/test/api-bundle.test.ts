import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthStage } from './synth-stage';

interface LambdaCode {
  readonly Properties: { readonly Code: { readonly S3Key: string } };
}

const maxBundleBytes = 1.2 * 1024 * 1024;

describe('api Lambda bundle', () => {
  it('is an ESM index.mjs under 1.2 MB, with the createRequire banner and a source map', {
    timeout: 120_000,
  }, () => {
    // Prepare / Act: synthesise with real esbuild bundling.
    const { app, api } = synthStage('dev', { bundle: true });
    const assembly = app.synth();

    // Assess: the function's asset folder holds the bundle.
    const [fn] = Object.values(
      api.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'confide-dev-api' } }),
    ) as LambdaCode[];
    const assetHash = fn?.Properties.Code.S3Key.replace(/\.zip$/, '');
    expect(assetHash).toMatch(/^[0-9a-f]{64}$/);
    const bundle = join(assembly.directory, `asset.${assetHash}`, 'index.mjs');
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    expect(statSync(bundle).size).toBeLessThan(maxBundleBytes);
    expect(readFileSync(bundle, 'utf8')).toContain('createRequire(import.meta.url)');
  });
});
