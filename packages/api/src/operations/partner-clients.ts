import { badInput, ConfideError, ErrorCode, isIdOf, notFound, type OrgId } from '@confide/domain';
import { type PartnerAgency, tenantScope } from '@confide/store';
import type { ConfideServices } from '../services';

export interface RegisterPartnerClientInput {
  readonly organisationId: OrgId;
  readonly partnerId: string;
}

/**
 * Partner agencies' app clients in the user pool (Cognito in AWS), as the provisioner reaches it: the api never does
 * (its bundle carries no Cognito client, its role no Cognito rights). Decision 0022.
 */
export interface PartnerClients {
  /**
   * Creates a confidential app client for one partner (client credentials, the partner scope only) and answers its
   * id. Its secret stays in the pool: it is neither answered nor kept (an operator reads it from the pool).
   */
  create(orgId: OrgId, partnerId: string): Promise<{ readonly clientId: string }>;
  /** Deletes an app client; false when there is no such client. */
  delete(clientId: string): Promise<boolean>;
}

/**
 * Why an app client cannot be created where there is no user pool (locally, and a provisioner without
 * `CONFIDE_USER_POOL_ID`): `BAD_USER_INPUT` with `extensions.unavailable: "userPool"`, as for invitations
 * (decision 0021). Locally a partner is registered with the client id its local tokens carry.
 */
export function noPartnerUserPool(): ConfideError {
  return new ConfideError(
    ErrorCode.BAD_USER_INPUT,
    'Partner app clients need a user pool, and this deployment has none: locally, register the partner with the client id its tokens carry.',
    { details: { unavailable: 'userPool' } },
  );
}

/**
 * Whether a partner still has the client id the api generated when it registered it in a deployed stage (`sub_…`),
 * i.e. no app client is bound yet. A Cognito client id never has that form.
 */
export function awaitsAppClient(partner: PartnerAgency): boolean {
  return isIdOf('subject', partner.clientId);
}

/**
 * Creates a partner agency's own Cognito app client, in the provisioner (decision 0022), then binds it in one
 * transaction: the partner's client id, its identity link (a client-credentials token's `sub` is the client id) and
 * the platform item the api reads for such tokens. If the transaction fails the app client is deleted and the
 * answer is `CONFLICT`. A partner already bound to an app client is a `CONFLICT`.
 */
export async function registerPartnerClient(
  services: ConfideServices,
  input: RegisterPartnerClientInput,
  clients?: PartnerClients,
): Promise<PartnerAgency> {
  if (!isIdOf('org', input.organisationId)) {
    throw badInput(['input', 'organisationId'], 'input.organisationId must be an organisation id (org_…).');
  }
  if (!isIdOf('partner', input.partnerId)) {
    throw badInput(['input', 'partnerId'], 'input.partnerId must be a partner id (ptn_…).');
  }
  if (!clients) throw noPartnerUserPool();
  const organisation = await services.directory.organisation(input.organisationId);
  if (!organisation) throw notFound('Organisation');
  if (organisation.status !== 'ACTIVE') {
    throw new ConfideError(ErrorCode.CONFLICT, 'The organisation is offboarded.');
  }
  const scope = tenantScope(organisation.orgId);
  const partner = await services.partners.get(scope, input.partnerId);
  if (!partner) throw notFound('Partner agency');
  if (!awaitsAppClient(partner)) {
    throw new ConfideError(ErrorCode.CONFLICT, 'The partner agency already has an app client.');
  }

  const { clientId } = await clients.create(organisation.orgId, partner.partnerId);
  try {
    await services.partners.bindClient(scope, partner.partnerId, partner.clientId, clientId);
  } catch (error) {
    // The app client is bound to no one: delete it, so that no token of it is ever issued.
    await clients.delete(clientId).catch(() => undefined);
    throw error;
  }
  const bound = await services.partners.get(scope, partner.partnerId);
  if (!bound) throw notFound('Partner agency');
  return bound;
}
