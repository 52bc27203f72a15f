import { isDeepStrictEqual } from 'node:util';
import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type AccessPreset,
  type Clock,
  ConfideError,
  conflict,
  ErrorCode,
  isExpired,
  isIdOf,
  newId,
  type OrgId,
  ROLES,
  type Role,
  systemClock,
} from '@confide/domain';
import {
  blindIndex,
  integrityMac,
  type KeyHierarchy,
  type SubjectKey,
  verifyIntegrityMac,
} from '@confide/keys';
import {
  attr,
  type CountedFacts,
  changeCount,
  countedFactsWrite,
  type Item,
  read,
  requireN,
  requireS,
  tableKey,
} from './attributes';
import type { ItemLoader } from './item-loader';
import { organisationIntegrityKey } from './item-macs';
import { type Page, type PageRequest, QueryCursors } from './paging';
import { IntegrityIncidents, TamperedItemError } from './records/integrity-incidents';
import { itemKeyOf, openField, sealFields } from './sealed-fields';
import { platformKey, type TenantScope, tenantScope } from './tenant-scope';
import { type TableAccess, TenantTable, type TenantTransactItem } from './tenant-table';

export type OrganisationStatus = 'ACTIVE' | 'OFFBOARDED';
export type StaffStatus = 'ACTIVE' | 'DEACTIVATED';
export type PrincipalKind = 'STAFF' | 'SERVICE_USER' | 'PARTNER';

export interface RetentionSettings {
  readonly clientYearsAfterClosure: number;
  readonly childUntilAge: number;
  readonly staffYearsAfterEmployment: number;
  readonly auditYears: number;
  readonly breachYears: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  clientYearsAfterClosure: 8,
  childUntilAge: 25,
  staffYearsAfterEmployment: 6,
  auditYears: 8,
  breachYears: 6,
};

export interface Organisation {
  readonly orgId: OrgId;
  readonly name: string;
  readonly slug: string;
  readonly preset: AccessPreset;
  readonly status: OrganisationStatus;
  readonly kmsKeyArn: string;
  readonly keyAlias: string;
  readonly dataProcessingAgreement: string | undefined;
  readonly retention: RetentionSettings;
  readonly createdAt: string;
  readonly offboardedAt: string | undefined;
  readonly keyDeletionDate: string | undefined;
  /** When an offboarded organisation's users were deleted from the user pool, once its key was (decision 0132). */
  readonly signInUsersDeletedAt?: string | undefined;
  /** The current confidentiality policy version staff must acknowledge; undefined until one is published. */
  readonly policyVersion: number | undefined;
  readonly policyTitle: string | undefined;
  /** Whether a service user's own access list names the staff who looked (organisation setting). */
  readonly showStaffNamesToServiceUsers: boolean;
  readonly version: number;
}

export interface StaffMember {
  readonly orgId: OrgId;
  readonly staffId: string;
  readonly handle: string;
  readonly roles: readonly Role[];
  readonly status: StaffStatus;
  readonly externalSubject: string;
  readonly createdAt: string;
  readonly version: number;
  readonly acknowledgedPolicyVersion: number | undefined;
  /** Open break-glass grants, by client id. */
  readonly emergencyGrants: ReadonlyMap<string, EmergencyGrant>;
  /** The services this person manages, works in or reviews (copied from the services, see CareServices). */
  readonly serviceLinks: StaffServiceLinks;
  /** Decrypts the display name, reading the subject key on its own (CLI, single reads). */
  displayName(): Promise<string>;
  /** Decrypts the display name with a key the caller already has (batched reads). */
  openDisplayName(key: SubjectKey): string;
}

/** A staff account as an operator lists it: no name, handle or email (see {@link OrganisationDirectory.staffRoster}). */
export interface StaffRosterEntry {
  readonly staffId: string;
  readonly roles: readonly Role[];
  readonly status: StaffStatus;
  readonly createdAt: string;
}

/**
 * A staff member's relationships to services. The service items are the source of truth for lists; this copy,
 * written in the same transaction, lets need-to-know decide from the caller's own item (read at authentication)
 * without loading each client's service (decision 0020).
 */
export interface StaffServiceLinks {
  readonly manages: ReadonlySet<string>;
  readonly memberOf: ReadonlySet<string>;
  readonly qaReviews: readonly { readonly serviceId: string; readonly from: string; readonly to: string }[];
}

/** Staff-item attributes holding the service links (string sets, so ADD and DELETE need no prior attribute). */
export const STAFF_SERVICE_LINKS = {
  managers: 'managesServices',
  members: 'memberOfServices',
  qa: 'qaReviews',
} as const;

/**
 * The staff-item string set that held one MAC per service link (decision 0030, Access facts), before the links had a MAC
 * of their own as a whole. An account whose links have not changed since still verifies by it; the first change removes
 * it (decision 0125).
 */
const STAFF_SERVICE_LINK_MACS = 'serviceLinkMacs';

/** The staff-item attribute holding the MAC over all the account's service links and their count (decision 0125). */
const STAFF_SERVICE_LINKS_MAC = 'serviceLinksMac';

/**
 * The staff-item attribute counting the changes to the account's service links, bound into their MAC (decision 0125):
 * a link taken away and put back with its genuine earlier MAC shows in the table's stream as the count going down.
 */
const STAFF_SERVICE_LINKS_VERSION = 'serviceLinksVersion';

/**
 * A staff account's service links, their MAC and count (decision 0125). The per-link MACs of before are among the
 * attributes, so that putting the later links back also takes off any earlier per-link MACs put back with them.
 */
const STAFF_LINK_FACTS: CountedFacts = {
  attributes: [...Object.values(STAFF_SERVICE_LINKS), STAFF_SERVICE_LINK_MACS],
  mac: STAFF_SERVICE_LINKS_MAC,
  count: STAFF_SERVICE_LINKS_VERSION,
};

type ServiceLinkKind = keyof typeof STAFF_SERVICE_LINKS;
const LINK_KINDS = Object.keys(STAFF_SERVICE_LINKS) as ServiceLinkKind[];

/** What the links' MAC covers: each kind's links in order (JSON, so no link can pass for two), and their count. */
const serviceLinksParts = (
  scope: TenantScope,
  staffId: string,
  links: Readonly<Record<ServiceLinkKind, readonly string[]>>,
  count: number,
) => [
  'confide.service-links.v2',
  scope.orgId,
  staffId,
  ...LINK_KINDS.map((kind) => JSON.stringify([...links[kind]].sort())),
  String(count),
];

/** The MAC of one service link, as accounts unchanged since decision 0125 still carry it. */
const serviceLinkParts = (scope: TenantScope, staffId: string, kind: ServiceLinkKind, link: string) => [
  'confide.service-link.v1',
  scope.orgId,
  staffId,
  kind,
  link,
];

const linksOf = (item: Item) =>
  Object.fromEntries(LINK_KINDS.map((kind) => [kind, read.ss(item, STAFF_SERVICE_LINKS[kind])])) as Record<
    ServiceLinkKind,
    string[]
  >;

/**
 * Whether a staff item's service links pass their MAC: the links as a whole with their count (decision 0125), or, on an
 * account whose links have not changed since, each link its own MAC.
 */
function serviceLinksVerified(
  integrityKey: Buffer,
  scope: TenantScope,
  staffId: string,
  item: Item,
): boolean {
  const links = linksOf(item);
  // No link grants nothing: nothing to check.
  if (LINK_KINDS.every((kind) => links[kind].length === 0)) return true;
  const mac = read.s(item, STAFF_SERVICE_LINKS_MAC);
  const count = changeCount(item, STAFF_SERVICE_LINKS_VERSION);
  // Links changed since decision 0125 carry a count: their MAC taken off fails closed, never falls back to the
  // per-link MACs of before (one kept from then would pass). Taking the count off too is a rollback the stream sees.
  if (mac !== undefined || count > 0) {
    return (
      mac !== undefined &&
      verifyIntegrityMac(integrityKey, serviceLinksParts(scope, staffId, links, count), mac)
    );
  }
  const macs = read.ss(item, STAFF_SERVICE_LINK_MACS);
  return LINK_KINDS.every((kind) =>
    links[kind].every((link) =>
      macs.some((linkMac) =>
        verifyIntegrityMac(integrityKey, serviceLinkParts(scope, staffId, kind, link), linkMac),
      ),
    ),
  );
}

