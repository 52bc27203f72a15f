import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildStage, cdkJsonContext, testApp } from './synth-stage';

/**
 * CDK's built-in CloudFormation validation, as `cdk synth` runs it: cdk.json sets
 * `@aws-cdk/core:validateAgainstDefaultRules`, so a template the rules refuse fails synthesis. The other infra tests
 * synthesise without it (testApp, decision 0066); here each stage is synthesised with it, and a template it must refuse
 * shows that it runs.
 */

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly summary: { readonly pluginName: string; readonly status: string };
    readonly violations: readonly unknown[];
  }[];
}

/** The assembly's validation report, written only when a validation ran. */
function reportOf(directory: string): ValidationReport | undefined {
  const file = join(directory, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport) : undefined;
}

describe('CloudFormation validation of the synthesised templates', () => {
  for (const stage of ['dev', 'prod'] as const) {
    it(`passes for every stack of ${stage}`, () => {
      // Prepare
      const { app } = buildStage(stage, { validate: true });

      // Act
      const assembly = app.synth();

      // Assess: the validation ran (its report is in the assembly) and reported nothing (a report lists only findings)
      const report = reportOf(assembly.directory);
      expect(report).toBeDefined();
      expect(report?.pluginReports.map(({ summary, violations }) => ({ ...summary, violations }))).toEqual(
        [],
      );
    });
  }

  it('is off in the other tests’ syntheses: no report is written', () => {
    const { app } = buildStage('dev');
    expect(reportOf(app.synth().directory)).toBeUndefined();
  });

  it('fails synthesis on a template the rules refuse, so the validation really runs where it is asked for', () => {
    // Prepare: a bucket with a property CloudFormation does not know
    const app = testApp({ context: cdkJsonContext(), builtinCloudFormationValidation: true });
    const stack = new Stack(app, 'Refused');
    new CfnResource(stack, 'Bucket', { type: 'AWS::S3::Bucket', properties: { NotABucketProperty: true } });

    // Act and assess
    expect(() => app.synth()).toThrow(/NotABucketProperty/);
  });
});
