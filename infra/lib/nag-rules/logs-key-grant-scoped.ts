import { type CfnResource, Stack } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { type ResolvedStatement, statementsOf } from './policy-json';

const LOGS_CONTEXT = 'kms:EncryptionContext:aws:logs:arn';

function scoped(statement: ResolvedStatement): boolean {
  const condition = statement.Condition ?? {};
  const sourceAccount = condition.StringEquals?.['aws:SourceAccount'];
  const logGroups = condition.ArnLike?.[LOGS_CONTEXT] ?? condition.ArnEquals?.[LOGS_CONTEXT];
  const patterns = (Array.isArray(logGroups) ? logGroups : [logGroups]).map((value) =>
    JSON.stringify(value ?? ''),
  );
  return (
    sourceAccount !== undefined &&
    logGroups !== undefined &&
    // Named log groups (a prefix at least), never every log group of the account.
    patterns.every((pattern) => !/log-group:\*"/.test(pattern) && /log-group:[^*"]/.test(pattern))
  );
}

/**
 * A key's grant to CloudWatch Logs names the account (`aws:SourceAccount`) and only the stage's log groups
 * (`kms:EncryptionContext:aws:logs:arn`, not `log-group:*`) (issue 17 item 6).
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnKey)) return NagRuleCompliance.NOT_APPLICABLE;
    const logs = statementsOf(node, Stack.of(node).resolve(node.keyPolicy)).filter(
      (statement) =>
        statement.Effect === 'Allow' && /logs\.[^"]*amazonaws\.com/.test(JSON.stringify(statement.Principal)),
    );
    if (logs.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    return logs.every(scoped) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: 'LogsKeyGrantScoped' },
);
