import {
  AdminCreateUserCommand,
  type AdminCreateUserCommandOutput,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeliveryMediumType,
} from '@aws-sdk/client-cognito-identity-provider';
import type {
  OperatorAccounts,
  OrganisationUserDeletion,
  OrganisationUsers,
  PartnerClients,
  SignInAccounts,
} from '@confide/api/provisioning';
import { badInput, ConfideError, ErrorCode, type OrgId } from '@confide/domain';

/** The user attribute holding a user's organisation (`custom:org_id`; infra/constructs/confide-user-pool.ts). */
export const ORGANISATION_USER_ATTRIBUTE = 'custom:org_id';

/** The user attribute holding a staff user's staff id (`custom:staff_id`), which tokens carry as a hint. */
export const STAFF_USER_ATTRIBUTE = 'custom:staff_id';

/** Where the provisioner creates sign-in users: `CONFIDE_USER_POOL_ID` (set by CDK), or none (locally). */
export interface UserPoolConfig {
  readonly userPoolId: string;
  readonly region: string;
  /** The only OAuth scope of partner agencies' app clients (`CONFIDE_PARTNER_SCOPE`, set by CDK). */
  readonly partnerScope: string;
  /** Names app clients `confide-<stage>-partner-<partnerId>`. */
  readonly stage: string;
  /** An endpoint override (tests); absent in AWS. */
  readonly endpoint?: string;
}

const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

export function userPoolFromEnv(env: NodeJS.ProcessEnv = process.env): UserPoolConfig | undefined {
  const userPoolId = env.CONFIDE_USER_POOL_ID;
  if (!userPoolId) return undefined;
  if (!USER_POOL_ID.test(userPoolId)) throw new Error('Invalid configuration: CONFIDE_USER_POOL_ID');
  return {
    userPoolId,
    region: env.AWS_REGION ?? 'eu-west-2',
    partnerScope: env.CONFIDE_PARTNER_SCOPE ?? 'confide/partner.read',
    stage: env.CONFIDE_STAGE ?? 'local',
    ...(env.CONFIDE_COGNITO_ENDPOINT ? { endpoint: env.CONFIDE_COGNITO_ENDPOINT } : {}),
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/**
 * Staff users of the Cognito user pool (decision 0021). The pool signs users in by email: the address is the
 * `Username` given to `AdminCreateUser`, Cognito makes the user's actual username a UUID equal to its `sub`, and
 * that `sub` becomes the staff member's external subject. Cognito emails the invitation (a temporary password);
 * the user sets a password and a TOTP second factor at first sign-in, as the pool requires. Errors carry the
 * Cognito error name only: Cognito's messages may echo the address.
 */
export class CognitoSignInAccounts implements SignInAccounts, OperatorAccounts, OrganisationUsers {
  readonly #client: CognitoIdentityProviderClient;

  constructor(private readonly pool: UserPoolConfig) {
    this.#client = new CognitoIdentityProviderClient({
      region: pool.region,
      ...(pool.endpoint ? { endpoint: pool.endpoint } : {}),
    });
  }

  async create(orgId: OrgId, staffId: string, email: string, field: readonly string[]) {
    let user: AdminCreateUserCommandOutput['User'];
    try {
      ({ User: user } = await this.#client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.pool.userPoolId,
          Username: email,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
            { Name: ORGANISATION_USER_ATTRIBUTE, Value: orgId },
            // Copied into tokens as a hint, so that authentication reads the caller in one batch (decision 0020)
            { Name: STAFF_USER_ATTRIBUTE, Value: staffId },
          ],
          DesiredDeliveryMediums: [DeliveryMediumType.EMAIL],
        }),
      ));
    } catch (error) {
      const name = errorName(error);
      if (name === 'UsernameExistsException' || name === 'AliasExistsException') {
        throw new ConfideError(ErrorCode.CONFLICT, 'A user with that email address already exists.', {
          field,
        });
      }
      if (name === 'InvalidParameterException') {
        throw badInput(field, 'The user pool refused that email address.');
      }
      throw new Error(`The user pool did not create the user (${name}).`);
    }
    const subject = user?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    const username = user?.Username;
    if (!subject || !username) throw new Error('The user pool answered a user without sub or username.');
    return { subject, username };
  }

  /** An operator's user by username (or email alias): their `sub`, and whether they are in `group` (decision 0105). */
  async operator(
    username: string,
    group: string,
  ): Promise<{ subject: string; inGroup: boolean } | undefined> {
    const pool = { UserPoolId: this.pool.userPoolId, Username: username };
    let subject: string | undefined;
    let actualUsername: string | undefined;
    try {
      const user = await this.#client.send(new AdminGetUserCommand(pool));
      subject = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
      actualUsername = user.Username;
    } catch (error) {
      if (errorName(error) === 'UserNotFoundException') return undefined;
      throw new Error(`The user pool did not answer for the user (${errorName(error)}).`);
    }
    if (!subject || !actualUsername)
      throw new Error('The user pool answered a user without sub or username.');
    let inGroup = false;
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.#client.send(
          new AdminListGroupsForUserCommand({
            UserPoolId: this.pool.userPoolId,
            Username: actualUsername,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        inGroup ||= (page.Groups ?? []).some((found) => found.GroupName === group);
        nextToken = page.NextToken;
      } while (nextToken && !inGroup);
    } catch (error) {
      throw new Error(`The user pool did not list the user's groups (${errorName(error)}).`);
    }
    return { subject, inGroup };
  }

  disable(username: string): Promise<boolean> {
    return this.#setEnabled(username, false);
  }

  /** Enables a user again: a reactivated operator's, disabled at their suspension (decision 0128). */
  enable(username: string): Promise<boolean> {
    return this.#setEnabled(username, true);
  }

  /**
   * Deletes an offboarded organisation's user once its key is deleted (decision 0132), only if the pool holds it for
   * that organisation: its `custom:org_id`, which the provisioner set and app clients may not write.
   */
  async deleteOrganisationUser(subject: string, orgId: OrgId): Promise<OrganisationUserDeletion> {
    const user = { UserPoolId: this.pool.userPoolId, Username: subject };
    try {
      const { UserAttributes: attributes } = await this.#client.send(new AdminGetUserCommand(user));
      const organisation = attributes?.find((attribute) => attribute.Name === ORGANISATION_USER_ATTRIBUTE);
      if (organisation?.Value !== orgId) return 'ANOTHER_ORGANISATION';
      await this.#client.send(new AdminDeleteUserCommand(user));
      return 'DELETED';
    } catch (error) {
      if (errorName(error) === 'UserNotFoundException') return 'GONE';
      throw new Error(`The user pool did not read or delete the user (${errorName(error)}).`);
    }
  }

  /** Enables or disables a user; false when there is no such user. */
  async #setEnabled(username: string, enabled: boolean): Promise<boolean> {
    const user = { UserPoolId: this.pool.userPoolId, Username: username };
    try {
      await this.#client.send(enabled ? new AdminEnableUserCommand(user) : new AdminDisableUserCommand(user));
      return true;
    } catch (error) {
      if (errorName(error) === 'UserNotFoundException') return false;
      throw new Error(
        `The user pool did not ${enabled ? 'enable' : 'disable'} the user (${errorName(error)}).`,
      );
    }
  }
}

