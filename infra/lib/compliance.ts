import { type App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ConfideChecks } from './confide-checks';

/**
 * The cdk-nag rule packs every stage must pass: AWS Solutions and HIPAA Security (the closest published pack to
 * special-category health and care data), and Confide's own key-governance rules. Acknowledgements sit beside the
 * resources they concern, each with its reason.
 */
export function compliancePacks(scope: IConstruct): NagPack[] {
  return [
    new AwsSolutionsChecks(scope, { verbose: true }),
    new HIPAASecurityChecks(scope, { verbose: true }),
    new ConfideChecks(scope, { verbose: true }),
  ];
}

/** Runs the {@link compliancePacks} at synthesis: an unacknowledged error fails `cdk synth` and `cdk deploy`. */
export function applyCompliancePacks(app: App): void {
  Validations.of(app).addPlugins(...compliancePacks(app));
}

/**
 * The finding id cdk-nag's AwsSolutions-IAM5 gives a wildcard resource, e.g.
 * `AwsSolutions-IAM5[Resource::arn:aws:kms:eu-west-2:<AWS::AccountId>:key/*]`, computed from the same ARN the
 * policy uses so that an acknowledgement follows the account and region of the stack. Mirrors cdk-nag's own
 * flattening of intrinsics (`Ref` and `Fn::GetAtt` as `<…>`, `Fn::Join` joined).
 */
export function wildcardResourceFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenIntrinsic(Stack.of(scope).resolve(arn))}]`;
}

function flattenIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenIntrinsic).join(delimiter);
    }
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(flattenIntrinsic).join('.')}>`;
    if ('Ref' in node) return `<${flattenIntrinsic(node.Ref)}>`;
  }
  return JSON.stringify(value);
}