/**
 * The update of a staff item that adds or takes away one service link (decision 0125): the item's links as they are,
 * once they pass their MAC, changed, under a new MAC with their count one higher; the per-link MACs of before go. Its
 * condition holds only while the links are still those read, so a concurrent change of them is retried, never lost.
 * A staff item whose links fail their MAC throws {@link TamperedItemError}: a forged link is never signed anew.
 */
export function serviceLinkChange(
  integrityKey: Buffer,
  scope: TenantScope,
  item: Item,
  change: { readonly kind: ServiceLinkKind; readonly action: 'ADD' | 'DELETE'; readonly link: string },
): { set: string[]; remove: string[]; condition: string; names: Record<string, string>; values: Item } {
  const staffId = requireS(item, 'staffId');
  if (!serviceLinksVerified(integrityKey, scope, staffId, item)) {
    throw new TamperedItemError(staffId, 'STAFF', itemKeyOf(requireS(item, 'pk'), requireS(item, 'sk')));
  }
  const links = linksOf(item);
  const changed = new Set(links[change.kind]);
  if (change.action === 'ADD') changed.add(change.link);
  else changed.delete(change.link);
  links[change.kind] = [...changed];
  const kept = LINK_KINDS.filter((kind) => links[kind].length > 0);
  const signed = countedFactsWrite(STAFF_LINK_FACTS, item, (count) =>
    integrityMac(integrityKey, serviceLinksParts(scope, staffId, links, count)),
  );
  return {
    set: [...kept.map((kind) => `#${kind} = :${kind}`), ...signed.set],
    // A string set cannot be empty: a kind with no link left loses its attribute.
    remove: [...LINK_KINDS.filter((kind) => links[kind].length === 0).map((kind) => `#${kind}`), '#linkMacs'],
    condition: signed.condition,
    names: {
      ...Object.fromEntries(LINK_KINDS.map((kind) => [`#${kind}`, STAFF_SERVICE_LINKS[kind]])),
      '#linkMacs': STAFF_SERVICE_LINK_MACS,
      ...signed.names,
    },
    values: {
      ...Object.fromEntries(kept.map((kind) => [`:${kind}`, { SS: links[kind] }])),
      ...signed.values,
    },
  };
}

/** A QA review period as one string-set member: `serviceId|from|to` (ISO instants contain no `|`). */
export const qaReviewLink = (serviceId: string, from: string, to: string) => `${serviceId}|${from}|${to}`;

function serviceLinksOf(item: Item): StaffServiceLinks {
  return {
    manages: new Set(read.ss(item, STAFF_SERVICE_LINKS.managers)),
    memberOf: new Set(read.ss(item, STAFF_SERVICE_LINKS.members)),
    qaReviews: read.ss(item, STAFF_SERVICE_LINKS.qa).map((link) => {
      const [serviceId = '', from = '', to = ''] = link.split('|');
      return { serviceId, from, to };
    }),
  };
}

export interface EmergencyGrant {
  readonly grantId: string;
  readonly reason: string;
  readonly until: string;
}

export interface IdentityLink {
  readonly kind: PrincipalKind;
  readonly principalId: string;
}

export interface OrganisationDirectoryOptions {
  /**
   * The platform registry's client (`PLATFORM#…`: slugs, the organisation list), with the process's own
   * credentials: no tenant's. Also every organisation's, unless `access` is given.
   */
  readonly dynamo: DynamoDBClient;
  /** Every organisation's own client (decision 0031): tenant items (profile, staff, handles, identities). */
  readonly access?: TableAccess;
  readonly tableName: string;
  readonly keys: KeyHierarchy;
  readonly clock?: Clock;
}

const ORG_SORT = 'PROFILE';
/** The partition of an offboarded organisation's sign-in subjects noted for the sweep (decision 0132). */
const SIGN_IN_TO_DELETE = 'SIGN_IN_TO_DELETE';

/** The key of a staff member's account item (roles, status, version). */
export function staffAccountKey(scope: TenantScope, staffId: string): { pk: string; sk: string } {
  return { pk: scope.key('STAFF', staffId), sk: ORG_SORT };
}
const HANDLE_BITS = 256;

/** The key of the identity link of a sign-in subject (`IDENTITY#<encoded subject>`), a client's or a staff member's. */
export function identityLinkKey(scope: TenantScope, externalSubject: string): { pk: string; sk: string } {
  return { pk: scope.key('IDENTITY', encodeSubject(externalSubject)), sk: 'IDENTITY' };
}

/** A staff member's handle entry (`HANDLE#<blind index>`, holding their id): the handle, case-folded, under the beacon key. */
export function staffHandleEntryKey(
  scope: TenantScope,
  beaconKey: Uint8Array,
  handle: string,
): { pk: string; sk: string } {
  return {
    pk: scope.key('HANDLE', blindIndex(beaconKey, 'staff-handle', handle.toLowerCase(), HANDLE_BITS)),
    sk: 'HANDLE',
  };
}

/**
 * Organisations, their staff accounts and the links from identity-provider subjects to principals.
 *
 * Staff display names are personal data and sealed under the staff member's subject key; handles are looked
 * up through a keyed blind index, so no name or handle appears in any key.
 */
/** A new staff account as `addStaff` takes it. */
export interface NewStaff {
  readonly handle: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly externalSubject?: string;
  /** A staff id chosen beforehand (onboarding names it on the sign-in user it creates first). */
  readonly staffId?: string;
}

export class OrganisationDirectory {
  readonly #dynamo: DynamoDBClient;
  readonly #access: TableAccess;
  readonly #table: string;
  readonly #keys: KeyHierarchy;
  readonly #clock: Clock;
  readonly #incidents: IntegrityIncidents;

  constructor(options: OrganisationDirectoryOptions) {
    this.#dynamo = options.dynamo;
    this.#access = options.access ?? options.dynamo;
    this.#table = options.tableName;
    this.#keys = options.keys;
    this.#clock = options.clock ?? systemClock;
    this.#incidents = new IntegrityIncidents(this.#access, options.tableName, this.#clock);
  }

