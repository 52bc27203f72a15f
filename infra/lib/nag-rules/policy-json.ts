import { type CfnResource, Stack } from 'aws-cdk-lib';

/** A policy statement as a rule sees it: resolved, intrinsics left as CloudFormation objects. */
export interface ResolvedStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of a policy document property of a resource, resolved in its stack. */
export function statementsOf(node: CfnResource, document: unknown): ResolvedStatement[] {
  const resolved = Stack.of(node).resolve(document) as { Statement?: ResolvedStatement[] } | undefined;
  return Array.isArray(resolved?.Statement) ? resolved.Statement : [];
}

export const actionsOf = (statement: ResolvedStatement): string[] =>
  statement.Action === undefined
    ? []
    : Array.isArray(statement.Action)
      ? statement.Action
      : [statement.Action];

/** Whether a principal or condition names a Confide break-glass role (by its logical id or its role name). */
export const namesBreakGlass = (value: unknown): boolean =>
  /BreakGlass|-break-glass\b/.test(JSON.stringify(value ?? ''));

/** The names of the key tables: `confide-<stage>-keys` (packages/store/src/table-design.ts). */
export const isKeyTableName = (name: unknown): boolean =>
  typeof name === 'string' && /^confide-.+-keys$/.test(name);
