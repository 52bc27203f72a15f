import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OperatorRegistry, PlatformAuditLog } from '@confide/store';

/**
 * The operators the local stack admits (decision 0026: only a stored ACTIVE record admits an operator token):
 * the CLI's default operator and the second one that approves what it asks for (`--operator-id second-operator`).
 */
export const LOCAL_OPERATOR_IDS = ['local-operator', 'second-operator'] as const;

/** The operator ids the test suite's tokens name, seeded only in the `test` stage. */
export const TEST_OPERATOR_IDS = [
  'operator-1',
  'operator-2',
  'operator-x',
  'operator-cognito',
  'operator-artifact',
  'operator-artifact-2',
  'operator-refused',
] as const;

/**
 * Registers the local (and, in the test stage, the tests') operators ACTIVE — the deployment step a real stage
 * does with `confide operator add` or a custom resource. Idempotent; never reactivates a suspended operator.
 */
export async function seedOperators(dynamo: DynamoDBClient, table: string, stage: string): Promise<void> {
  const registry = new OperatorRegistry(dynamo, table, new PlatformAuditLog(dynamo, table));
  const ids = stage === 'test' ? [...LOCAL_OPERATOR_IDS, ...TEST_OPERATOR_IDS] : [...LOCAL_OPERATOR_IDS];
  for (const operatorId of ids) await registry.register(operatorId, 'local-stack');
}