  /** The organisation's items, through the tenant gateway with its own client. */
  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.#access, this.#table);
  }

  // ── Organisations ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Writes the organisation's registry entries, its profile and its first staff account in one transaction: a fault
   * leaves none of them, and the slug free to onboard again. CONFLICT if the slug is taken.
   */
  async createOrganisation(
    input: {
      orgId: OrgId;
      name: string;
      slug: string;
      preset: AccessPreset;
      kmsKeyArn: string;
      keyAlias: string;
      dataProcessingAgreement?: string;
    },
    firstAdmin: NewStaff,
    secondAdmin?: NewStaff,
  ): Promise<{ organisation: Organisation; firstAdmin: StaffMember; secondAdmin?: StaffMember }> {
    const scope = tenantScope(input.orgId);
    const now = this.#clock.now().toISOString();
    const profile: Item = {
      pk: attr.s(scope.key('ORG')),
      sk: attr.s(ORG_SORT),
      orgId: attr.s(input.orgId),
      name: attr.s(input.name),
      slug: attr.s(input.slug),
      preset: attr.s(input.preset),
      status: attr.s('ACTIVE'),
      kmsKeyArn: attr.s(input.kmsKeyArn),
      keyAlias: attr.s(input.keyAlias),
      retention: { S: JSON.stringify(DEFAULT_RETENTION) },
      createdAt: attr.s(now),
      version: attr.n(1),
      [PRESET_MAC]: attr.s(integrityMac(await this.integrityKey(scope), presetParts(scope, input.preset, 0))),
      [RETENTION_MAC]: attr.s(
        integrityMac(
          await this.integrityKey(scope),
          retentionParts(scope, JSON.stringify(DEFAULT_RETENTION), 0),
        ),
      ),
      ...(input.dataProcessingAgreement ? { dpa: attr.s(input.dataProcessingAgreement) } : {}),
    };
    const admin = await this.#newStaff(scope, firstAdmin);
    // A second founding admin, named by the operator at onboarding: the two approve each other's role changes, which
    // one admin alone cannot give (decision 0081).
    const second = secondAdmin
      ? await this.#newStaff(scope, secondAdmin).catch(async (error: unknown) => {
          // The first admin's key is written already: a fault on the second leaves nothing of either.
          await admin.discard();
          throw error;
        })
      : undefined;
    // The registry entries and the profile in one transaction, with the process's own client: onboarding is a
    // platform act (the provisioner's in AWS), and the slug's uniqueness must hold with the profile's creation.
    try {
      await this.#dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            ...[...admin.writes, ...(second?.writes ?? [])].map((write) => ({
              Put: { ...write.Put, TableName: this.#table },
            })),
            {
              Put: {
                TableName: this.#table,
                Item: {
                  pk: attr.s(platformKey.slug(input.slug)),
                  sk: attr.s('SLUG'),
                  orgId: attr.s(input.orgId),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.#table,
                Item: {
                  pk: attr.s(platformKey.organisations),
                  sk: attr.s(`ORG#${input.orgId}`),
                  orgId: attr.s(input.orgId),
                  slug: attr.s(input.slug),
                },
              },
            },
            {
              Put: { TableName: this.#table, Item: profile, ConditionExpression: 'attribute_not_exists(pk)' },
            },
          ],
        }),
      );
    } catch (error) {
      await admin.discard();
      await second?.discard();
      if (error instanceof TransactionCanceledException) {
        throw new ConfideError(ErrorCode.CONFLICT, 'That slug is already in use.', {
          field: ['input', 'slug'],
        });
      }
      throw error;
    }
    return {
      organisation: toOrganisation(profile),
      firstAdmin: admin.member(),
      ...(second ? { secondAdmin: second.member() } : {}),
    };
  }

  async organisation(orgId: OrgId): Promise<Organisation | undefined> {
    const scope = tenantScope(orgId);
    const item = await this.#gateway(scope).get({ pk: 'ORG', sk: ORG_SORT });
    return item ? this.#verifiedOrganisation(scope, item, () => this.integrityKey(scope)) : undefined;
  }

  /**
   * The organisation as stored, unverified, for what decides no access: which organisations a scheduled job takes up
   * (an offboarded one's MAC can no longer be checked once its key is going).
   */
  storedOrganisation(orgId: OrgId): Promise<Organisation | undefined> {
    return storedOrganisation(this.#access, this.#table, orgId);
  }

  async organisationIdBySlug(slug: string): Promise<OrgId | undefined> {
    const result = await this.#dynamo.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: { pk: attr.s(platformKey.slug(slug)), sk: attr.s('SLUG') },
        ConsistentRead: true,
      }),
    );
    return read.s(result.Item ?? {}, 'orgId') as OrgId | undefined;
  }

  /** Every organisation of the deployment, for operators. Pages through the registry. */
  async listOrganisations(): Promise<Organisation[]> {
    const ids: OrgId[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.#dynamo.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': attr.s(platformKey.organisations) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(requireS(item, 'orgId') as OrgId);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    // The operators' registry view decides no access: profiles are read without their preset's check (one KMS
    // request per organisation otherwise, and one tampered profile would hide every other).
    const organisations = await Promise.all(ids.map((id) => this.storedOrganisation(id)));
    return organisations.filter((org): org is Organisation => org !== undefined);
  }

  /** One page of the deployment's organisations, for operators, read with DynamoDB's `Limit` (issue 19). */
  async organisationsPage(request: PageRequest): Promise<Page<Organisation>> {
    const query = {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(platformKey.organisations) },
    };
    const cursors = new QueryCursors(query);
    const page = await this.#dynamo.send(
      new QueryCommand({
        TableName: this.#table,
        ...query,
        Limit: request.limit,
        ExclusiveStartKey: cursors.startKey(request.after),
      }),
    );
    const items = page.Items ?? [];
    // As `listOrganisations`: the registry view decides no access, so profiles are read without their check.
    const organisations = await Promise.all(
      items.map((item) => this.storedOrganisation(requireS(item, 'orgId') as OrgId)),
    );
    return {
      entries: items.flatMap((item, index) => {
        const organisation = organisations[index];
        return organisation ? [{ node: organisation, cursor: cursors.after(item) }] : [];
      }),
      next: page.LastEvaluatedKey ? cursors.after(page.LastEvaluatedKey) : undefined,
    };
  }

  /**
   * Marks the organisation offboarded: from this write on, every token of it is refused. Its key's deletion is
   * scheduled after it and recorded by {@link recordKeyDeletion}; an organisation marked without that date is an
   * offboarding left unfinished, which running the offboarding again completes.
   */
  async markOffboarded(orgId: OrgId): Promise<void> {
    const result = await this.#gateway(tenantScope(orgId)).update(
      { pk: 'ORG', sk: ORG_SORT },
      {
        UpdateExpression: 'SET #status = :off, offboardedAt = :now, version = version + :one',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :off',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':off': attr.s('OFFBOARDED'),
          ':now': attr.s(this.#clock.now().toISOString()),
          ':one': attr.n(1),
        },
      },
    );
    if (!result.written) throw new Error('No active organisation to offboard.');
  }

  /** Records when the offboarded organisation's key will be deleted, as KMS scheduled it: the offboarding is complete. */
  async recordKeyDeletion(orgId: OrgId, keyDeletionDate: Date): Promise<Organisation> {
    const result = await this.#gateway(tenantScope(orgId)).update(
      { pk: 'ORG', sk: ORG_SORT },
      {
        UpdateExpression: 'SET keyDeletionDate = :deletion, version = version + :one',
        ConditionExpression: '#status = :off',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':off': attr.s('OFFBOARDED'),
          ':deletion': attr.s(keyDeletionDate.toISOString()),
          ':one': attr.n(1),
        },
        ReturnValues: 'ALL_NEW',
      },
    );
    if (!result.written) throw new Error('No offboarded organisation to record the key deletion of.');
    if (!result.attributes) throw new Error('Recording the key deletion returned no item.');
    return toOrganisation(result.attributes);
  }

  /**
   * Records that an offboarded organisation's users were deleted from the user pool (decision 0132), so the daily
   * sweep passes it by. Only on an organisation stored OFFBOARDED; false otherwise.
   */
  async markSignInUsersDeleted(orgId: OrgId): Promise<boolean> {
    const result = await this.#gateway(tenantScope(orgId)).update(
      { pk: 'ORG', sk: ORG_SORT },
      {
        UpdateExpression: 'SET signInUsersDeletedAt = :now',
        ConditionExpression: '#status = :off',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':off': attr.s('OFFBOARDED'),
          ':now': attr.s(this.#clock.now().toISOString()),
        },
      },
    );
    return result.written;
  }

  // ── Staff ──────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Adds a staff member with a fresh subject key, a unique handle within the organisation and an identity
   * link for their identity-provider subject (generated when not given, as the local issuer does).
   */
  async addStaff(scope: TenantScope, input: NewStaff): Promise<StaffMember> {
    const staff = await this.#newStaff(scope, input);
    let written: boolean;
    try {
      written = (await this.#gateway(scope).transactWrite(staff.writes)).written;
    } catch (error) {
      await staff.discard();
      throw error;
    }
    if (!written) {
      await staff.discard();
      throw new ConfideError(ErrorCode.CONFLICT, 'That handle is already in use in this organisation.', {
        field: ['input', 'handle'],
      });
    }
    return staff.member();
  }

  /**
   * A new staff account's items (the handle's claim, the account, the identity), each written only if absent, and
   * its data key, made now: `discard` erases the key when the write does not happen.
   */
  async #newStaff(
    scope: TenantScope,
    input: NewStaff,
  ): Promise<{
    writes: { Put: { Item: Item; ConditionExpression: string } }[];
    discard: () => Promise<void>;
    member: () => StaffMember;
  }> {
    const staffId = input.staffId ?? newId('staff');
    const externalSubject = input.externalSubject ?? newId('subject');
    const handleKey = await this.#handleKey(scope, input.handle);
    const key = await this.#keys.createSubjectKey(scope.orgId, staffId);
    const pk = scope.key('STAFF', staffId);
    const now = this.#clock.now().toISOString();
    const integrityKey = await this.integrityKey(scope);
    const item: Item = {
      pk: attr.s(pk),
      sk: attr.s(ORG_SORT),
      gsi1pk: attr.s(scope.key('STAFF')),
      gsi1sk: attr.s(`STAFF#${staffId}`),
      orgId: attr.s(scope.orgId),
      staffId: attr.s(staffId),
      handle: attr.s(input.handle),
      roles: attr.ss(input.roles),
      status: attr.s('ACTIVE'),
      externalSubject: attr.s(externalSubject),
      emergencyGrants: { M: {} },
      createdAt: attr.s(now),
      version: attr.n(1),
      [STAFF_ACCESS_MAC]: attr.s(staffAccessMac(integrityKey, scope, staffId, input.roles, 'ACTIVE', 0)),
      ...sealFields(key, itemKeyOf(pk, ORG_SORT), { displayName: input.displayName }),
    };
    const absent = 'attribute_not_exists(pk)';
    return {
      writes: [
        {
          Put: {
            Item: { pk: attr.s(handleKey), sk: attr.s('HANDLE'), staffId: attr.s(staffId) },
            ConditionExpression: absent,
          },
        },
        { Put: { Item: item, ConditionExpression: absent } },
        {
          Put: {
            Item: identityItem(scope, externalSubject, { kind: 'STAFF', principalId: staffId }, integrityKey),
            ConditionExpression: absent,
          },
        },
      ],
      discard: () => this.#keys.eraseSubjectKey(scope.orgId, staffId),
      member: () => this.#toStaff(scope, item, integrityKey),
    };
  }

  async staff(scope: TenantScope, staffId: string): Promise<StaffMember | undefined> {
    const [item, integrityKey] = await Promise.all([
      this.#gateway(scope).get({ pk: scope.key('STAFF', staffId), sk: ORG_SORT }),
      this.integrityKey(scope),
    ]);
    // A former staff member's account expires with their records (retention): never returned once expired.
    return item && !this.#expired(item)
      ? this.#reportingTampering(scope, () => this.#toStaff(scope, item, integrityKey))
      : undefined;
  }

  async staffByHandle(scope: TenantScope, handle: string): Promise<StaffMember | undefined> {
    const item = await this.#gateway(scope).get({ pk: await this.#handleKey(scope, handle), sk: 'HANDLE' });
    const staffId = read.s(item ?? {}, 'staffId');
    return staffId ? this.staff(scope, staffId) : undefined;
  }

  /**
   * The sign-in subjects of every staff member, unverified: only for taking access away (offboarding disables them
   * in the user pool, and deletes them once the key is deleted), which no tampered item can turn into a grant, and
   * which must still work once the organisation's key is scheduled for deletion and the integrity key is gone.
   * `includingExpired` also answers accounts past their TTL that DynamoDB has not removed yet.
   */
  async staffSignInSubjects(
    scope: TenantScope,
    options: { readonly includingExpired?: boolean } = {},
  ): Promise<string[]> {
    return (await this.staffSignInAccounts(scope, options)).map(({ subject }) => subject);
  }

  /** As {@link staffSignInSubjects}, each with the key of the account that names it. */
  async staffSignInAccounts(
    scope: TenantScope,
    options: { readonly includingExpired?: boolean } = {},
  ): Promise<{ readonly account: { readonly pk: string; readonly sk: string }; readonly subject: string }[]> {
    return (await this.#staffItems(scope, options)).flatMap((item) => {
      const subject = read.s(item, 'externalSubject');
      return subject ? [{ account: { pk: requireS(item, 'pk'), sk: requireS(item, 'sk') }, subject }] : [];
    });
  }

  /**
   * Notes each staff account's sign-in subject at offboarding, before the key's deletion is scheduled (decision 0132):
   * an account that TTL removes during the key's pending window would otherwise take the only record of its user with
   * it. One plain item per subject invited (generated ones have no user), expiring at `expiresAt` (epoch seconds). The
   * sweep deletes a user only if the pool holds it for this organisation, so a forged note can do no more than a forged
   * account. Idempotent: offboarding again writes the same items.
   */
  async noteSignInsToDelete(scope: TenantScope, expiresAt: number): Promise<void> {
    const subjects = new Set(await this.staffSignInSubjects(scope, { includingExpired: true }));
    const items = [...subjects]
      .filter((subject) => !isIdOf('subject', subject))
      .map((subject) => ({
        pk: attr.s(scope.key(SIGN_IN_TO_DELETE)),
        sk: attr.s(subject),
        subject: attr.s(subject),
        expiresAt: attr.n(expiresAt),
      }));
    if (items.length > 0) await this.#gateway(scope).batchPut(items);
  }

  /** The subjects noted at offboarding whose users the sweep has not handled yet (see {@link noteSignInsToDelete}). */
  async signInsToDelete(scope: TenantScope): Promise<string[]> {
    const { items } = await this.#gateway(scope).query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key(SIGN_IN_TO_DELETE)) },
      },
      { allPages: true },
    );
    return items.map((item) => requireS(item, 'subject'));
  }

  /** Takes a noted subject away once the sweep has handled its user. */
  async forgetSignInToDelete(scope: TenantScope, subject: string): Promise<void> {
    await this.#gateway(scope).delete({ pk: scope.key(SIGN_IN_TO_DELETE), sk: subject });
  }

  /**
   * Takes the handle off every staff account of an organisation whose key is deleted (decision 0132): it is the one
   * name-like text an account keeps in clear, and the accounts of those still employed at offboarding never expire.
   * Answers how many accounts lost it; an account without one is passed by, so a second run changes nothing.
   */
  async forgetHandles(scope: TenantScope): Promise<number> {
    let forgotten = 0;
    for (const item of await this.#staffItems(scope, { includingExpired: true })) {
      if (read.s(item, 'handle') === undefined) continue;
      const result = await this.#gateway(scope).update(
        { pk: requireS(item, 'pk'), sk: requireS(item, 'sk') },
        { UpdateExpression: 'REMOVE handle', ConditionExpression: 'attribute_exists(handle)' },
      );
      if (result.written) forgotten += 1;
    }
    return forgotten;
  }

  /**
   * Takes a subject whose user is gone from the pool off the account that named it, while it still names it (decision
   * 0132): the sweep of an offboarded organisation then resumes after it, and the table keeps no identifier of a user
   * that no longer exists. Only for an organisation whose key is deleted: nothing verifies its accounts any more.
   */
  async forgetSignInSubject(
    scope: TenantScope,
    account: { readonly pk: string; readonly sk: string },
    subject: string,
  ): Promise<void> {
    await this.#gateway(scope).update(account, {
      UpdateExpression: 'REMOVE externalSubject',
      ConditionExpression: 'externalSubject = :subject',
      ExpressionAttributeValues: { ':subject': attr.s(subject) },
    });
  }

  /**
   * The organisation's staff accounts as an operator may see them (issue 20): ids, roles, status and creation time,
   * oldest first, and nothing that names a person. Read as stored, unverified: the provisioner that answers an
   * operator in AWS may not use the organisation's key, so it cannot check the access MACs; every use of an account
   * by the api still does.
   */
  async staffRoster(scope: TenantScope): Promise<StaffRosterEntry[]> {
    return (await this.#staffItems(scope))
      .map((item) => ({
        staffId: requireS(item, 'staffId'),
        roles: read.ss(item, 'roles') as Role[],
        status: requireS(item, 'status') as StaffStatus,
        createdAt: requireS(item, 'createdAt'),
      }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.staffId.localeCompare(b.staffId));
  }

  /** Every unexpired staff account item of the organisation (the staff index, every page); or every one. */
  async #staffItems(
    scope: TenantScope,
    options: { readonly includingExpired?: boolean } = {},
  ): Promise<Item[]> {
    const { items } = await this.#gateway(scope).query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('STAFF')) },
      },
      options.includingExpired ? { allPages: true } : { now: this.#clock.now(), allPages: true },
    );
    return items;
  }

  /** All staff of the organisation (a few hundred at most), in id order (ids are random, so no meaning). */
  async listStaff(scope: TenantScope): Promise<StaffMember[]> {
    const integrityKey = await this.integrityKey(scope);
    return (await this.#staffItems(scope)).map((item) => this.#toStaff(scope, item, integrityKey));
  }

  /**
   * Replaces a staff member's roles and/or status, with optimistic concurrency when a version is given. The
   * account's access MAC is recomputed over the result: the current roles and status are read (and verified, so a
   * forged role is never re-MACed) and the write is conditional on that MAC still being the stored one.
   */
  async updateStaff(
    scope: TenantScope,
    staffId: string,
    change: { roles?: readonly Role[]; status?: StaffStatus; expectedVersion?: number },
    alongside: readonly TenantTransactItem[] = [],
  ): Promise<StaffMember> {
    const gateway = this.#gateway(scope);
    const key = staffAccountKey(scope, staffId);
    const [currentItem, integrityKey] = await Promise.all([gateway.get(key), this.integrityKey(scope)]);
    if (!currentItem) throw new ConfideError(ErrorCode.NOT_FOUND, 'Staff member not found.');
    const existing = this.#toStaff(scope, currentItem, integrityKey);
    if (change.expectedVersion !== undefined && existing.version !== change.expectedVersion) throw conflict();
    const roles = change.roles ?? read.ss(currentItem, 'roles');
    const status = change.status ?? existing.status;
    // Signed anew over the result, on condition that the MAC is still the one read (verified above).
    const signed = countedFactsWrite(STAFF_ACCESS_FACTS, currentItem, (count) =>
      staffAccessMac(integrityKey, scope, staffId, roles, status, count),
    );
    const values: Item = {
      ':one': attr.n(1),
      ':roles': attr.ss(roles),
      ':status': attr.s(status),
      ...signed.values,
    };
    let condition = `attribute_exists(pk) AND ${signed.condition}`;
    if (change.expectedVersion !== undefined) {
      condition += ' AND version = :expected';
      values[':expected'] = attr.n(change.expectedVersion);
    }
    const update = {
      UpdateExpression: `SET #roles = :roles, #status = :status, ${signed.set.join(', ')}, version = version + :one`,
      ConditionExpression: condition,
      ExpressionAttributeNames: { '#roles': 'roles', '#status': 'status', ...signed.names },
      ExpressionAttributeValues: values,
    };
    // With what the change completes (a re-employment's record): all of it or none.
    const result =
      alongside.length > 0
        ? await gateway.transactWrite([{ Update: { Key: tableKey(key), ...update } }, ...alongside])
        : await gateway.update(key, { ...update, ReturnValues: 'ALL_NEW' });
    if (!result.written) {
      const exists = await this.staff(scope, staffId);
      if (!exists) throw new ConfideError(ErrorCode.NOT_FOUND, 'Staff member not found.');
      throw conflict();
    }
    // A transaction returns no item: the account is what was read with the change applied.
    const written =
      'attributes' in result
        ? result.attributes
        : {
            ...currentItem,
            roles: attr.ss(roles),
            status: attr.s(status),
            ...signed.written,
            version: attr.n(requireN(currentItem, 'version') + 1),
          };
    if (!written) throw new Error('Update returned no item.');
    return this.#toStaff(scope, written, integrityKey);
  }

  /**
   * The condition that a staff member is still an active ORG_ADMIN, written beside an admin's change to another
   * account (decision 0104). Two admins deactivating each other at once were each checked while the other was
   * active; with the condition, the later write is refused and one admin remains.
   */
  whileActiveAdmin(scope: TenantScope, staffId: string): TenantTransactItem {
    return {
      ConditionCheck: {
        Key: tableKey(staffAccountKey(scope, staffId)),
        ConditionExpression: '#status = :active AND contains(#roles, :admin)',
        ExpressionAttributeNames: { '#status': 'status', '#roles': 'roles' },
        ExpressionAttributeValues: { ':active': attr.s('ACTIVE'), ':admin': attr.s('ORG_ADMIN') },
      },
    };
  }

  /** Records that the staff member has read and signed the organisation's policy version (Carers Trust 6.1). */
  async acknowledgePolicy(scope: TenantScope, staffId: string, version: number): Promise<void> {
    const gateway = this.#gateway(scope);
    const key = staffAccountKey(scope, staffId);
    const result = await gateway.update(key, {
      UpdateExpression: 'SET acknowledgedPolicyVersion = :v, acknowledgedAt = :now',
      // Never over a newer signature: a request for an older version that lands late would re-arm the gate.
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(acknowledgedPolicyVersion) OR acknowledgedPolicyVersion <= :v)',
      ExpressionAttributeValues: { ':v': attr.n(version), ':now': attr.s(this.#clock.now().toISOString()) },
    });
    if (result.written) return;
    const account = await gateway.get(key);
    if (!account) throw new Error('No staff account to acknowledge the policy on.');
    // A newer version is already signed: that signature stands.
  }

  /**
   * Stores an open break-glass grant on the staff item, so authentication loads it at no extra cost. With `whilePending`
   * (the review's check that it is still pending), in one transaction with it: a review completed before the grant is
   * written grants nothing (CONFLICT), so no access is ever opened under a review already closed.
   */
  async recordEmergencyGrant(
    scope: TenantScope,
    staffId: string,
    clientId: string,
    grant: EmergencyGrant,
    whilePending?: TenantTransactItem,
  ): Promise<void> {
    const key = staffAccountKey(scope, staffId);
    const gateway = this.#gateway(scope);
    const integrityKey = await this.integrityKey(scope);
    for (let attempt = 1; ; attempt++) {
      const item = await gateway.get(key);
      if (!item) throw new Error('No staff account to record the grant on.');
      const { emergencyGrants: grants } = await this.#reportingTampering(scope, () =>
        this.#toStaff(scope, item, integrityKey),
      );
      const counted = grantsWrite(integrityKey, scope, item, new Map(grants).set(clientId, grant));
      const update = {
        UpdateExpression: `SET emergencyGrants.#client = :grant, ${counted.set.join(', ')}`,
        ConditionExpression: `attribute_exists(emergencyGrants) AND ${counted.condition}`,
        ExpressionAttributeNames: { '#client': clientId, ...counted.names },
        ExpressionAttributeValues: {
          ':grant': {
            M: {
              grantId: attr.s(grant.grantId),
              reason: attr.s(grant.reason),
              until: attr.s(grant.until),
            },
          },
          ...counted.values,
        },
      };
      const result = whilePending
        ? await gateway.transactWrite([{ Update: { Key: tableKey(key), ...update } }, whilePending])
        : await gateway.update(key, update);
      if (result.written) return;
      if (whilePending && 'reasons' in result && result.reasons[1] === 'ConditionalCheckFailed') {
        throw conflict('The review of this emergency access was completed before access was granted.');
      }
      // The account's grants changed between the read and the write (another opening or a review): read them again.
      if (attempt === MAX_GRANT_ATTEMPTS)
        throw conflict('The staff member’s emergency access changed meanwhile; try again.');
    }
  }

  /**
   * What a review's completion adds to its transaction to end the break-glass access it reviews: the staff member's
   * grant for the person removed, only while it is still that review's grant (`grantId`, the review's id) and the
   * account's grants are still those read (their MAC and count, decision 0126). Reads made after a review is completed
   * would never be reviewed; a further need opens a new emergency access and review. Undefined when the staff member
   * holds no grant of that review (it was replaced by a later opening, or is gone).
   */
  async emergencyGrantEnded(
    scope: TenantScope,
    staffId: string,
    clientId: string,
    reviewId: string,
  ): Promise<TenantTransactItem | undefined> {
    const key = staffAccountKey(scope, staffId);
    const [item, integrityKey] = await Promise.all([this.#gateway(scope).get(key), this.integrityKey(scope)]);
    if (!item || this.#expired(item)) return undefined;
    const { emergencyGrants: grants } = await this.#reportingTampering(scope, () =>
      this.#toStaff(scope, item, integrityKey),
    );
    if (grants.get(clientId)?.grantId !== reviewId) return undefined;
    const rest = new Map(grants);
    rest.delete(clientId);
    const counted = grantsWrite(integrityKey, scope, item, rest);
    return {
      Update: {
        Key: tableKey(key),
        UpdateExpression: `REMOVE emergencyGrants.#client SET ${counted.set.join(', ')}`,
        ConditionExpression: `emergencyGrants.#client.grantId = :review AND ${counted.condition}`,
        ExpressionAttributeNames: { '#client': clientId, ...counted.names },
        ExpressionAttributeValues: { ':review': attr.s(reviewId), ...counted.values },
      },
    };
  }

  // ── Organisation settings ──────────────────────────────────────────────────────────────────────────────

  /** Publishes a new confidentiality policy version; every staff member must acknowledge it again. */
  async publishPolicy(orgId: OrgId, title: string): Promise<Organisation> {
    return this.#updateOrganisation(
      orgId,
      'SET policyVersion = if_not_exists(policyVersion, :zero) + :one, policyTitle = :title, version = version + :one',
      { ':zero': attr.n(0), ':one': attr.n(1), ':title': attr.s(title) },
    );
  }

  /** Sets the access preset with its MAC (decision 0030, Access facts): a preset written by anyone else fails. */
  async setPreset(orgId: OrgId, preset: AccessPreset, expectedVersion: number): Promise<Organisation> {
    const scope = tenantScope(orgId);
    const [current, integrityKey] = await Promise.all([
      this.#changeCount(scope, PRESET_VERSION),
      this.integrityKey(scope),
    ]);
    const count = current + 1;
    const mac = integrityMac(integrityKey, presetParts(scope, preset, count));
    return this.#updateOrganisation(
      orgId,
      `SET preset = :preset, ${PRESET_MAC} = :presetMac, ${PRESET_VERSION} = :count, version = version + :one`,
      { ':preset': attr.s(preset), ':presetMac': attr.s(mac), ':count': attr.n(count), ':one': attr.n(1) },
      expectedVersion,
    );
  }

  /**
   * A count of changes on the organisation's profile as it stands (0 before the first). Read before a change whose
   * write is conditional on the organisation's version the caller read: a count read at any other version fails that
   * condition, so the count written is always one more than the one replaced.
   */
  async #changeCount(scope: TenantScope, name: string): Promise<number> {
    return changeCount((await this.#gateway(scope).get({ pk: 'ORG', sk: ORG_SORT })) ?? {}, name);
  }

  /** Replaces the organisation's retention rules (validated by the caller against the bounds), with their MAC. */
  async setRetention(
    orgId: OrgId,
    retention: RetentionSettings,
    expectedVersion: number,
  ): Promise<Organisation> {
    const scope = tenantScope(orgId);
    const stored = JSON.stringify(retention);
    const [current, integrityKey] = await Promise.all([
      this.#changeCount(scope, RETENTION_VERSION),
      this.integrityKey(scope),
    ]);
    const count = current + 1;
    const mac = integrityMac(integrityKey, retentionParts(scope, stored, count));
    return this.#updateOrganisation(
      orgId,
      `SET retention = :retention, ${RETENTION_MAC} = :retentionMac, ${RETENTION_VERSION} = :count, version = version + :one`,
      {
        ':retention': attr.s(stored),
        ':retentionMac': attr.s(mac),
        ':count': attr.n(count),
        ':one': attr.n(1),
      },
      expectedVersion,
    );
  }

  /**
   * For a write made under `rules`: the condition that they are still the organisation's rules as stored, or
   * undefined when they already are not. A rescheduling loop adds it to each date it writes, so that a date computed
   * under rules that another change has replaced meanwhile is never written, whenever that change landed.
   */
  async retentionRulesInForce(
    scope: TenantScope,
    rules: RetentionSettings,
  ): Promise<TenantTransactItem | undefined> {
    const item = await this.#gateway(scope).get({ pk: 'ORG', sk: ORG_SORT });
    if (!item) return undefined;
    const organisation = await this.#verifiedOrganisation(scope, item, () => this.integrityKey(scope));
    if (!isDeepStrictEqual(organisation.retention, rules)) return undefined;
    const stored = read.s(item, 'retention');
    return {
      ConditionCheck: {
        Key: tableKey({ pk: scope.key('ORG'), sk: ORG_SORT }),
        ...(stored === undefined
          ? { ConditionExpression: 'attribute_not_exists(retention)' }
          : {
              ConditionExpression: 'retention = :retention',
              ExpressionAttributeValues: { ':retention': attr.s(stored) },
            }),
      },
    };
  }

  async #updateOrganisation(orgId: OrgId, expression: string, values: Item, expectedVersion?: number) {
    const scope = tenantScope(orgId);
    const result = await this.#gateway(scope).update(
      { pk: 'ORG', sk: ORG_SORT },
      {
        UpdateExpression: expression,
        ConditionExpression:
          expectedVersion === undefined
            ? 'attribute_exists(pk)'
            : 'attribute_exists(pk) AND version = :expected',
        ExpressionAttributeValues: {
          ...values,
          ...(expectedVersion === undefined ? {} : { ':expected': attr.n(expectedVersion) }),
        },
        ReturnValues: 'ALL_NEW',
      },
    );
    if (!result.written) throw conflict();
    if (!result.attributes) throw new Error('Update returned no item.');
    return this.#verifiedOrganisation(scope, result.attributes, () => this.integrityKey(scope));
  }

  /**
   * Moves a staff member's identity link from the subject they have to a new one (the `sub` of the Cognito user the
   * provisioner just created for them; decision 0021), in one transaction: the account's `externalSubject` (only if
   * it is still `fromSubject` and the account is active), the old link deleted (only if it still points at this
   * staff member), the new one put (only if that subject is not linked yet). Any of those failing is a `CONFLICT`
   * and changes nothing.
   */
  async relinkStaffIdentity(
    scope: TenantScope,
    staffId: string,
    fromSubject: string,
    toSubject: string,
  ): Promise<void> {
    const result = await this.#gateway(scope).transactWrite([
      {
        Update: {
          Key: { pk: attr.s(scope.key('STAFF', staffId)), sk: attr.s(ORG_SORT) },
          UpdateExpression: 'SET externalSubject = :to, version = version + :one',
          ConditionExpression:
            'externalSubject = :from AND #status = :active AND attribute_not_exists(expiresAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': attr.s(toSubject),
            ':from': attr.s(fromSubject),
            ':active': attr.s('ACTIVE'),
            ':one': attr.n(1),
          },
        },
      },
      {
        Delete: {
          Key: {
            pk: attr.s(scope.key('IDENTITY', encodeSubject(fromSubject))),
            sk: attr.s('IDENTITY'),
          },
          ConditionExpression: 'principalKind = :staff AND principalId = :staffId',
          ExpressionAttributeValues: { ':staff': attr.s('STAFF'), ':staffId': attr.s(staffId) },
        },
      },
      {
        Put: {
          Item: identityItem(
            scope,
            toSubject,
            { kind: 'STAFF', principalId: staffId },
            await this.integrityKey(scope),
          ),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (!result.written) throw conflict('The staff member’s sign-in changed meanwhile; nothing was changed.');
  }

  // ── Identities ─────────────────────────────────────────────────────────────────────────────────────────

  async linkIdentity(scope: TenantScope, externalSubject: string, link: IdentityLink): Promise<void> {
    const item = identityItem(scope, externalSubject, link, await this.integrityKey(scope));
    const result = await this.#gateway(scope).put(item, {
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (!result.written) throw new Error('That sign-in is already linked.');
  }

  /**
   * The organisation and the identity link of a token's subject, read concurrently. Either may be absent.
   */
  /**
   * The organisation and the identity link of a token's subject, in one round trip: every request authenticates
   * through here. Given the staff id the token names (`staffHint`), that staff member's item comes in the same
   * batch; it is returned only if the identity link points at it, so a wrong hint yields no staff member.
   */
  async organisationAndIdentity(
    orgId: OrgId,
    externalSubject: string,
    staffHint?: string,
    /**
     * The request's item loader: the three items then travel in the same BatchGetItem as the request's first data
     * read (issue 18), instead of a round trip of their own.
     */
    loader?: ItemLoader,
  ): Promise<{ organisation?: Organisation; identity?: IdentityLink; staff?: StaffMember }> {
    const scope = tenantScope(orgId);
    const organisationKey = { pk: scope.key('ORG'), sk: ORG_SORT };
    const identityKey = identityLinkKey(scope, externalSubject);
    const staffKey = staffHint ? { pk: scope.key('STAFF', staffHint), sk: ORG_SORT } : undefined;
    // The integrity key (cached by the key hierarchy) is fetched alongside the items, awaited only when an item is
    // verified: an unknown or offboarded organisation has no usable key and is refused on its status, as before.
    const keyLoad = this.integrityKey(scope);
    keyLoad.catch(() => undefined);
    const keys = [organisationKey, identityKey, ...(staffKey ? [staffKey] : [])];
    const found = loader
      ? (await Promise.all(keys.map((key) => loader.load(this.#table, key.pk, key.sk)))).filter(
          (item): item is Item => item !== undefined,
        )
      : await this.#gateway(scope).batchGet(keys);
    const itemAt = (key: { pk: string; sk: string }) =>
      found.find((item) => item.pk?.S === key.pk && item.sk?.S === key.sk);
    const organisationItem = itemAt(organisationKey);
    const identityItem = itemAt(identityKey);
    const staffItem = staffKey ? itemAt(staffKey) : undefined;
    const organisation = organisationItem
      ? await this.#verifiedOrganisation(scope, organisationItem, () => keyLoad)
      : undefined;
    // An identity expires with its principal's record (retention): an expired one is never returned. Like staff, it
    // is verified only for an active organisation (one that is not is refused on its status).
    const identity: IdentityLink | undefined =
      organisation?.status === 'ACTIVE' && identityItem && !this.#expired(identityItem)
        ? await this.#reportingTampering(scope, async () =>
            verifiedIdentityLink(scope, identityItem, await keyLoad),
          )
        : undefined;
    // Staff of an organisation that is not active are refused on its status: their item is not verified (its key may
    // be scheduled for deletion).
    const staff =
      organisation?.status === 'ACTIVE' &&
      staffItem &&
      !this.#expired(staffItem) &&
      identity?.kind === 'STAFF' &&
      identity.principalId === staffHint
        ? await this.#reportingTampering(scope, async () => this.#toStaff(scope, staffItem, await keyLoad))
        : undefined;
    return {
      ...(organisation ? { organisation } : {}),
      ...(identity ? { identity } : {}),
      ...(staff ? { staff } : {}),
    };
  }

  /** The key of a staff member's handle entry (retention schedules it with the rest of their record). */
  async staffHandleItem(scope: TenantScope, handle: string): Promise<{ pk: string; sk: string }> {
    return staffHandleEntryKey(scope, await this.#keys.beaconKey(scope.orgId), handle);
  }

  #expired(item: Item): boolean {
    return isExpired(read.n(item, 'expiresAt'), this.#clock.now());
  }

  async #handleKey(scope: TenantScope, handle: string): Promise<string> {
    return (await this.staffHandleItem(scope, handle)).pk;
  }

  /**
   * Runs a verified read; a tampered item is recorded as an integrity incident here, before it fails the request
   * (authentication reads staff and organisation items before any resolver could record it), then rethrown.
   */
  async #reportingTampering<T>(scope: TenantScope, load: () => T | Promise<T>): Promise<T> {
    try {
      return await load();
    } catch (error) {
      if (error instanceof TamperedItemError) {
        await this.#incidents
          .record(
            scope,
            { kind: 'TAMPERED_STATE', subjectId: error.subjectId, itemKind: error.itemKind, restored: false },
            error.itemKey,
            { recurring: true },
          )
          .catch(() => undefined);
      }
      throw error;
    }
  }

  /**
   * An organisation profile, its preset and retention rules checked against their MACs while the organisation is
   * ACTIVE (an offboarded one is refused on its status whatever they say, and its key may be gone): a forged one throws.
   */
  async #verifiedOrganisation(
    scope: TenantScope,
    item: Item,
    integrityKey: () => Promise<Buffer>,
  ): Promise<Organisation> {
    const organisation = toOrganisation(item);
    if (organisation.status !== 'ACTIVE') return organisation;
    return this.#reportingTampering(scope, async () => {
      const key = await integrityKey();
      if (
        !verifyIntegrityMac(
          key,
          presetParts(scope, organisation.preset, changeCount(item, PRESET_VERSION)),
          read.s(item, PRESET_MAC),
        ) ||
        !verifyIntegrityMac(
          key,
          retentionParts(scope, read.s(item, 'retention') ?? '', changeCount(item, RETENTION_VERSION)),
          read.s(item, RETENTION_MAC),
        )
      ) {
        throw new TamperedItemError(scope.orgId, 'ORGANISATION', itemKeyOf(requireS(item, 'pk'), ORG_SORT));
      }
      return organisation;
    });
  }

  /** The organisation's integrity key (decision 0030): the beacon key, cached by the key hierarchy, then HKDF. */
  async integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.#keys, scope.orgId);
  }

  /**
   * A staff item as a staff member, once its access facts pass their MACs (roles and status; service links): a
   * role, a reactivation or a service link written straight to the table throws {@link TamperedItemError}.
   */
  #toStaff(scope: TenantScope, item: Item, integrityKey: Buffer): StaffMember {
    const staffId = requireS(item, 'staffId');
    const pk = requireS(item, 'pk');
    const sk = requireS(item, 'sk');
    const status = requireS(item, 'status');
    const grants = grantsOf(item);
    if (
      !verifyIntegrityMac(
        integrityKey,
        staffAccessParts(
          scope,
          staffId,
          read.ss(item, 'roles'),
          status,
          changeCount(item, STAFF_ACCESS_VERSION),
        ),
        read.s(item, STAFF_ACCESS_MAC),
      ) ||
      !serviceLinksVerified(integrityKey, scope, staffId, item) ||
      !grantsVerified(integrityKey, scope, staffId, item, grants)
    ) {
      throw new TamperedItemError(staffId, 'STAFF', itemKeyOf(pk, sk));
    }
    return {
      orgId: scope.orgId,
      staffId,
      handle: requireS(item, 'handle'),
      roles: ROLES.filter((role) => read.ss(item, 'roles').includes(role)),
      status: status as StaffStatus,
      externalSubject: requireS(item, 'externalSubject'),
      createdAt: requireS(item, 'createdAt'),
      version: requireN(item, 'version'),
      acknowledgedPolicyVersion: read.n(item, 'acknowledgedPolicyVersion'),
      emergencyGrants: grants,
      serviceLinks: serviceLinksOf(item),
      displayName: async () => {
        const key = await this.#keys.subjectKey(scope.orgId, staffId);
        if (!key) throw new ConfideError(ErrorCode.NOT_FOUND, 'Staff member not found.');
        return openField(key, itemKeyOf(pk, sk), item, 'displayName') ?? '';
      },
      openDisplayName: (key: SubjectKey) => openField(key, itemKeyOf(pk, sk), item, 'displayName') ?? '',
    };
  }
}

