import { ErrorCode } from '@confide/domain';
import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ConfideContext } from '../context';

const MAX_PURPOSE_LENGTH = 500;

/**
 * Reads the operation-level `@purpose(reason: "...")` directive, the in-document alternative to the
 * `X-Access-Purpose` header, and states it on the request's access context before execution.
 */
export function purposeDirectivePlugin(): Plugin<ConfideContext> {
  return {
    onExecute({ args }) {
      const document: DocumentNode = args.document;
      const variables: Record<string, unknown> | null | undefined = args.variableValues;
      const operation = document.definitions.find(
        (definition): definition is OperationDefinitionNode =>
          definition.kind === Kind.OPERATION_DEFINITION &&
          (!args.operationName || definition.name?.value === args.operationName),
      );
      const reason = operation?.directives
        ?.find((directive) => directive.name.value === 'purpose')
        ?.arguments?.find((argument) => argument.name.value === 'reason')?.value;
      const text = reason ? valueText(reason, variables) : undefined;
      if (text?.trim()) args.contextValue.access.statePurpose(text.trim().slice(0, MAX_PURPOSE_LENGTH));
    },
  };
}

function valueText(
  value: ValueNode,
  variables: Record<string, unknown> | null | undefined,
): string | undefined {
  if (value.kind === Kind.STRING) return value.value;
  if (value.kind === Kind.VARIABLE) {
    const given = variables?.[value.name.value];
    return typeof given === 'string' ? given : undefined;
  }
  return undefined;
}

/**
 * Writes the request's audit events after execution and before the response is sent. If the write fails, the
 * response is withheld: nothing read leaves the server unaudited (fail closed).
 */
export function auditFlushPlugin(): Plugin<ConfideContext> {
  return {
    onExecute() {
      return {
        async onExecuteDone({ args, setResult }) {
          try {
            await args.contextValue.access.audit.flush({ final: true });
          } catch {
            setResult({
              data: null,
              errors: [
                new GraphQLError('The access could not be recorded, so nothing is returned.', {
                  extensions: { code: ErrorCode.INTERNAL },
                }),
              ],
            });
          }
        },
      };
    },
  };
}
