import { Logger } from '@aws-lambda-powertools/logger';
import { Authenticator } from '@confide/api/authentication';
import { configFromEnv } from '@confide/api/config';
import { type ConfideServices, createServices } from '@confide/api/services';
import type { Context } from 'aws-lambda';
import { runTransfer, type TransferAnswer } from './transfer';

// Service name and level from POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL (set by ConfideFunction).
const logger = new Logger();

// Built once per Lambda container. With CONFIDE_TENANT_ACCESS_ROLE_ARN set (CDK sets it), every organisation's items
// and key are reached with credentials assumed for that organisation alone, as the api's are (decision 0031).
let built: { services: ConfideServices; authenticator: Authenticator } | undefined;

/**
 * The transfer Lambda (decision 0041): `confide org export --stage` and `confide import --stage` invoke it with the
 * operator's SigV4-signed `Invoke` and Cognito token (an import also naming the import authorisation a manager of the
 * service gave through the api, decision 0146). See transfer.ts for its operations. Logs the operation, organisation
 * id and counts; refusals their code; failures their error name only (AWS messages can echo values).
 */
export async function handler(event: unknown, context?: Context): Promise<TransferAnswer> {
  if (context) logger.addContext(context);
  const operation =
    typeof event === 'object' && event !== null ? String((event as { operation?: unknown }).operation) : '';
  try {
    if (!built) {
      const services = createServices(configFromEnv());
      built = { services, authenticator: new Authenticator(services) };
    }
    const answer = await runTransfer(
      { ...built, onAnswered: (detail) => logger.info('transfer answered', detail) },
      event,
    );
    if (!answer.ok)
      logger.warn('transfer refused', { operation, code: answer.error.code, field: answer.error.field });
    return answer;
  } catch (error) {
    logger.error('transfer failed', {
      operation,
      errorName: error instanceof Error ? error.name : typeof error,
      cause: error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined,
    });
    throw error;
  }
}