const grantOf = (value: { M?: Item } | undefined): EmergencyGrant => ({
  grantId: value?.M?.grantId?.S ?? '',
  reason: value?.M?.reason?.S ?? '',
  until: value?.M?.until?.S ?? '',
});

/** A staff item's emergency grants, by client. */
const grantsOf = (item: Item): Map<string, EmergencyGrant> =>
  new Map(
    Object.entries(item.emergencyGrants?.M ?? {}).map(([clientId, value]) => [clientId, grantOf(value)]),
  );

/** What an emergency grant's own MAC covered, on accounts whose grants have not changed since decision 0126. */
const grantParts = (scope: TenantScope, staffId: string, clientId: string, grant: EmergencyGrant) => [
  'confide.emergency-grant.v1',
  scope.orgId,
  staffId,
  clientId,
  grant.grantId,
  grant.reason,
  grant.until,
];

/** The staff-item attribute holding the MAC over all the account's emergency grants and their count (decision 0126). */
const GRANTS_MAC = 'grantsMac';

/**
 * The staff-item attribute counting the changes to the account's emergency grants, bound into their MAC (decision 0126):
 * a grant ended by its review and put back with its genuine MAC shows in the table's stream as the count going down.
 */
const GRANTS_VERSION = 'grantsVersion';

