import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { type Clock, systemClock } from '@confide/domain';
import { KeyHierarchy, OrganisationKeys } from '@confide/keys';
import {
  AccessMonitoring,
  Approvals,
  AuditLog,
  BreachRegister,
  CareServices,
  CaseNotes,
  Consents,
  countRequests,
  DisclosureQueue,
  DisclosureReviews,
  Disclosures,
  EmergencyReviews,
  GovernanceNotifications,
  IntegrityIncidents,
  LeanDynamoDBClient,
  MediaRecords,
  OperatorRegistry,
  OrganisationDirectory,
  PartnerAgencies,
  PersonnelRecords,
  PlatformAuditLog,
  ReferencePermissions,
  Referrals,
  RequestCounters,
  RetentionSchedules,
  RetentionTombstones,
  ServiceUsers,
  StaffSchedules,
  SubjectAccessRequests,
  sharedTenantClients,
  type TenantClients,
} from '@confide/store';
import type { ConfideConfig } from './config';
import { DEFAULT_HEAT_MAP_LIMITS, type HeatMapLimits } from './monitoring/access-heat-map';
import { AssumedTenantClients } from './tenant-credentials';

/** The long-lived parts of the API, created once per process (per Lambda container) and shared by requests. */
export interface ConfideServices {
  readonly config: ConfideConfig;
  readonly clock: Clock;
  /**
   * The process's own client, with the function role's credentials: the platform registry (`PLATFORM#…`) only, and
   * tests' raw reads and writes. Tenant items go through {@link ConfideServices.tenantClients}.
   */
  readonly dynamo: DynamoDBClient;
  /**
   * Every organisation's client (decision 0031): in AWS (`config.tenantAccess`) one per organisation signing with
   * credentials assumed for it alone; locally the shared client. Every record class, the key hierarchy's key table
   * and each request's loader are built on it.
   */
  readonly tenantClients: TenantClients;
  readonly kms: KMSClient;
  readonly keys: KeyHierarchy;
  readonly organisationKeys: OrganisationKeys;
  readonly directory: OrganisationDirectory;
  readonly careServices: CareServices;
  readonly serviceUsers: ServiceUsers;
  readonly caseNotes: CaseNotes;
  readonly consents: Consents;
  readonly disclosures: Disclosures;
  /** The deciders' work queue, read from the register (issue 15, items 7 and 8). */
  readonly disclosureQueue: DisclosureQueue;
  /** The reviews exceptional disclosures raise for the service's managers and the Caldicott Guardian. */
  readonly disclosureReviews: DisclosureReviews;
  /** Referrals from partner agencies, and what the referrer may learn of them (Lets connect 4.3). */
  readonly referrals: Referrals;
  readonly subjectAccess: SubjectAccessRequests;
  readonly emergencyReviews: EmergencyReviews;
  readonly partners: PartnerAgencies;
  readonly auditLog: AuditLog;
  /** What platform operators and the provisioner did, outside any tenant; pending offboardings. */
  readonly platformAudit: PlatformAuditLog;
  /** Platform operators' stored status: only ACTIVE admits an operator token (decision 0026). */
  readonly operators: OperatorRegistry;
  /** Changes waiting for a second person (two-person rule). */
  readonly approvals: Approvals;
  /** Access-monitoring settings and the lean reads of the monitoring reports. */
  readonly monitoring: AccessMonitoring;
  readonly breaches: BreachRegister;
  readonly counters: RequestCounters;
  readonly media: MediaRecords;
  readonly personnelRecords: PersonnelRecords;
  readonly referencePermissions: ReferencePermissions;
  /** Retention schedules, legal holds and erasure of client records. */
  readonly retention: RetentionSchedules;
  readonly tombstones: RetentionTombstones;
  /** Findings that the stored state does not match what the API wrote (decision 0030). */
  readonly integrityIncidents: IntegrityIncidents;
  /** The governance contacts' notification outbox (issue 20, decision 0035). */
  readonly notifications: GovernanceNotifications;
  /** Retention schedules of former staff members' records. */
  readonly staffRetention: StaffSchedules;
  /** How much the access heat-map reads at most (tests set a small cap to reach its truncated path). */
  readonly heatMapLimits: HeatMapLimits;
}

export interface ServiceOverrides {
  readonly clock?: Clock;
  readonly heatMapLimits?: HeatMapLimits;
  readonly dynamo?: DynamoDBClient;
  readonly kms?: KMSClient;
}

/**
 * Takes the SDK's logger middleware off a client. Confide never gives the SDK a logger (Powertools logs what matters,
 * without personal data), yet the middleware runs on every call, and on every failed one (a conditional write's
 * `ConditionalCheckFailed`, say) copies the whole input through the command's schema to hand to its no-op logger
 * (issue 18, decision 0038).
 */
export function removeSdkLogger(client: DynamoDBClient | KMSClient): void {
  client.middlewareStack.remove('loggerMiddleware');
}

