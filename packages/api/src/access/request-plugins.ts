import type { Logger } from '@aws-lambda-powertools/logger';
import { asOrgId, ErrorCode, validate } from '@confide/domain';
import { TamperedItemError, tenantScope } from '@confide/store';
import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ConfideContext } from '../context';
import { maskError } from '../errors';
import { describeErrorForLog } from '../logging';
import { countTamperedItem } from '../metrics-errors';

/** The longest purpose a request may state: recorded whole on every audit event of the request, or refused. */
const MAX_PURPOSE_LENGTH = 500;

/**
 * What the `X-Access-Purpose` header may hold: printable Latin-1, which is what a header's bytes can carry (fetch
 * clients send each such character as one byte, and refuse anything beyond). A control character, or a character a
 * transport decoded from several bytes, is refused rather than recorded as its author did not write it; such a purpose
 * goes in the `@purpose` directive, whose text is the body's UTF-8.
 */
const HEADER_PURPOSE = /^[\t -~\u00a0-\u00ff]*$/;

/**
 * Reads the operation-level `@purpose(reason: "...")` directive, the in-document alternative to the
 * `X-Access-Purpose` header, and states it on the request's access context before execution. A purpose longer than
 * {@link MAX_PURPOSE_LENGTH}, by either, or a header purpose outside {@link HEADER_PURPOSE}, is BAD_USER_INPUT and
 * nothing runs: cut short or garbled, the audit would record a justification its author did not write.
 */
export function purposeDirectivePlugin(): Plugin<ConfideContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
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
      const stated = (reason ? valueText(reason, variables) : undefined)?.trim() || undefined;
      const refuse = (message: string) =>
        setResultAndStopExecution({ errors: [maskError(validate.badInputError(['purpose'], message))] });
      if ((stated ?? args.contextValue.purpose ?? '').length > MAX_PURPOSE_LENGTH) {
        refuse(`A purpose is at most ${MAX_PURPOSE_LENGTH} characters.`);
        return;
      }
      // A lone surrogate (from a variable: a literal cannot hold one) has no UTF-8 form: it would be sealed as U+FFFD.
      if (stated && validate.hasLoneSurrogate(stated)) {
        refuse('A purpose takes text only: it holds a character that cannot be recorded as written.');
        return;
      }
      if (!stated && !HEADER_PURPOSE.test(args.contextValue.purpose ?? '')) {
        refuse(
          'The X-Access-Purpose header takes printable Latin-1: state this purpose with @purpose(reason:).',
        );
        return;
      }
      if (stated) args.contextValue.access.statePurpose(stated);
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
 * response is withheld: nothing read leaves the server unaudited (fail closed). The failure is logged by its error's
 * name, code and the SDK's facts (never its message, which may quote an item), so that a withheld response can be
 * explained.
 */
export function auditFlushPlugin(logger: Logger): Plugin<ConfideContext> {
  return {
    onExecute() {
      return {
        async onExecuteDone({ args, result, setResult }) {
          // A request whose fields did not wait for the caller (`{ __typename }`) still settles before its flush.
          await args.contextValue.authenticating;
          try {
            if (!isAsyncIterable(result))
              await recordIntegrityFailures(args.contextValue, result.errors ?? []);
            await args.contextValue.access.audit.flush({ final: true });
          } catch (error) {
            logger.error('audit write failed: response withheld', describeErrorForLog(error));
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

/**
 * An item that failed its integrity check (its access metadata is not what its ciphertext was sealed with: a raw
 * write to the table) was not served: the field answered INTERNAL. Each such failure is also an audit event
 * against the person, flushed with the request's others, an integrity incident for the organisation and a metric
 * for the operators' alarm (decision 0030). Ids and kinds only.
 */
async function recordIntegrityFailures(
  context: ConfideContext,
  errors: readonly GraphQLError[],
): Promise<void> {
  const failures = errors
    .map((error) => error.originalError)
    .filter((error): error is TamperedItemError => error instanceof TamperedItemError);
  const principal = context.auth?.principal;
  if (failures.length === 0 || !principal) return;
  for (const failure of failures) {
    // An operator's request records the incident in the organisation whose item failed (decision 0101).
    const orgId = failure.orgId ?? (principal.kind === 'OPERATOR' ? undefined : principal.orgId);
    if (!orgId) continue;
    const scope = tenantScope(asOrgId(orgId));
    context.access.audit.record({
      action: 'DENIED',
      operation: 'integrity',
      subjectId: failure.subjectId,
      outcome: 'INTEGRITY_FAILURE',
      rule: `integrity.${failure.itemKind.toLowerCase()}`,
    });
    await context.services.integrityIncidents.record(
      scope,
      { kind: 'TAMPERED_STATE', subjectId: failure.subjectId, itemKind: failure.itemKind, restored: false },
      failure.itemKey,
      { recurring: true },
    );
    countTamperedItem(failure, scope.orgId);
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