/** A staff account's emergency grants, their MAC and count (decision 0126). */
const STAFF_GRANT_FACTS: CountedFacts = {
  attributes: ['emergencyGrants'],
  mac: GRANTS_MAC,
  count: GRANTS_VERSION,
};

/** What the grants' MAC covers: every grant by client, in order, as JSON, and their count. */
const grantsParts = (
  scope: TenantScope,
  staffId: string,
  grants: ReadonlyMap<string, EmergencyGrant>,
  count: number,
) => [
  'confide.emergency-grants.v2',
  scope.orgId,
  staffId,
  JSON.stringify(
    [...grants.keys()].sort().map((clientId) => {
      const grant = grants.get(clientId) as EmergencyGrant;
      return [clientId, grant.grantId, grant.reason, grant.until];
    }),
  ),
  String(count),
];

/**
 * Whether a staff item's emergency grants (`grants`, as {@link grantsOf} read them) pass their MAC: as a whole with their
 * count (decision 0126), or, on an account whose grants have not changed since, each grant its own MAC. No grant grants
 * nothing, so there is nothing to check (and no MAC to compute on every authentication of an account that had one).
 */
function grantsVerified(
  integrityKey: Buffer,
  scope: TenantScope,
  staffId: string,
  item: Item,
  grants: ReadonlyMap<string, EmergencyGrant>,
): boolean {
  if (grants.size === 0) return true;
  const mac = read.s(item, GRANTS_MAC);
  const count = changeCount(item, GRANTS_VERSION);
  // As for service links: grants with a count never fall back to the per-grant MACs of before.
  if (mac !== undefined || count > 0) {
    return (
      mac !== undefined && verifyIntegrityMac(integrityKey, grantsParts(scope, staffId, grants, count), mac)
    );
  }
  return Object.entries(item.emergencyGrants?.M ?? {}).every(([clientId, value]) =>
    verifyIntegrityMac(integrityKey, grantParts(scope, staffId, clientId, grantOf(value)), value.M?.mac?.S),
  );
}

