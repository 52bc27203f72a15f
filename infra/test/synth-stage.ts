import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addConfideStacks, type ConfideStacks } from '../lib/confide-app';
import { fromRepoRoot } from '../lib/paths';
import { type StageName, stageConfig } from '../lib/stage-config';

interface CdkJson {
  readonly context: Record<string, unknown>;
}

/** The feature flags from cdk.json, so tests synthesise what `cdk synth` does. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(fromRepoRoot('cdk.json'), 'utf8')) as CdkJson;
  return cdkJson.context;
}

/** The synthesised stacks of a stage and their templates. */
export interface SynthesisedStage {
  readonly app: App;
  readonly stacks: ConfideStacks;
  readonly data: Template;
  readonly api: Template;
}

/**
 * Synthesises a stage's stacks. Asset bundling is skipped unless `bundle` is set: esbuild takes seconds, and
 * only the bundling test needs the bundle.
 */
export function synthStage(stage: StageName, options: { bundle?: boolean } = {}): SynthesisedStage {
  const context: Record<string, unknown> = { ...cdkJsonContext(), stage };
  if (!options.bundle) {
    context['aws:cdk:bundling-stacks'] = [];
  }
  const app = new App({ context });
  const stacks = addConfideStacks(app, stageConfig(stage), '123456789012');
  return {
    app,
    stacks,
    data: Template.fromStack(stacks.data),
    api: Template.fromStack(stacks.api),
  };
}