/**
 * Partner agencies' app clients in the user pool (decision 0022): one confidential client per agency, client
 * credentials only, the partner scope only, no callback URLs, so that one agency's secret is rotated or revoked
 * alone. The secret Cognito generates is in `CreateUserPoolClient`'s answer: it is dropped here, never returned,
 * stored or logged; an operator reads it from the pool (`describe-user-pool-client`) and hands it to the agency.
 * Errors carry the Cognito error name only.
 */
export class CognitoPartnerClients implements PartnerClients {
  readonly #client: CognitoIdentityProviderClient;

  constructor(private readonly pool: UserPoolConfig) {
    this.#client = new CognitoIdentityProviderClient({
      region: pool.region,
      ...(pool.endpoint ? { endpoint: pool.endpoint } : {}),
    });
  }

  async create(_orgId: OrgId, partnerId: string) {
    let clientId: string | undefined;
    try {
      const { UserPoolClient: created } = await this.#client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: this.pool.userPoolId,
          ClientName: `confide-${this.pool.stage}-partner-${partnerId}`,
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: [this.pool.partnerScope],
          SupportedIdentityProviders: ['COGNITO'],
          PreventUserExistenceErrors: 'ENABLED',
          AccessTokenValidity: 1,
          TokenValidityUnits: { AccessToken: 'hours' },
        }),
      );
      clientId = created?.ClientId;
    } catch (error) {
      throw new Error(`The user pool did not create the app client (${errorName(error)}).`);
    }
    if (!clientId) throw new Error('The user pool answered an app client without an id.');
    return { clientId };
  }

  async delete(clientId: string): Promise<boolean> {
    try {
      await this.#client.send(
        new DeleteUserPoolClientCommand({ UserPoolId: this.pool.userPoolId, ClientId: clientId }),
      );
      return true;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return false;
      throw new Error(`The user pool did not delete the app client (${errorName(error)}).`);
    }
  }
}