/** The part of a staff item's update that signs its grants as they will be (`grants`), as {@link countedFactsWrite} does. */
const grantsWrite = (
  integrityKey: Buffer,
  scope: TenantScope,
  item: Item,
  grants: ReadonlyMap<string, EmergencyGrant>,
) =>
  countedFactsWrite(STAFF_GRANT_FACTS, item, (count) =>
    integrityMac(integrityKey, grantsParts(scope, requireS(item, 'staffId'), grants, count)),
  );

/** How often a grant's write is tried when the account's grants change between its read and its write. */
const MAX_GRANT_ATTEMPTS = 3;

/** The organisation-profile attribute holding the MAC over its access preset (decision 0030, Access facts). */
const PRESET_MAC = 'presetMac';

/**
 * The organisation-profile attributes counting the changes to its access preset and to its retention rules, each bound
 * into its MAC (decision 0123): every change moves its count up, so an earlier copy put back with its genuine MAC shows
 * in the table's stream as the count going down. Absent until the first change (0): the v1 parts.
 */
const PRESET_VERSION = 'presetVersion';
const RETENTION_VERSION = 'retentionVersion';

const presetParts = (scope: TenantScope, preset: string, count: number) =>
  count === 0
    ? ['confide.org-preset.v1', scope.orgId, preset]
    : ['confide.org-preset.v2', scope.orgId, preset, String(count)];

