import {
  AdminCreateUserCommand,
  type AdminCreateUserCommandOutput,
  AdminDisableUserCommand,
  CognitoIdentityProviderClient,
  DeliveryMediumType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SignInAccounts } from '@confide/api/provisioning';
import { badInput, ConfideError, ErrorCode, type OrgId } from '@confide/domain';

/** The user attribute holding a user's organisation (`custom:org_id`; infra/constructs/confide-user-pool.ts). */
export const ORGANISATION_USER_ATTRIBUTE = 'custom:org_id';

/** Where the provisioner creates sign-in users: `CONFIDE_USER_POOL_ID` (set by CDK), or none (locally). */
export interface UserPoolConfig {
  readonly userPoolId: string;
  readonly region: string;
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
export class CognitoSignInAccounts implements SignInAccounts {
  readonly #client: CognitoIdentityProviderClient;

  constructor(private readonly pool: UserPoolConfig) {
    this.#client = new CognitoIdentityProviderClient({
      region: pool.region,
      ...(pool.endpoint ? { endpoint: pool.endpoint } : {}),
    });
  }

  async create(orgId: OrgId, email: string, field: readonly string[]) {
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

  async disable(username: string): Promise<boolean> {
    try {
      await this.#client.send(
        new AdminDisableUserCommand({ UserPoolId: this.pool.userPoolId, Username: username }),
      );
      return true;
    } catch (error) {
      if (errorName(error) === 'UserNotFoundException') return false;
      throw new Error(`The user pool did not disable the user (${errorName(error)}).`);
    }
  }
}
