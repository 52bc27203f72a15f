import { Logger } from '@aws-lambda-powertools/logger';
import { configFromEnv } from '@confide/api/config';
import { confideMetrics, publishMetric } from '@confide/api/metrics';
import { type ProvisionerResponse, runProvisionerEvent } from '@confide/api/provisioning';
import { type ConfideServices, createServices } from '@confide/api/services';
import type { Context } from 'aws-lambda';
import { CognitoPartnerClients, CognitoSignInAccounts, userPoolFromEnv } from './cognito-accounts';

// Service name and level from POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL (set by ConfideFunction).
const logger = new Logger();

// Built once per Lambda container: SDK clients and the key hierarchy (which keeps the new branch key it made).
let services: ConfideServices | undefined;
// The user pool staff sign in through (`CONFIDE_USER_POOL_ID`); none locally. Decision 0021.
let signIns: CognitoSignInAccounts | null | undefined;
// Partner agencies' app clients in the same pool; none locally. Decision 0022.
let partnerClients: CognitoPartnerClients | undefined;

function actionOf(event: unknown): string {
  const action =
    typeof event === 'object' && event !== null ? (event as { action?: unknown }).action : undefined;
  return action === 'onboard' ||
    action === 'offboard' ||
    action === 'inviteStaff' ||
    action === 'disableStaffSignIn' ||
    action === 'enableStaffSignIn' ||
    action === 'disableOperatorSignIn' ||
    action === 'registerPartnerClient' ||
    action === 'registerOperator' ||
    action === 'reactivateOperator' ||
    action === 'listOrganisations' ||
    action === 'listStaff' ||
    action === 'deleteOffboardedSignIns'
    ? action
    : 'unknown';
}

/**
 * The provisioner Lambda: onboards an organisation (its KMS key with the organisation tag and a key policy that
 * binds the api to the organisation's encryption context, the alias under `alias/confide/<stage>/`, yearly
 * rotation, the first branch key, the beacon key, the organisation item and its first ORG_ADMIN, whose Cognito user
 * it creates when a user pool is configured) or offboards one (refused from then on, KMS key scheduled for
 * deletion, its staff's Cognito users disabled). Its role is the only one that may create or schedule
 * the deletion of KMS keys; the api invokes it for the `onboardOrganisation` and `offboardOrganisation` mutations
 * and for invitations, deactivations (the staff member's user disabled) and partner app clients. Every action but
 * `onboard` runs only with the `assertion` the api signed for exactly that request (issue 14): an ORG_ADMIN of the
 * organisation for tenant actions, two different operators for offboarding. Without a valid one it is refused (FORBIDDEN), logged with the reason and recorded in
 * the platform audit log. Operators may still onboard by invoking it directly (recorded as a direct invocation):
 *
 * ```json
 * { "action": "onboard", "input": { "name": "…", "slug": "…", "preset": "STRICT",
 *   "dataProcessingAgreement": "…", "firstAdmin": { "handle": "…", "displayName": "…", "email": "…" },
 *   "secondAdmin": { … the same, optional } } }
 * { "action": "offboard", "input": { "organisationId": "org_…", "pendingWindowInDays": 30 }, "assertion": "…" }
 * { "action": "inviteStaff", "input": { "organisationId": "org_…", "staffId": "stf_…", "email": "…" }, "assertion": "…" }
 * { "action": "disableStaffSignIn", "input": { "organisationId": "org_…", "staffId": "stf_…" }, "assertion": "…" }
 * { "action": "enableStaffSignIn", "input": { "organisationId": "org_…", "staffId": "stf_…" }, "assertion": "…" }
 * { "action": "disableOperatorSignIn", "input": { "operatorId": "<sub>" }, "assertion": "…" }
 * { "action": "registerPartnerClient", "input": { "organisationId": "org_…", "partnerId": "ptn_…" }, "assertion": "…" }
 * { "action": "listOrganisations" }
 * { "action": "listStaff", "input": { "slug": "…" } }
 * { "action": "registerOperator", "input": { "username": "<the operator's email>" } }
 * { "action": "reactivateOperator", "input": { "username": "<the operator's email>" } }
 * { "action": "deleteOffboardedSignIns" }
 * ```
 *
 * `registerOperator` (decision 0105) admits a user of the pool's operators' group to the api: it records them ACTIVE
 * by their `sub` (never reactivating a suspended one), on a direct invocation only, recorded in the platform audit.
 * `reactivateOperator` (decision 0113) makes a suspended operator of the group ACTIVE again, the same way, and enables
 * their user again. `disableOperatorSignIn` (decision 0128) disabled that user when the api suspended them: it must be
 * signed by another operator who is active now, and it acts only on an operator stored SUSPENDED.
 *
 * `deleteOffboardedSignIns` (decision 0132) is the daily schedule's: it deletes from the pool the users of every
 * offboarded organisation whose KMS key has been deleted, each only if the pool holds it for that organisation, and
 * its partner agencies' app clients bound to it.
 *
 * The two lists are the operator CLI's read-only requests (`confide org list --stage`, `confide users --stage`;
 * issue 20): no assertion, recorded in the platform audit log, answering ids, slugs, roles and dates only.
 *
 * A malformed event or a refused request (bad input, slug taken, unknown organisation) is answered
 * `{ ok: false, error: { code, message, field } }` before anything is created; success is answered with ids only.
 * Unexpected faults are thrown (a Lambda function error). Logs carry the action, ids and error codes, never names.
 */
