import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { dataTableDesign, keyTableDesign } from '../../packages/store/src/table-design';
import { AuditAnchor } from '../constructs/audit-anchor';
import { ConfideAlarms } from '../constructs/confide-alarms';
import { ConfideFunction, type ConfideFunctionProps } from '../constructs/confide-function';
import { grantRecordAccess, recordActions } from '../constructs/confide-tables';
import { type ConfideUserPool, OPERATOR_GROUP, PARTNER_READ_SCOPE } from '../constructs/confide-user-pool';
import { GovernanceNotifications, OUTBOX_LEADING_KEYS } from '../constructs/governance-notifications';
import { GraphqlHttpApi } from '../constructs/http-api';
import { KeyChangeAlarms } from '../constructs/key-change-alarms';
import { OperationsKey } from '../constructs/operations-key';
import {
  OrganisationKeyLifecyclePolicy,
  OrganisationKeyProvisioningPolicy,
} from '../constructs/organisation-key-access';
import { ASSERTION_KEY_ENVIRONMENT, ProvisionerAssertionKey } from '../constructs/provisioner-assertion-key';
import { RetentionStream } from '../constructs/retention-stream';
import { PLATFORM_LEADING_KEYS, TenantAccessRole } from '../constructs/tenant-access-role';
import { TransferAccess } from '../constructs/transfer-access';
import { consoleClientIdParameterName } from './parameter-names';
import { fromRepoRoot, repoRoot } from './paths';
import type { StageConfig } from './stage-config';

/** Properties of {@link ConfideApiStack}. */
export interface ConfideApiStackProps extends StackProps {
  readonly config: StageConfig;
  /** The data table, from {@link ConfideDataStack}. */
  readonly dataTable: ITableV2;
  /** The key table, from {@link ConfideDataStack}. */
  readonly keyTable: ITableV2;
  /** The user pool and its clients, from {@link ConfideIdentityStack}. */
  readonly identity: ConfideUserPool;
  /** The user pool's pre-token-generation trigger, from {@link ConfideIdentityStack}: its errors are alarmed here. */
  readonly preTokenFunction: IFunction;
  /** The break-glass role, from {@link ConfideDataStack}: alone may change this stack's key policies. */
  readonly breakGlassRole: IRole;
}

/** How long a process keeps unwrapped branch keys: the KMS budget's cache window (DESIGN.md). */
const keyCacheTtl = Duration.minutes(5);

/**
 * The api, provisioner and retention functions, the HTTP API in front of the api, the retention stream wiring and
 * the operational alarms, with the key encrypting their logs and notifications. Nothing here holds tenant data:
 * the stack can be redeployed freely (the log groups and their key are retained in prod).
 */
export class ConfideApiStack extends Stack {
  /** The HTTP API and its stage. */
  public readonly httpApi: GraphqlHttpApi;
  /** The api function. */
  public readonly api: ConfideFunction;
  /** The provisioner function. */
  public readonly provisioner: ConfideFunction;
  /** The retention function. */
  public readonly retention: ConfideFunction;
  /** The governance notification topic and its pipe (decision 0035). */
  public readonly notifications: GovernanceNotifications;
  /** The audit verifier function (scheduled; read-only role, decision 0029). */
  public readonly verifier: ConfideFunction;
  /** The operators' export and import function (decision 0041): the api's data access, invoked by operators. */
  public readonly transfer: ConfideFunction;
  /** The checkpoint bucket, signing key and schedule of the anchored audit. */
  public readonly auditAnchor: AuditAnchor;
  /** The alarms and their topic. */
  public readonly alarms: ConfideAlarms;