/**
 * The organisation-profile attribute holding the MAC over its retention rules as stored (decision 0094): they date
 * every closed case and former staff member, so rules shortened in the table would delete records years early.
 */
const RETENTION_MAC = 'retentionMac';

/** An organisation's access preset and its retention rules, each with its own MAC and count (decision 0123). */
export const ORGANISATION_FACTS: readonly CountedFacts[] = [
  { attributes: ['preset'], mac: PRESET_MAC, count: PRESET_VERSION },
  { attributes: ['retention'], mac: RETENTION_MAC, count: RETENTION_VERSION },
];

const retentionParts = (scope: TenantScope, stored: string, count: number) =>
  count === 0
    ? ['confide.org-retention.v1', scope.orgId, stored]
    : ['confide.org-retention.v2', scope.orgId, stored, String(count)];

/** The staff-item attribute holding the MAC over the account's roles and status (decision 0030, Access facts). */
const STAFF_ACCESS_MAC = 'accessMac';

/**
 * The staff-item attribute counting the changes to the account's roles and status, bound into its access MAC (decision
 * 0121): every change moves it up, so an earlier copy of the roles and status put back, with its genuine MAC, shows in
 * the table's stream as the count going down. Absent until the first change (0).
 */
const STAFF_ACCESS_VERSION = 'accessVersion';

