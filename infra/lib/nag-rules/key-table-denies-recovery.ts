import { type CfnResource, Stack } from 'aws-cdk-lib';
import { CfnGlobalTable } from 'aws-cdk-lib/aws-dynamodb';
import { NagRuleCompliance } from 'cdk-nag';
import { actionsOf, isKeyTableName, namesBreakGlass, statementsOf } from './policy-json';

const RECOVERY_ACTIONS = [
  'dynamodb:CreateBackup',
  'dynamodb:ExportTableToPointInTime',
  'dynamodb:RestoreTableToPointInTime',
  'dynamodb:StartAwsBackupJob',
];

/**
 * The key table's resource policy denies restore, export and backup to every principal but the break-glass role: an
 * erased subject's key must not come back through a copy (issue 16 capability 5).
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnGlobalTable)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    if (!isKeyTableName(stack.resolve(node.tableName))) return NagRuleCompliance.NOT_APPLICABLE;
    const replicas = (stack.resolve(node.replicas) ?? []) as {
      resourcePolicy?: { policyDocument?: unknown };
    }[];
    const guarded = (replica: { resourcePolicy?: { policyDocument?: unknown } }) => {
      const denies = statementsOf(node, replica.resourcePolicy?.policyDocument).filter(
        (statement) =>
          statement.Effect === 'Deny' &&
          JSON.stringify(statement.Principal) === JSON.stringify({ AWS: '*' }) &&
          namesBreakGlass(statement.Condition),
      );
      const denied = new Set(denies.flatMap(actionsOf));
      return denied.has('dynamodb:*') || RECOVERY_ACTIONS.every((action) => denied.has(action));
    };
    return replicas.length > 0 && replicas.every(guarded)
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: 'KeyTableDeniesRecovery' },
);