  constructor(scope: Construct, id: string, props: ConfideApiStackProps) {
    super(scope, id, props);
    const { config, dataTable, keyTable, identity } = props;

    const operationsKey = new OperationsKey(this, 'OperationsKey', {
      stage: config.stage,
      removalPolicy: config.removalPolicy,
      breakGlassRole: props.breakGlassRole,
    });
    operationsKey.allowEventBridgeNotifications();

    // Every function reads the same configuration (packages/api/src/config.ts), so that any of them can build the
    // shared services; the role ARNs are added once the roles exist.
    const environment = {
      CONFIDE_STAGE: config.stage,
      CONFIDE_DATA_TABLE: dataTable.tableName,
      CONFIDE_KEY_TABLE: keyTable.tableName,
      CONFIDE_JWT_ISSUER: identity.issuer,
      // The api accepts the pool's access tokens, which name their app client in `client_id` and carry no `aud`.
      CONFIDE_JWT_CLIENT_IDS: [
        identity.partnerAppClient.userPoolClientId,
        identity.partnerAgencyClient.userPoolClientId,
        // The operators' `confide login --stage` (decision 0108).
        identity.operatorCliClient.userPoolClientId,
      ].join(','),
      // The governance console's client, made in the console stack after this one, is named by a parameter (0107).
      CONFIDE_JWT_CLIENT_IDS_PARAMETER: consoleClientIdParameterName(config.stage),
      CONFIDE_JWKS_URL: `${identity.issuer}/.well-known/jwks.json`,
      CONFIDE_ACCOUNT_ID: this.account,
      CONFIDE_OPERATOR_GROUP: OPERATOR_GROUP,
      CONFIDE_INTROSPECTION: String(config.introspection),
      CONFIDE_KEY_CACHE_TTL_MS: String(keyCacheTtl.toMilliseconds()),
    };
    const common = {
      projectRoot: repoRoot,
      stage: config.stage,
      environment,
      logLevel: config.logLevel,
      logRetention: config.logRetention,
      logRemovalPolicy: config.removalPolicy,
      logEncryptionKey: operationsKey.key,
    } satisfies Partial<ConfideFunctionProps>;

    this.api = new ConfideFunction(this, 'ApiFunction', {
      ...common,
      entry: fromRepoRoot('services/api/src/handler.ts'),
      service: 'api',
      description: 'Confide GraphQL API',
      memorySize: 1024,
      timeout: Duration.seconds(10),
    });
    this.provisioner = new ConfideFunction(this, 'ProvisionerFunction', {
      ...common,
      entry: fromRepoRoot('services/provisioner/src/handler.ts'),
      service: 'provisioner',
      description: 'Creates and retires organisations: KMS key, alias, key policy, tenant item',
      memorySize: 512,
      timeout: Duration.minutes(1),
    });
    this.retention = new ConfideFunction(this, 'RetentionFunction', {
      ...common,
      entry: fromRepoRoot('services/retention/src/handler.ts'),
      service: 'retention',
      description: 'Writes tombstones for TTL expiries and erasures from the data table stream',
      memorySize: 512,
      timeout: Duration.minutes(1),
    });
    this.verifier = new ConfideFunction(this, 'VerifierFunction', {
      ...common,
      entry: fromRepoRoot('services/verifier/src/handler.ts'),
      service: 'verifier',
      description:
        "Verifies every organisation's access audit against its chains and last checkpoint; checkpoints it",
      memorySize: 1024,
      timeout: Duration.minutes(15),
    });
    this.transfer = new ConfideFunction(this, 'TransferFunction', {
      ...common,
      entry: fromRepoRoot('services/transfer/src/handler.ts'),
      service: 'transfer',
      description:
        "Exports an organisation's records to its operator before offboarding, and imports a charity's records",
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });
    // Read-only: no grantRecordAccess. Its table, bucket and key rights are in AuditAnchor.
    this.auditAnchor = new AuditAnchor(this, 'AuditAnchor', {
      stage: config.stage,
      verifier: this.verifier,
      dataTable,
      dataTableDesign,
      keyTable,
      keyTableDesign,
      breakGlassRole: props.breakGlassRole,
      provisionerRole: this.provisioner.role,
      checkpointRetention: config.checkpointRetention,
      schedule: config.verifySchedule,
    });
    // It asks KMS, by the key's alias, whether a checkpointed organisation the registry calls offboarded really has its
    // key going: a status rewritten below the application would otherwise take it out of every run (decision 0144).
    new OrganisationKeyLifecyclePolicy(this.verifier, 'OrganisationKeyLifecycle', {
      role: this.verifier.role,
      stage: config.stage,
    });
    for (const fn of [this.api, this.provisioner, this.retention]) {
      fn.function.addEnvironment('CONFIDE_API_ROLE_ARN', this.api.role.roleArn);
      fn.function.addEnvironment('CONFIDE_PROVISIONER_ROLE_ARN', this.provisioner.role.roleArn);
      // The api reaches organisations' items only with credentials assumed per organisation (TenantAccessRole,
      // decision 0031); its own role keeps the platform registry alone.
      if (fn === this.api) continue;
      grantRecordAccess(fn.function, dataTable, dataTableDesign);
      grantRecordAccess(fn.function, keyTable, keyTableDesign);
    }
    this.api.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PlatformRegistryItemsOnly',
        actions: [...recordActions],
        resources: [dataTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [PLATFORM_LEADING_KEYS] } },
      }),
    );
    this.api.function.addEnvironment(
      'CONFIDE_RATE_LIMIT_RPS',
      String(config.organisationRateLimit.requestsPerSecond),
    );
    this.api.function.addEnvironment('CONFIDE_RATE_LIMIT_BURST', String(config.organisationRateLimit.burst));

    // The api role may not create or delete KMS keys: the onboarding and offboarding mutations invoke the
    // provisioner, by name, and may invoke nothing else (the unqualified function ARN: no versions or aliases).
    this.api.function.addEnvironment('CONFIDE_PROVISIONER_FUNCTION', this.provisioner.function.functionName);
    // The console's app client id, read when a console token first arrives (decision 0107): that one parameter only.
    this.api.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadTheConsoleClientParameter',
        actions: ['ssm:GetParameter'],
        resources: [
          this.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: consoleClientIdParameterName(config.stage).replace(/^\//, ''),
          }),
        ],
      }),
    );
    this.api.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'InvokeProvisionerForOnboardingAndOffboarding',
        actions: ['lambda:InvokeFunction'],
        resources: [this.provisioner.function.functionArn],
      }),
    );
    // The provisioner creates the first admin's Cognito user at onboarding and disables an offboarded organisation's
    // users (decision 0021), a deactivated member's (0102) and a suspended operator's (0128); it enables a re-employed
    // member's (0129) and a reactivated operator's (0128) again: those three actions, on this stage's pool only. The api
    // has no Cognito rights; the retention function one (below).
    this.provisioner.function.addEnvironment('CONFIDE_USER_POOL_ID', identity.userPool.userPoolId);
    this.provisioner.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'CreateDisableAndEnableSignInUsers',
        actions: [
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminDisableUser',
          'cognito-idp:AdminEnableUser',
        ],
        resources: [identity.userPool.userPoolArn],
      }),
    );
    // It registers a platform operator (decision 0105): their user's `sub` and whether they are in the operators'
    // group, read on this stage's pool only.
    this.provisioner.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadOperatorsToRegister',
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser'],
        resources: [identity.userPool.userPoolArn],
      }),
    );
    // Once an offboarded organisation's key is deleted, its users and partner app clients go from the pool (decision
    // 0132): a daily sweep by the provisioner, which reads each user's organisation (AdminGetUser, above) and deletes
    // only that organisation's, and asks KMS by the key's alias whether the key is gone.
    this.provisioner.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DeleteOffboardedOrganisationsUsers',
        actions: ['cognito-idp:AdminDeleteUser'],
        resources: [identity.userPool.userPoolArn],
      }),
    );
    new OrganisationKeyLifecyclePolicy(this.provisioner, 'OrganisationKeyLifecycle', {
      role: this.provisioner.role,
      stage: config.stage,
    });
    new Rule(this, 'OffboardedSignInsSchedule', {
      description:
        'Deletes the pool users and partner app clients of offboarded organisations whose KMS key has been deleted',
      schedule: Schedule.rate(Duration.days(1)),
      targets: [
        new LambdaFunction(this.provisioner.function, {
          event: RuleTargetInput.fromObject({ action: 'deleteOffboardedSignIns' }),
          retryAttempts: 2,
        }),
      ],
    });
    // The retention function deletes a leaver's sign-in user, which holds their address, when their records expire
    // (decision 0130): that one action, on this stage's pool only.
    this.retention.function.addEnvironment('CONFIDE_USER_POOL_ID', identity.userPool.userPoolId);
    this.retention.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DeleteExpiredSignInUsers',
        actions: ['cognito-idp:AdminDeleteUser'],
        resources: [identity.userPool.userPoolArn],
      }),
    );
    // It asks KMS whether an organisation's key is pending deletion or deleted, by the key's alias, when that
    // organisation's records fail: an offboarded organisation's expiries then pass (decision 0131).
    new OrganisationKeyLifecyclePolicy(this.retention, 'OrganisationKeyLifecycle', {
      role: this.retention.role,
      stage: config.stage,
    });
    // The provisioner also creates each partner agency's own app client (client credentials, the partner scope only),
    // and deletes one it could not bind (decision 0022): those two actions, on this stage's pool only.
    this.provisioner.function.addEnvironment('CONFIDE_PARTNER_SCOPE', PARTNER_READ_SCOPE);
    this.provisioner.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'CreateAndDeletePartnerAppClients',
        actions: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        resources: [identity.userPool.userPoolArn],
      }),
    );
    // Per-request credentials narrowed to one organisation (decision 0031): every tenant item the api reads or writes
    // is signed with them (test/foundation/store-gateway.test.ts keeps the store on the gateway).
    const tenantAccess = new TenantAccessRole(this, 'TenantAccess', {
      stage: config.stage,
      apiRole: this.api.role,
      transferRole: this.transfer.role,
      dataTable,
      keyTable,
    });
    // The transfer function reaches organisations exactly as the api does: its own role the platform registry, each
    // organisation's items and key through that organisation's tenant-access session (decisions 0031, 0041).
    new TransferAccess(this, 'TransferAccess', { transfer: this.transfer, tenantAccess, dataTable });
    this.api.function.addEnvironment('CONFIDE_TENANT_ACCESS_ROLE_ARN', tenantAccess.role.roleArn);
    // The api role itself has no use of organisation keys: the key hierarchy calls KMS with the organisation's
    // assumed credentials, and organisation key policies name the tenant-access role (decision 0031).
    new OrganisationKeyProvisioningPolicy(this.provisioner, 'OrganisationKeyProvisioning', {
      role: this.provisioner.role,
      stage: config.stage,
    });
    operationsKey.denyManagementTo(this.provisioner.role);

    // The provisioner acts on a tenant (invitations, partner app clients) or retires one only with an assertion the
    // api signed for that request (issue 14): the api may generate MACs under this key, the provisioner may verify
    // them, by the key policy alone. The retention function is given neither the key nor its name.
    const assertionKey = new ProvisionerAssertionKey(this, 'ProvisionerAssertionKey', {
      stage: config.stage,
      removalPolicy: config.removalPolicy,
      signer: this.api.role,
      verifier: this.provisioner.role,
      breakGlassRole: props.breakGlassRole,
    });
    for (const fn of [this.api, this.provisioner]) {
      fn.function.addEnvironment(ASSERTION_KEY_ENVIRONMENT, assertionKey.key.keyArn);
    }

    Validations.of(this.api.function).acknowledge(
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          'Bounded by API Gateway throttling (stage and per route) and the per-organisation rate limit; a ' +
          'reservation would take capacity from the account pool without adding a limit those do not impose.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'Invoked synchronously by API Gateway: the caller receives the error, and a function DLQ only ever ' +
          'receives failed asynchronous invocations.',
      },
    );
    Validations.of(this.provisioner.function).acknowledge(
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          "Invoked for operators' onboarding and offboarding (through the api's operator-only mutations or " +
          'directly), one organisation at a time; a reservation would fail deployment in accounts still at the ' +
          'default concurrency quota and would limit nothing that operator access does not.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'Invoked synchronously (RequestResponse) by the api and by operators, who see a failure and retry; ' +
          'onboarding schedules the deletion of a half-created key itself.',
      },
    );
    Validations.of(this.verifier.function).acknowledge(
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          'Invoked once per schedule period by one EventBridge rule and never by a request, so at most one or two ' +
          'instances run; a reservation would only take capacity from the account pool.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'A failed scheduled run is not replayed (the next run verifies everything again); failures raise the ' +
          'verifier-errors alarm and a failed verification the audit-verification alarm.',
      },
    );
    Validations.of(this.transfer.function).acknowledge(
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          'Invoked only by operators running an export or an import, one invocation at a time from the CLI; a ' +
          'reservation would take capacity from the account pool and limit nothing operator access does not.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'Invoked synchronously (RequestResponse) by the operator CLI, which sees a failure; a rerun resumes the ' +
          'import by its row identities, and an export is begun again.',
      },
    );
    Validations.of(this.retention.function).acknowledge(
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          "Concurrency is bounded by the data table stream's shard count (parallelization factor 1), not by a " +
          'reservation.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'Invoked by a stream event source mapping, to which a function DLQ does not apply; failed records go ' +
          "to the mapping's on-failure SQS destination (RetentionStream), whose depth is alarmed.",
      },
    );

    const retentionStream = new RetentionStream(this, 'RetentionStream', {
      handler: this.retention.function,
      dataTable,
    });

    // Governance contacts hear of break-glass openings, escalations and deadlines (decision 0035): the api and the
    // hourly deadlines function fill each organisation's outbox; a pipe on the table stream publishes new items.
    // The stream's second and last reader, beside the retention function.
    const deadlines = new ConfideFunction(this, 'DeadlinesFunction', {
      ...common,
      entry: fromRepoRoot('services/retention/src/deadlines.ts'),
      service: 'deadlines',
      description:
        'Puts overdue-breach and subject-access-deadline notifications in each organisation outbox',
      memorySize: 512,
      timeout: Duration.minutes(5),
    });
    Grant.addToPrincipal({
      grantee: deadlines.function,
      // Reads organisations, breaches and requests (dates and states; nothing it could decrypt).
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
      resourceArns: [
        dataTable.tableArn,
        ...dataTableDesign.globalIndexes.map((index) => `${dataTable.tableArn}/index/${index.name}`),
      ],
    });
    // It writes outbox items only (`notifyDueDeadlines`): a put anywhere else in the table is refused.
    deadlines.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PutOutboxItemsOnly',
        actions: ['dynamodb:PutItem'],
        resources: [dataTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [OUTBOX_LEADING_KEYS] } },
      }),
    );
    Validations.of(deadlines.function).acknowledge(
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason: 'Invoked once an hour by one EventBridge rule and never by a request.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'A failed hourly run is retried by the rule and then by the next hour’s run, which checks every deadline again; notifications are once per item.',
      },
    );
    this.notifications = new GovernanceNotifications(this, 'GovernanceNotifications', {
      stage: config.stage,
      dataTable,
      deadlinesFunction: deadlines.function,
      operationsKey,
      logRetention: config.logRetention,
      logRemovalPolicy: config.removalPolicy,
      logEncryptionKey: operationsKey.key,
    });

    this.httpApi = new GraphqlHttpApi(this, 'HttpApi', {
      apiName: `confide-${config.stage}-api`,
      handler: this.api.function,
      throttling: config.throttling,
      routeThrottling: config.routeThrottling,
      corsAllowedOrigins: config.corsAllowedOrigins,
      logRetention: config.logRetention,
      logRemovalPolicy: config.removalPolicy,
      logEncryptionKey: operationsKey.key,
    });

    this.alarms = new ConfideAlarms(this, 'Alarms', {
      stage: config.stage,
      httpApi: this.httpApi.api,
      functions: {
        api: this.api.function,
        provisioner: this.provisioner.function,
        retention: this.retention.function,
        verifier: this.verifier.function,
        transfer: this.transfer.function,
        deadlines: deadlines.function,
        'pre-token': props.preTokenFunction,
      },
      serviceNames: {
        api: this.api.serviceName,
        provisioner: this.provisioner.serviceName,
        retention: this.retention.serviceName,
        verifier: this.verifier.serviceName,
      },
      verifySchedule: config.verifySchedule,
      apiFunction: this.api.function,
      retentionFunction: this.retention.function,
      retentionFailureQueue: retentionStream.failureQueue,
      governanceFailureQueue: this.notifications.failureQueue,
      encryptionKey: operationsKey.key,
      emails: config.alarmEmails,
    });

    new KeyChangeAlarms(this, 'KeyChangeAlarms', { stage: config.stage, topic: this.alarms.topic });

    new CfnOutput(this, 'CheckpointBucketName', { value: this.auditAnchor.bucket.bucketName });
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.stage.url });
    new CfnOutput(this, 'GraphqlUrl', { value: `${this.httpApi.stage.url}graphql` });
    new CfnOutput(this, 'ProvisionerFunctionName', { value: this.provisioner.function.functionName });
    new CfnOutput(this, 'TransferFunctionName', { value: this.transfer.function.functionName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'GovernanceTopicArn', { value: this.notifications.topic.topicArn });
  }
}