export async function handler(event: unknown, context?: Context): Promise<ProvisionerResponse> {
  if (context) logger.addContext(context);
  const action = actionOf(event);
  try {
    services ??= createServices(configFromEnv());
    if (signIns === undefined) {
      const pool = userPoolFromEnv();
      signIns = pool ? new CognitoSignInAccounts(pool) : null;
      partnerClients = pool ? new CognitoPartnerClients(pool) : undefined;
    }
    const response = await runProvisionerEvent(services, event, signIns ?? undefined, partnerClients, {
      ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
      // What could not be recorded (the platform or the tenant audit log): its error name only.
      onRecordFailure: (failure) => logger.error('provisioner audit not recorded', { action, ...failure }),
      ...(signIns ? { operators: signIns, organisationUsers: signIns } : {}),
      ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
    });
    if (response.ok && response.action === 'deleteOffboardedSignIns') {
      const swept = {
        action,
        organisationsFinished: response.organisationsFinished,
        organisationsWaiting: response.organisationsWaiting,
        organisationsFailed: response.organisationsFailed,
        complete: response.complete,
        usersDeleted: response.usersDeleted,
        usersGone: response.usersGone,
        usersRefused: response.usersRefused,
        partnerClientsDeleted: response.partnerClientsDeleted,
        partnerClientsRefused: response.partnerClientsRefused,
        handlesForgotten: response.handlesForgotten,
      };
      // An organisation left unfinished by a fault fails the invocation: Lambda runs it again, and the errors alarm
      // counts it. The others stay finished.
      if (response.organisationsFailed.length > 0) {
        logger.error('offboarded organisations swept, some failed', swept);
        throw new Error(
          `${response.organisationsFailed.length} offboarded organisation(s) could not be swept.`,
        );
      }
      // Out of time: what was done stays done, and tomorrow's run resumes after it.
      if (!response.complete) logger.warn('offboarded organisations swept, out of time', swept);
      else logger.info('offboarded organisations swept', swept);
    } else if (response.ok && response.action === 'listOrganisations') {
      logger.info('organisations listed', { action, count: response.organisations.length });
    } else if (response.ok && response.action === 'registerOperator') {
      logger.info('operator registered', { action, operatorId: response.operatorId });
    } else if (response.ok && response.action === 'reactivateOperator') {
      logger.info('operator reactivated', { action, operatorId: response.operatorId });
    } else if (response.ok && response.action === 'disableOperatorSignIn') {
      logger.info('operator sign-in ended', {
        action,
        operatorId: response.operatorId,
        disabled: response.disabled,
      });
    } else if (response.ok && response.action === 'listStaff') {
      logger.info('staff listed', {
        action,
        organisationId: response.organisationId,
        count: response.staff.length,
      });
    } else if (response.ok) {
      logger.info('organisation provisioned', {
        action,
        organisationId: response.organisationId,
        ...(response.action === 'inviteStaff' ? { staffId: response.staffId } : {}),
        ...(response.action === 'disableStaffSignIn'
          ? { staffId: response.staffId, disabled: response.disabled }
          : {}),
        ...(response.action === 'enableStaffSignIn'
          ? { staffId: response.staffId, enabled: response.enabled }
          : {}),
        ...(response.action === 'registerPartnerClient' ? { partnerId: response.partnerId } : {}),
        signInUsers: signIns ? 'user pool' : 'none',
        ...(response.action === 'offboard'
          ? { usersDisabled: response.usersDisabled, usersNotDisabled: response.usersNotDisabled }
          : {}),
      });
    } else {
      // A refused assertion (missing, forged, altered, replayed, expired): an invocation around the api, counted for
      // the operators' `tampering-refused` alarm.
      if (response.error.reason) {
        publishMetric(confideMetrics.tamperingRefused, 1, {
          level: 'WARN',
          message: 'provisioner.assertion-refused',
          action,
          reason: response.error.reason,
        });
      }
      logger.warn('provisioner request refused', {
        action,
        code: response.error.code,
        field: response.error.field?.join('.'),
        // Why an assertion was refused (missing, expired, signature, organisation, …): never the assertion.
        ...(response.error.reason ? { reason: response.error.reason } : {}),
      });
    }
    return response;
  } catch (error) {
    logger.error('provisioner request failed', {
      action,
      // The name only: AWS error messages can echo request values (an email, a name).
      errorName: error instanceof Error ? error.name : typeof error,
      cause: error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined,
    });
    throw error;
  }
}
