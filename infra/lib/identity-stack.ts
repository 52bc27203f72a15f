import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ConfideUserPool } from '../constructs/confide-user-pool';
import type { StageConfig } from './stage-config';

/** Properties of {@link ConfideIdentityStack}. */
export interface ConfideIdentityStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The Cognito user pool, its groups, resource server, domain and app clients. Stateful (staff accounts and their
 * second factors), so deployed and protected apart from the API.
 */
export class ConfideIdentityStack extends Stack {
  /** The user pool and its clients. */
  public readonly identity: ConfideUserPool;

  constructor(scope: Construct, id: string, props: ConfideIdentityStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.identity = new ConfideUserPool(this, 'Identity', {
      stage: config.stage,
      domainPrefix: config.identity.domainPrefix,
      callbackUrls: config.identity.callbackUrls,
      logoutUrls: config.identity.logoutUrls,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });

    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'Issuer', { value: this.identity.issuer });
    new CfnOutput(this, 'PartnerAppClientId', { value: this.identity.partnerAppClient.userPoolClientId });
    new CfnOutput(this, 'PartnerAgencyClientId', {
      value: this.identity.partnerAgencyClient.userPoolClientId,
    });
    new CfnOutput(this, 'AuthDomainUrl', { value: this.identity.domain.baseUrl() });
  }
}
