import {
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SignInUsers } from '@confide/store';

const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

/**
 * The stage's staff sign-in users, as the retention function deletes them with a member's records (decision 0130):
 * `CONFIDE_USER_POOL_ID` (set by CDK), or none (locally). Errors carry the Cognito error name only.
 */
export class PoolUsers implements SignInUsers {
  readonly #client: CognitoIdentityProviderClient;

  constructor(
    private readonly userPoolId: string,
    region: string,
    endpoint?: string,
  ) {
    this.#client = new CognitoIdentityProviderClient({ region, ...(endpoint ? { endpoint } : {}) });
  }

  async delete(subject: string): Promise<boolean> {
    try {
      await this.#client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: subject }));
      return true;
    } catch (error) {
      const name = error instanceof Error ? error.name : typeof error;
      if (name === 'UserNotFoundException') return false;
      throw new Error(`The user pool did not delete the user (${name}).`);
    }
  }
}

/** The pool named by the environment, or undefined when there is none (locally). */
export function poolUsersFromEnv(env: NodeJS.ProcessEnv): PoolUsers | undefined {
  const userPoolId = env.CONFIDE_USER_POOL_ID;
  if (!userPoolId) return undefined;
  if (!USER_POOL_ID.test(userPoolId)) throw new Error('Invalid configuration: CONFIDE_USER_POOL_ID');
  return new PoolUsers(userPoolId, env.AWS_REGION ?? 'eu-west-2', env.CONFIDE_COGNITO_ENDPOINT);
}
