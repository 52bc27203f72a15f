import { type CfnResource, Stack } from 'aws-cdk-lib';
import { CfnGlobalTable, CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { NagRuleCompliance } from 'cdk-nag';
import { isKeyTableName } from './policy-json';

interface Recovery {
  readonly pointInTimeRecoveryEnabled?: boolean;
  readonly recoveryPeriodInDays?: number;
}

/**
 * The key table keeps point-in-time recovery for 1 to 7 days: on, so a faulty deploy does not lose keys, and short,
 * so a restore can bring back a subject key erased at most a week before (issue 16 capability 5).
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    const stack = Stack.of(node);
    let recoveries: (Recovery | undefined)[];
    if (node instanceof CfnGlobalTable) {
      if (!isKeyTableName(stack.resolve(node.tableName))) return NagRuleCompliance.NOT_APPLICABLE;
      const replicas = (stack.resolve(node.replicas) ?? []) as {
        pointInTimeRecoverySpecification?: Recovery;
      }[];
      recoveries = replicas.map((replica) => replica.pointInTimeRecoverySpecification);
    } else if (node instanceof CfnTable) {
      if (!isKeyTableName(stack.resolve(node.tableName))) return NagRuleCompliance.NOT_APPLICABLE;
      recoveries = [stack.resolve(node.pointInTimeRecoverySpecification) as Recovery | undefined];
    } else {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const short = (recovery: Recovery | undefined) =>
      recovery?.pointInTimeRecoveryEnabled === true &&
      typeof recovery.recoveryPeriodInDays === 'number' &&
      recovery.recoveryPeriodInDays >= 1 &&
      recovery.recoveryPeriodInDays <= 7;
    return recoveries.length > 0 && recoveries.every(short)
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: 'KeyTableShortRecovery' },
);
