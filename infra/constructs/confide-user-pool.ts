import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolRiskConfigurationAttachment,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  type PasswordPolicy,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The group whose members are platform operators (`CONFIDE_OPERATOR_GROUP`, the `cognito:groups` claim). */
export const OPERATOR_GROUP = 'confide-operators';

/**
 * The custom attribute holding a tenant user's organisation id (`custom:org_id`), which the pre-token-generation
 * trigger copies into the `org_id` claim. Must match `ORG_ID_ATTRIBUTE` in `services/pre-token/src/handler.ts` (a
 * test checks it). Organisation ids are `org_` and 26 characters.
 */
export const ORGANISATION_ATTRIBUTE = 'org_id';

/**
 * The custom attribute holding a staff user's staff id (`custom:staff_id`), which the pre-token-generation trigger
 * copies into the `staff_id` claim. Must match `STAFF_ID_ATTRIBUTE` in `services/pre-token/src/handler.ts`.
 */
export const STAFF_ATTRIBUTE = 'staff_id';

/** The resource server identifier: scopes read `confide/<scope>`. */
export const RESOURCE_SERVER_ID = 'confide';

/** The only scope of partner agencies' app clients (the one CDK creates, and those the provisioner creates). */
export const PARTNER_READ_SCOPE = `${RESOURCE_SERVER_ID}/partner.read`;

/**
 * Password rules from the Lets connect confidentiality policy, 5.4: "a combination of upper and lowercase
 * letters, numbers and symbols", "should differ from passwords used previously". The policy names no length;
 * 12 characters is the UK Cyber Essentials minimum for a password protected by no other control, kept here
 * although MFA is also required. Cognito cannot expire passwords; "routinely changed" is met instead by
 * compromised-credential detection, which forces a change when a password appears in a breach (NCSC advises
 * against scheduled expiry).
 */
export const passwordPolicy: PasswordPolicy = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  // The most Cognito remembers.
  passwordHistorySize: 24,
  tempPasswordValidity: Duration.days(3),
};

/** Properties of {@link ConfideUserPool}. */
export interface ConfideUserPoolProps {
  /** The stage name, used in resource names. */
  readonly stage: string;
  /** Cognito domain prefix for the hosted sign-in and token endpoints. */
  readonly domainPrefix: string;
  /** Redirect URLs of the partner front-end client. */
  readonly callbackUrls: readonly string[];
  /** Sign-out URLs of the partner front-end client. */
  readonly logoutUrls: readonly string[];
  /** Cognito deletion protection. */
  readonly deletionProtection: boolean;
  /** Removal policy of the user pool. */
  readonly removalPolicy: RemovalPolicy;
  /** The pre-token-generation trigger (event version 2) that adds `org_id` to access and id tokens. */
  readonly preTokenGeneration: IFunction;
}

/**
 * The identity provider of charity staff, service users and platform operators, and of partner agencies'
 * machine clients:
 *
 * - staff are created by administrators (no self sign-up), sign in with their email address, a password per the
 *   Lets connect policy and a TOTP second factor (always required, never SMS), and recover accounts by email;
 * - threat protection (Plus plan) is enforced: compromised credentials are blocked, high-risk sign-ins blocked;
 * - a tenant user's organisation is the immutable `custom:org_id` attribute, which the pre-token-generation
 *   trigger puts in the tokens' `org_id` claim;
 * - `partnerAppClient`: partner front-ends, authorization code with PKCE, no client secret;
 * - `partnerAgencyClient`: a partner agency's back end, client credentials with a secret, scope
 *   `confide/partner.read` only;
 * - `operatorCliClient`: the operators' `confide login --stage`, authorization code with PKCE on the loopback redirect
 *   `http://localhost:8976/callback` (RFC 8252), no client secret (decision 0108).
 */
export class ConfideUserPool extends Construct {
  /** The user pool. */
  public readonly userPool: UserPool;
  /** Client of partner front-ends (public, authorization code + PKCE). */
  public readonly partnerAppClient: UserPoolClient;
  /** Client of partner agencies' back ends (confidential, client credentials). */
  public readonly partnerAgencyClient: UserPoolClient;
  /** Client of the operators' command line (public, authorization code + PKCE on a loopback redirect). */
  public readonly operatorCliClient: UserPoolClient;
  /** The Cognito domain serving sign-in and `/oauth2/token`. */
  public readonly domain: UserPoolDomain;
  /** The token issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  public readonly issuer: string;

  constructor(scope: Construct, id: string, props: ConfideUserPoolProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `confide-${props.stage}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Immutable: set by an administrator when creating the user and never changeable, by the user or any app
      // client, so that no one can move an account into another organisation.
      customAttributes: {
        [ORGANISATION_ATTRIBUTE]: new StringAttribute({ minLen: 30, maxLen: 30, mutable: false }),
        // A staff user's staff id, copied into tokens as a hint (decision 0020); staff ids are `stf_` and 26
        // characters.
        [STAFF_ATTRIBUTE]: new StringAttribute({ minLen: 30, maxLen: 30, mutable: false }),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });

    // Version 2 of the event, so that the trigger can add claims to access tokens (version 1: id tokens only).
    // Needs the Essentials or Plus feature plan.
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      props.preTokenGeneration,
      LambdaVersion.V2_0,
    );

    // Enforced threat protection acts on these. No notification emails: they need an SES identity, which the
    // pool does not have yet (see infra/README.md).
    new CfnUserPoolRiskConfigurationAttachment(this, 'RiskConfiguration', {
      userPoolId: this.userPool.userPoolId,
      clientId: 'ALL',
      compromisedCredentialsRiskConfiguration: { actions: { eventAction: 'BLOCK' } },
      accountTakeoverRiskConfiguration: {
        actions: {
          highAction: { eventAction: 'BLOCK', notify: false },
          mediumAction: { eventAction: 'MFA_REQUIRED', notify: false },
          lowAction: { eventAction: 'NO_ACTION', notify: false },
        },
      },
    });

    this.userPool.addGroup('Operators', {
      groupName: OPERATOR_GROUP,
      description: 'Platform operators: onboard and offboard organisations; never read tenant data.',
    });

    const partnerRead = new ResourceServerScope({
      scopeName: 'partner.read',
      scopeDescription: 'Read what a disclosure released to the calling partner agency',
    });
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: `confide-${props.stage}-api`,
      scopes: [partnerRead],
    });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });

    this.partnerAppClient = this.userPool.addClient('PartnerAppClient', {
      userPoolClientName: `confide-${props.stage}-partner-app`,
      // A browser or mobile app cannot keep a secret; PKCE protects its authorization codes instead.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [...props.callbackUrls],
        logoutUrls: [...props.logoutUrls],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // About a working shift: staff sign in again, with their second factor, each day.
      refreshTokenValidity: Duration.hours(12),
    });

    this.partnerAgencyClient = this.userPool.addClient('PartnerAgencyClient', {
      userPoolClientName: `confide-${props.stage}-partner-agency`,
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(resourceServer, partnerRead)],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
    });

    this.operatorCliClient = this.userPool.addClient('OperatorCliClient', {
      userPoolClientName: `confide-${props.stage}-operator-cli`,
      // A command line cannot keep a secret: PKCE binds the code to the command that asked for it.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID],
        // The loopback redirect `confide login` listens on (packages/cli/src/login.ts, OPERATOR_CLI_PORT).
        callbackUrls: ['http://localhost:8976/callback'],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(1),
    });

    const stack = Stack.of(this);
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
  }
}
