import { type CfnResource, Stack } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { actionsOf, namesBreakGlass, statementsOf } from './policy-json';

const CHANGES_POLICY = new Set(['kms:PutKeyPolicy', 'kms:Put*', 'kms:*', '*']);

/**
 * KMS key policies let no principal but the break-glass role change them: no statement allows `kms:PutKeyPolicy`
 * (or a wildcard covering it) to the account, a function role or a service (issue 16 capability 5).
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnKey)) return NagRuleCompliance.NOT_APPLICABLE;
    const statements = statementsOf(node, Stack.of(node).resolve(node.keyPolicy));
    const offending = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((action) => CHANGES_POLICY.has(action)) &&
        !namesBreakGlass(statement.Principal),
    );
    return offending.length === 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: 'KeyPolicyChangedByBreakGlassOnly' },
);