/** A staff account's roles and status, their MAC and count (decision 0121). */
const STAFF_ACCESS_FACTS: CountedFacts = {
  attributes: ['roles', 'status'],
  mac: STAFF_ACCESS_MAC,
  count: STAFF_ACCESS_VERSION,
};

/**
 * Everything a staff account keeps under a MAC with a count of its changes, each on its own (decisions 0121, 0125, 0126):
 * the retention handler puts each back when its count goes down.
 */
export const STAFF_ACCOUNT_FACTS: readonly CountedFacts[] = [
  STAFF_ACCESS_FACTS,
  STAFF_LINK_FACTS,
  STAFF_GRANT_FACTS,
];

/** What the access MAC covers: roles and status, and from the first change on their count (an unchanged account: v1). */
function staffAccessParts(
  scope: TenantScope,
  staffId: string,
  roles: readonly string[],
  status: string,
  version: number,
): string[] {
  const facts = [scope.orgId, staffId, [...roles].sort().join(','), status];
  return version === 0
    ? ['confide.staff-access.v1', ...facts]
    : ['confide.staff-access.v2', ...facts, String(version)];
}

function staffAccessMac(
  key: Buffer,
  scope: TenantScope,
  staffId: string,
  roles: readonly string[],
  status: string,
  version: number,
): string {
  return integrityMac(key, staffAccessParts(scope, staffId, roles, status, version));
}

/** Subjects from an identity provider may contain any character; keys get a hex form without `#`. */
export function encodeSubject(externalSubject: string): string {
  return Buffer.from(externalSubject, 'utf8').toString('hex');
}

/** The identity-link attribute holding the MAC over whose sign-in it is and whom it names (decision 0088). */
const IDENTITY_LINK_MAC = 'linkMac';

const identityLinkParts = (scope: TenantScope, encodedSubject: string, link: IdentityLink) => [
  'confide.identity-link.v1',
  scope.orgId,
  encodedSubject,
  link.kind,
  link.principalId,
];

/** A sign-in's identity link, MACed under the organisation's integrity key: authentication believes no other. */
export function identityItem(
  scope: TenantScope,
  externalSubject: string,
  link: IdentityLink,
  integrityKey: Buffer,
): Item {
  const encoded = encodeSubject(externalSubject);
  return {
    pk: attr.s(scope.key('IDENTITY', encoded)),
    sk: attr.s('IDENTITY'),
    principalKind: attr.s(link.kind),
    principalId: attr.s(link.principalId),
    [IDENTITY_LINK_MAC]: attr.s(integrityMac(integrityKey, identityLinkParts(scope, encoded, link))),
  };
}

/**
 * The link an identity item states, once its MAC passes: a link written or rewritten straight to the table (a
 * service user's sign-in made a manager's) throws {@link TamperedItemError}.
 */
function verifiedIdentityLink(scope: TenantScope, item: Item, integrityKey: Buffer): IdentityLink {
  const pk = requireS(item, 'pk');
  const link: IdentityLink = {
    kind: requireS(item, 'principalKind') as PrincipalKind,
    principalId: requireS(item, 'principalId'),
  };
  const encoded = pk.slice(pk.lastIndexOf('#') + 1);
  if (
    !verifyIntegrityMac(
      integrityKey,
      identityLinkParts(scope, encoded, link),
      read.s(item, IDENTITY_LINK_MAC),
    )
  ) {
    throw new TamperedItemError(link.principalId, 'IDENTITY', itemKeyOf(pk, 'IDENTITY'));
  }
  return link;
}

/**
 * The organisation as stored, unverified (the key that MACs the item may be gone): for what decides no access, such as
 * the retention function, which lets a failed record pass only for an organisation stored OFFBOARDED whose key KMS
 * says is going (decision 0131). Undefined when the registry has no such organisation.
 */
export async function storedOrganisation(
  access: TableAccess,
  table: string,
  orgId: OrgId,
): Promise<Organisation | undefined> {
  const item = await new TenantTable(tenantScope(orgId), access, table).get({ pk: 'ORG', sk: ORG_SORT });
  return item ? toOrganisation(item) : undefined;
}

function toOrganisation(item: Item): Organisation {
  return {
    orgId: requireS(item, 'orgId') as OrgId,
    name: requireS(item, 'name'),
    slug: requireS(item, 'slug'),
    preset: requireS(item, 'preset') as AccessPreset,
    status: requireS(item, 'status') as OrganisationStatus,
    kmsKeyArn: requireS(item, 'kmsKeyArn'),
    keyAlias: requireS(item, 'keyAlias'),
    dataProcessingAgreement: read.s(item, 'dpa'),
    retention: { ...DEFAULT_RETENTION, ...(JSON.parse(read.s(item, 'retention') ?? '{}') as object) },
    createdAt: requireS(item, 'createdAt'),
    offboardedAt: read.s(item, 'offboardedAt'),
    keyDeletionDate: read.s(item, 'keyDeletionDate'),
    signInUsersDeletedAt: read.s(item, 'signInUsersDeletedAt'),
    policyVersion: read.n(item, 'policyVersion'),
    policyTitle: read.s(item, 'policyTitle'),
    showStaffNamesToServiceUsers: read.bool(item, 'showStaffNames') ?? false,
    version: requireN(item, 'version'),
  };
}