/** Counts a DynamoDB client's calls, a lean client's own included. */
function countDynamo(client: DynamoDBClient, counters: RequestCounters): void {
  if (client instanceof LeanDynamoDBClient) client.countInto(counters);
  else countRequests(client.middlewareStack, 'DynamoDB', counters);
}

/** Wires the SDK clients (without the SDK's logger, with request counters) into the key hierarchy and the stores. */
export function createServices(config: ConfideConfig, overrides: ServiceOverrides = {}): ConfideServices {
  const clock = overrides.clock ?? systemClock;
  const counters = new RequestCounters();
  // The records' data-plane calls skip the SDK's middleware (decision 0069); everything else is the SDK's.
  const dynamo =
    overrides.dynamo ??
    new LeanDynamoDBClient({
      region: config.region,
      ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
    });
  const kms =
    overrides.kms ??
    new KMSClient({
      region: config.region,
      ...(config.endpoints.kms ? { endpoint: config.endpoints.kms } : {}),
    });
  for (const client of [dynamo, kms]) removeSdkLogger(client);
  countDynamo(dynamo, counters);
  countRequests(kms.middlewareStack, 'KMS', counters);
  const assumed = config.tenantAccess
    ? new AssumedTenantClients({
        ...config.tenantAccess,
        region: config.region,
        credentials: dynamo.config.credentials,
        sha256: dynamo.config.sha256,
        ...(config.endpoints.dynamodb ? { dynamodbEndpoint: config.endpoints.dynamodb } : {}),
        ...(config.endpoints.kms ? { kmsEndpoint: config.endpoints.kms } : {}),
        onClient: (client) => {
          removeSdkLogger(client);
          countDynamo(client, counters);
        },
        onKmsClient: (client) => {
          removeSdkLogger(client);
          countRequests(client.middlewareStack, 'KMS', counters);
        },
      })
    : undefined;
  const tenantClients: TenantClients = assumed ?? sharedTenantClients(dynamo);
  const access = tenantClients;
  const keys = new KeyHierarchy({
    // In AWS each organisation's key is used with its own assumed credentials (decision 0031); locally the shared one.
    kms: assumed?.kms ?? kms,
    dynamo: access,
    keyTableName: config.tables.keys,
    clock,
    cacheTtlMs: config.kms.keyCacheTtlMs,
  });
  const organisationKeys = new OrganisationKeys({
    kms,
    aliasPrefix: config.kms.aliasPrefix,
    accountId: config.kms.accountId,
    apiRoleArn: config.kms.apiRoleArn,
    provisionerRoleArn: config.kms.provisionerRoleArn,
    tenantAccessRoleArn: config.kms.tenantAccessRoleArn,
  });
  const table = config.tables.data;
  const directory = new OrganisationDirectory({ dynamo, access, tableName: table, keys, clock });
  const platformAudit = new PlatformAuditLog(dynamo, table, clock, keys);
  const retention = new RetentionSchedules(
    access,
    table,
    keys,
    new ServiceUsers(access, table, keys, clock),
    clock,
  );
  return {
    config,
    clock,
    dynamo,
    tenantClients,
    kms,
    keys,
    organisationKeys,
    directory,
    careServices: new CareServices(access, table, clock, keys),
    serviceUsers: new ServiceUsers(access, table, keys, clock),
    caseNotes: new CaseNotes(access, table, clock),
    consents: new Consents(access, table, clock, keys),
    disclosures: new Disclosures(access, table, clock, keys),
    disclosureQueue: new DisclosureQueue(access, table, clock),
    disclosureReviews: new DisclosureReviews(access, table, clock, keys),
    referrals: new Referrals(access, table, clock),
    subjectAccess: new SubjectAccessRequests(access, table, clock, keys),
    emergencyReviews: new EmergencyReviews(access, table, clock, retention, keys),
    partners: new PartnerAgencies(access, table, clock, keys, dynamo),
    approvals: new Approvals(access, table, clock, keys),
    auditLog: new AuditLog(access, table, keys, undefined, clock),
    platformAudit,
    operators: new OperatorRegistry(dynamo, table, platformAudit, clock),
    monitoring: new AccessMonitoring(access, table, clock),
    breaches: new BreachRegister(access, table, clock),
    counters,
    media: new MediaRecords(access, table, clock),
    personnelRecords: new PersonnelRecords(access, table, clock, keys),
    referencePermissions: new ReferencePermissions(access, table, clock, keys),
    retention,
    tombstones: new RetentionTombstones(access, table),
    integrityIncidents: new IntegrityIncidents(access, table, clock),
    notifications: new GovernanceNotifications(access, table, clock),
    staffRetention: new StaffSchedules(access, table, keys, directory, clock),
    heatMapLimits: overrides.heatMapLimits ?? DEFAULT_HEAT_MAP_LIMITS,
  };
}
