import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ConfideFunction } from '../constructs/confide-function';
import { ConfideUserPool } from '../constructs/confide-user-pool';
import { OperationsKey } from '../constructs/operations-key';
import { fromRepoRoot, repoRoot } from './paths';
import type { StageConfig } from './stage-config';

/** Properties of {@link ConfideIdentityStack}. */
export interface ConfideIdentityStackProps extends StackProps {
  readonly config: StageConfig;
  /** The break-glass role, from {@link ConfideDataStack}: alone may change the operations key's policy. */
  readonly breakGlassRole: IRole;
}

/**
 * The Cognito user pool, its groups, resource server, domain and app clients, and its pre-token-generation
 * trigger (with the key encrypting the trigger's logs). Stateful (staff accounts and their second factors), so
 * deployed and protected apart from the API. The trigger lives here rather than in the api stack because the pool
 * refers to it and the api stack refers to the pool.
 */
export class ConfideIdentityStack extends Stack {
  /** The user pool and its clients. */
  public readonly identity: ConfideUserPool;
  /** The pre-token-generation trigger, adding `org_id` to tokens. */
  public readonly preToken: ConfideFunction;

  constructor(scope: Construct, id: string, props: ConfideIdentityStackProps) {
    super(scope, id, props);
    const { config } = props;

    // The api stack's operations key cannot be used here (the api stack depends on this one).
    const operationsKey = new OperationsKey(this, 'OperationsKey', {
      stage: config.stage,
      removalPolicy: config.removalPolicy,
      aliasName: `alias/confide-operations/${config.stage}-identity`,
      breakGlassRole: props.breakGlassRole,
    });
    // The provisioner's role exists only once the api stack is deployed: denied by name (see OperationsKey).
    operationsKey.denyManagementToRoleNamed(`confide-${config.stage}-provisioner`);

    this.preToken = new ConfideFunction(this, 'PreTokenFunction', {
      entry: fromRepoRoot('services/pre-token/src/handler.ts'),
      projectRoot: repoRoot,
      stage: config.stage,
      service: 'pre-token',
      description: 'Cognito pre-token-generation trigger: adds the org_id claim from custom:org_id',
      environment: {},
      logLevel: config.logLevel,
      logRetention: config.logRetention,
      logRemovalPolicy: config.removalPolicy,
      logEncryptionKey: operationsKey.key,
      memorySize: 256,
      // Cognito waits 5 s for a trigger before failing the sign-in.
      timeout: Duration.seconds(5),
    });
    Validations.of(this.preToken.function).acknowledge(
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          'Invoked by Cognito once per token issued, bounded by Cognito sign-in and token quotas; a reservation ' +
          'would fail deployment in accounts at the default concurrency quota.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'Invoked synchronously by Cognito during sign-in: a failure fails that sign-in, which the user retries; ' +
          'a function DLQ only receives failed asynchronous invocations.',
      },
    );

    this.identity = new ConfideUserPool(this, 'Identity', {
      stage: config.stage,
      domainPrefix: config.identity.domainPrefix,
      callbackUrls: config.identity.callbackUrls,
      logoutUrls: config.identity.logoutUrls,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
      preTokenGeneration: this.preToken.function,
    });

    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'Issuer', { value: this.identity.issuer });
    new CfnOutput(this, 'PartnerAppClientId', { value: this.identity.partnerAppClient.userPoolClientId });
    new CfnOutput(this, 'PartnerAgencyClientId', {
      value: this.identity.partnerAgencyClient.userPoolClientId,
    });
    new CfnOutput(this, 'OperatorCliClientId', { value: this.identity.operatorCliClient.userPoolClientId });
    new CfnOutput(this, 'AuthDomainUrl', { value: this.identity.domain.baseUrl() });
  }
}
