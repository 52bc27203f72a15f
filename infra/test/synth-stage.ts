import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { addConfideStacks, type ConfideStacks } from '../lib/confide-app';
import { fromRepoRoot } from '../lib/paths';
import {
  loadStageDeployment,
  type StageConfig,
  type StageName,
  stageConfig,
  stageFileOf,
} from '../lib/stage-config';

interface CdkJson {
  readonly context: Record<string, unknown>;
}

/** The feature flags from cdk.json, so tests synthesise what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(fromRepoRoot('cdk.json'), 'utf8')) as CdkJson;
  return cdkJson.context;
}

/**
 * The file of a stage's deployment settings in tests: dev's own (infra/stages/dev.json), and for prod, whose file is
 * the operators' and not in the repository, a fixture with real-looking values.
 */
export function testStageFile(stage: StageName): string {
  return stage === 'prod' ? fromRepoRoot('infra/test/fixtures/prod-stage.json') : stageFileOf(stage);
}

/**
 * An app that synthesises into a folder of the run's own (infra/test/global-setup.ts), not a stray `cdk.out*`.
 *
 * Without CDK's built-in CloudFormation validation unless `builtinCloudFormationValidation` is set: it runs a rule
 * engine compiled to WebAssembly at every synthesis, and took about 45 of the unit tests' 100 CPU-seconds over some
 * thirty syntheses. cloudformation-validation.test.ts validates each stage as `cdk synth` does (decision 0066).
 */
export function testApp(props: Omit<AppProps, 'outdir'> = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    ...props,
    outdir: mkdtempSync(join(inject('cdkOutRoot'), 'app-')),
  });
}

/** A stage's configuration as the tests synthesise it. */
export function testStageConfig(stage: StageName): StageConfig {
  return stageConfig(stage, loadStageDeployment(stage, testStageFile(stage)));
}

/** The app of a stage with its stacks added, not yet synthesised (account 123456789012). */
export function buildStage(
  stage: StageName,
  options: { bundle?: boolean; validate?: boolean } = {},
): { app: App; stacks: ConfideStacks } {
  const context: Record<string, unknown> = { ...cdkJsonContext(), stage };
  if (!options.bundle) {
    context['aws:cdk:bundling-stacks'] = [];
  }
  const app = testApp({ context, builtinCloudFormationValidation: options.validate ?? false });
  return { app, stacks: addConfideStacks(app, testStageConfig(stage), '123456789012') };
}

/** The synthesised stacks of a stage and their templates. */
export interface SynthesisedStage {
  readonly app: App;
  readonly stacks: ConfideStacks;
  readonly data: Template;
  readonly identity: Template;
  readonly api: Template;
}

/**
 * Synthesises a stage's stacks. Asset bundling is skipped unless `bundle` is set: esbuild takes seconds, and
 * only the bundling test needs the bundle. CDK's CloudFormation validation runs only with `validate` (see testApp).
 */
export function synthStage(
  stage: StageName,
  options: { bundle?: boolean; validate?: boolean } = {},
): SynthesisedStage {
  const { app, stacks } = buildStage(stage, options);
  return {
    app,
    stacks,
    data: Template.fromStack(stacks.data),
    identity: Template.fromStack(stacks.identity),
    api: Template.fromStack(stacks.api),
  };
}

/** A policy statement as it appears in a template. */
export interface TemplateStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Where a statement was found: the resource's logical id and type. */
export interface LocatedStatement {
  readonly logicalId: string;
  readonly type: string;
  readonly statement: TemplateStatement;
}

/**
 * Every policy statement in a template, wherever it is: IAM policies and managed policies, role inline and trust
 * policies, KMS key policies, topic and queue policies. Found by walking each resource for `Statement` arrays,
 * so that a new kind of policy is not missed.
 */
export function allStatements(template: Template): LocatedStatement[] {
  const found: LocatedStatement[] = [];
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: unknown }>;
  const walk = (logicalId: string, type: string, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(logicalId, type, item);
    } else if (value && typeof value === 'object') {
      const node = value as Record<string, unknown>;
      if (Array.isArray(node.Statement)) {
        for (const statement of node.Statement as TemplateStatement[])
          found.push({ logicalId, type, statement });
      }
      for (const child of Object.values(node)) walk(logicalId, type, child);
    }
  };
  for (const [logicalId, resource] of Object.entries(resources))
    walk(logicalId, resource.Type, resource.Properties);
  return found;
}

/** A statement's actions as a list. */
export function actionsOf(statement: TemplateStatement): string[] {
  const actions = statement.Action ?? [];
  return Array.isArray(actions) ? actions : [actions];
}
