import { Logger } from '@aws-lambda-powertools/logger';
import { isIdOf } from '@confide/domain';
import type { Context, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** The user attribute holding a tenant user's organisation id (immutable: set when an administrator creates the user). */
export const ORG_ID_ATTRIBUTE = 'custom:org_id';

/** The claim the api reads the organisation from (`packages/api/src/authentication.ts`). */
export const ORG_ID_CLAIM = 'org_id';

/** The user attribute holding a staff user's staff id (set by the provisioner when it creates the user). */
export const STAFF_ID_ATTRIBUTE = 'custom:staff_id';

/**
 * The claim naming the caller's staff id: a hint that lets the api read the caller in one batch. The api uses it
 * only when the identity link agrees (decision 0020).
 */
export const STAFF_ID_CLAIM = 'staff_id';

const logger = new Logger();

/**
 * Cognito's pre-token-generation trigger (event version 2, so that access tokens can be changed too): adds the
 * user's organisation id as the `org_id` claim to the access token the api verifies, and to the id token. Users
 * without the attribute (platform operators) get no claim. The api never trusts the claim alone: it looks the
 * subject up in that organisation's directory on every request, and roles come from the table, not the token.
 */
export async function handler(
  event: PreTokenGenerationV2TriggerEvent,
  context?: Context,
): Promise<PreTokenGenerationV2TriggerEvent> {
  if (context) logger.addContext(context);
  const orgId = event.request.userAttributes[ORG_ID_ATTRIBUTE];
  if (orgId === undefined) return event;
  if (!isIdOf('org', orgId)) {
    // Never the value or the user: an attribute that is not an organisation id is a provisioning fault.
    logger.warn('user attribute is not an organisation id; no org_id claim added', {
      attribute: ORG_ID_ATTRIBUTE,
      triggerSource: event.triggerSource,
    });
    return event;
  }
  const staffId = event.request.userAttributes[STAFF_ID_ATTRIBUTE];
  const claims = {
    [ORG_ID_CLAIM]: orgId,
    ...(staffId !== undefined && isIdOf('staff', staffId) ? { [STAFF_ID_CLAIM]: staffId } : {}),
  };
  const details = event.response.claimsAndScopeOverrideDetails ?? {};
  event.response.claimsAndScopeOverrideDetails = {
    ...details,
    idTokenGeneration: {
      ...details.idTokenGeneration,
      claimsToAddOrOverride: { ...details.idTokenGeneration?.claimsToAddOrOverride, ...claims },
    },
    accessTokenGeneration: {
      ...details.accessTokenGeneration,
      claimsToAddOrOverride: { ...details.accessTokenGeneration?.claimsToAddOrOverride, ...claims },
    },
  };
  return event;
}
