import { type Clock, conflict, newId, notFound, toEpochSeconds } from '@confide/domain';
import { integrityMac, type KeyHierarchy, type SubjectKey, verifyIntegrityMac } from '@confide/keys';
import { attr, type CountedFacts, changeCount, type Item, read, requireS } from '../attributes';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import { mapPage, type Page, type PageRequest } from '../paging';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable, transactWriteOrCancelled } from '../tenant-table';
import type { DisclosurePurpose } from './disclosures';
import { sourceTime } from './imports';
import { TamperedItemError } from './integrity-incidents';

export const CONSENT_SCOPES = [
  'FAMILY',
  'NAMED_AGENCY',
  'GP',
  'PUBLICITY_IMAGES',
  'PUBLICITY_RECORDINGS',
  'OTHER',
] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];
export const CONSENT_METHODS = ['SIGNED_FORM', 'EMAIL', 'VERBAL_WITNESSED'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/** A consent: who gave it, to what, how, recorded by whom and when; withdrawable. */
export interface ConsentRecord {
  readonly consentId: string;
  readonly clientId: string;
  readonly scope: ConsentScope;
  readonly method: ConsentMethod;
  readonly givenBy: 'CLIENT' | 'REPRESENTATIVE';
  readonly managerInvolved: boolean;
  /** The registered partner agency the consent names, if it names one (an id, not personal data). */
  readonly partnerId: string | undefined;
  /** The kinds of information (classifications) the consent names; empty: it names none. */
  readonly classifications: readonly string[];
  /** The purposes the person agreed their information may be shared for; empty: it authorises no disclosure. */
  readonly purposes: readonly DisclosurePurpose[];
  readonly recordedBy: string;
  /** When it was given: the time it was recorded, or the source system's date for it (an import). */
  readonly recordedAt: string;
  /** When this record was written (absent on consents written before it was kept: their `recordedAt`). */
  readonly createdAt: string;
  readonly withdrawnAt: string | undefined;
  readonly expiresAt: number | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

/** Free-text parts of a consent (they may name people), sealed under the client's key. */
export const SEALED_CONSENT_FIELDS = ['agencyName', 'representativeName', 'capacityNote'] as const;
export type SealedConsentField = (typeof SEALED_CONSENT_FIELDS)[number];

/**
 * Consents, each carrying `consentMac` (decision 0089): an integrity MAC over what it authorises (scope, agency,
 * classifications, purposes, method, who gave it) and whether and when it was withdrawn. Every read checks it, so a
 * consent forged, widened or un-withdrawn in the table throws {@link TamperedItemError} and authorises nothing.
 */
export class Consents {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly keys: KeyHierarchy,
  ) {}

  async record(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    consent: {
      scope: ConsentScope;
      method: ConsentMethod;
      givenBy: 'CLIENT' | 'REPRESENTATIVE';
      managerInvolved: boolean;
      partnerId?: string | undefined;
      classifications?: readonly string[] | undefined;
      purposes?: readonly DisclosurePurpose[] | undefined;
      recordedBy: string;
      sealed: Partial<Record<SealedConsentField, string>>;
      /** The source system's date it was given (an import); by default now. See {@link sourceTime}. */
      recordedAt?: string | undefined;
    },
  ): Promise<ConsentRecord> {
    const item = this.#newItem(
      scope,
      clientId,
      key,
      newId('consent'),
      consent,
      await this.#integrityKey(scope),
    );
    const result = await transactWriteOrCancelled(this.#gateway(scope), [
      { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      // Only while the person is held: a consent written after an erasure (or expiry) removed the profile, by a
      // request that read it before, would outlive the sweep of the person's partition.
      {
        ConditionCheck: {
          Key: { pk: attr.s(scope.key('CLIENT', clientId)), sk: attr.s('PROFILE') },
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
          ExpressionAttributeValues: { ':now': attr.n(toEpochSeconds(this.clock.now())) },
        },
      },
    ]);
    if (!result.written) {
      if ('reasons' in result && result.reasons[1] === 'ConditionalCheckFailed')
        throw notFound('Service user');
      // A fresh random id never collides; if it did, nothing was overwritten.
      throw new Error('A new consent could not be written.');
    }
    return toConsent(item);
  }

  /**
   * The item of an imported consent (issue 21, decision 0032), built as `record` builds it, not written: the import
   * writes it with its new client's other items, under the id its row identity fixes (the same on every run).
   */
  async importItem(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    consentId: string,
    consent: Parameters<Consents['record']>[3],
  ): Promise<{ item: Item; consent: ConsentRecord }> {
    const item = this.#newItem(scope, clientId, key, consentId, consent, await this.#integrityKey(scope));
    return { item, consent: toConsent(item) };
  }

  #newItem(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    consentId: string,
    consent: Parameters<Consents['record']>[3],
    integrityKey: Buffer,
  ): Item {
    const pk = scope.key('CLIENT', clientId);
    const sk = `CONSENT#${consentId}`;
    const item: Item = {
      pk: attr.s(pk),
      sk: attr.s(sk),
      consentId: attr.s(consentId),
      clientId: attr.s(clientId),
      scope: attr.s(consent.scope),
      method: attr.s(consent.method),
      givenBy: attr.s(consent.givenBy),
      managerInvolved: attr.bool(consent.managerInvolved),
      ...(consent.partnerId ? { partnerId: attr.s(consent.partnerId) } : {}),
      ...(consent.classifications?.length ? { classifications: attr.ss(consent.classifications) } : {}),
      ...(consent.purposes?.length ? { purposes: attr.ss(consent.purposes) } : {}),
      recordedBy: attr.s(consent.recordedBy),
      recordedAt: attr.s(sourceTime(consent.recordedAt, this.clock.now())),
      createdAt: attr.s(this.clock.now().toISOString()),
      ...sealFields(key, itemKeyOf(pk, sk), consent.sealed),
    };
    return { ...item, [CONSENT_MAC]: attr.s(integrityMac(integrityKey, consentParts(scope, item))) };
  }

  /**
   * Withdrawal takes effect at once: every check reads the record, nothing caches it. The consent is read and checked
   * first, then withdrawn with a MAC that covers the withdrawal, on condition that it is still the consent read.
   */
  async withdraw(
    scope: TenantScope,
    clientId: string,
    consentId: string,
    by: string,
  ): Promise<ConsentRecord> {
    const key = { pk: scope.key('CLIENT', clientId), sk: `CONSENT#${consentId}` };
    const [current, integrityKey] = await Promise.all([
      this.#gateway(scope).get(key, { now: this.clock.now() }),
      this.#integrityKey(scope),
    ]);
    if (!current || current.withdrawnAt) throw conflict('The consent is unknown or already withdrawn.');
    verifiedConsent(scope, current, integrityKey);
    const withdrawnAt = this.clock.now().toISOString();
    const mac = integrityMac(
      integrityKey,
      consentParts(scope, { ...current, withdrawnAt: attr.s(withdrawnAt) }),
    );
    const result = await this.#gateway(scope).update(key, {
      UpdateExpression: 'SET withdrawnAt = :now, withdrawnBy = :by, #mac = :mac',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(withdrawnAt) AND #mac = :previous',
      ExpressionAttributeNames: { '#mac': CONSENT_MAC },
      ExpressionAttributeValues: {
        ':now': attr.s(withdrawnAt),
        ':by': attr.s(by),
        ':mac': attr.s(mac),
        ':previous': attr.s(read.s(current, CONSENT_MAC) ?? ''),
      },
      ReturnValues: 'ALL_NEW',
    });
    if (!result.written) throw conflict('The consent is unknown or already withdrawn.');
    if (!result.attributes) throw notFound('Consent');
    return toConsent(result.attributes);
  }

  /** One consent of the person, withdrawn or not; undefined when they have none of that id. */
  async get(scope: TenantScope, clientId: string, consentId: string): Promise<ConsentRecord | undefined> {
    const [item, integrityKey] = await Promise.all([
      this.#gateway(scope).get(
        { pk: scope.key('CLIENT', clientId), sk: `CONSENT#${consentId}` },
        { now: this.clock.now() },
      ),
      this.#integrityKey(scope),
    ]);
    return item ? verifiedConsent(scope, item, integrityKey) : undefined;
  }

  /** One page of the person's consents in the order they are stored (by consent id), read with DynamoDB's `Limit`. */
  async page(scope: TenantScope, clientId: string, request: PageRequest): Promise<Page<ConsentRecord>> {
    const gateway = this.#gateway(scope);
    const [page, integrityKey] = await Promise.all([
      gateway.queryPrefixPage(scope.key('CLIENT', clientId), 'CONSENT#', request, this.clock.now()),
      this.#integrityKey(scope),
    ]);
    return mapPage(page, (item) => verifiedConsent(scope, item, integrityKey));
  }

  /** The person's consents with these ids (one batch), unexpired; unknown ids are left out. */
  async byIds(scope: TenantScope, clientId: string, consentIds: readonly string[]): Promise<ConsentRecord[]> {
    if (consentIds.length === 0) return [];
    const pk = scope.key('CLIENT', clientId);
    const keys = consentIds.map((consentId) => ({ pk, sk: `CONSENT#${consentId}` }));
    const [items, integrityKey] = await Promise.all([
      this.#gateway(scope).batchGet(keys, { now: this.clock.now() }),
      this.#integrityKey(scope),
    ]);
    return items.map((item) => verifiedConsent(scope, item, integrityKey));
  }

  async list(scope: TenantScope, clientId: string): Promise<ConsentRecord[]> {
    const [items, integrityKey] = await Promise.all([
      this.#gateway(scope).queryPrefix(scope.key('CLIENT', clientId), 'CONSENT#', this.clock.now()),
      this.#integrityKey(scope),
    ]);
    return items.map((item) => verifiedConsent(scope, item, integrityKey));
  }

  /** The consent methods the organisation accepts as authorising a disclosure; undefined: the default. */
  /**
   * The consent methods the organisation chose to accept for a disclosure, once their MAC verifies (decision 0124);
   * undefined when it never chose (the written methods). A choice written by anyone else (a verbal method added in the
   * table) throws {@link TamperedItemError} and authorises nothing.
   */
  async disclosureMethods(scope: TenantScope): Promise<ConsentMethod[] | undefined> {
    const [item, integrityKey] = await Promise.all([
      this.#gateway(scope).get(DISCLOSURE_METHODS_KEY),
      this.#integrityKey(scope),
    ]);
    if (!item) return undefined;
    const methods = read.ss(item, 'methods') as ConsentMethod[];
    const parts = disclosureMethodsParts(scope, methods, changeCount(item, DISCLOSURE_METHODS_VERSION));
    if (!verifyIntegrityMac(integrityKey, parts, read.s(item, DISCLOSURE_METHODS_MAC))) {
      throw new TamperedItemError(
        scope.orgId,
        'DISCLOSURE_METHODS',
        itemKeyOf(scope.key(DISCLOSURE_METHODS_KEY.pk), DISCLOSURE_METHODS_KEY.sk),
      );
    }
    return methods;
  }

  /**
   * Records the organisation's choice with its MAC and one more change in its count (decision 0124), on condition that
   * the choice is still the one read: a concurrent change is CONFLICT.
   */
  async setDisclosureMethods(
    scope: TenantScope,
    methods: readonly ConsentMethod[],
    by: string,
  ): Promise<void> {
    const [current, integrityKey] = await Promise.all([
      this.#gateway(scope).get(DISCLOSURE_METHODS_KEY),
      this.#integrityKey(scope),
    ]);
    const count = changeCount(current ?? {}, DISCLOSURE_METHODS_VERSION) + 1;
    const previous = current ? read.s(current, DISCLOSURE_METHODS_MAC) : undefined;
    const written = await this.#gateway(scope).put(
      {
        pk: attr.s(scope.key(DISCLOSURE_METHODS_KEY.pk)),
        sk: attr.s(DISCLOSURE_METHODS_KEY.sk),
        methods: attr.ss(methods),
        changedBy: attr.s(by),
        changedAt: attr.s(this.clock.now().toISOString()),
        [DISCLOSURE_METHODS_VERSION]: attr.n(count),
        [DISCLOSURE_METHODS_MAC]: attr.s(
          integrityMac(integrityKey, disclosureMethodsParts(scope, methods, count)),
        ),
      },
      current === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : previous === undefined
          ? {
              ConditionExpression: 'attribute_not_exists(#mac)',
              ExpressionAttributeNames: { '#mac': DISCLOSURE_METHODS_MAC },
            }
          : {
              ConditionExpression: '#mac = :previous',
              ExpressionAttributeNames: { '#mac': DISCLOSURE_METHODS_MAC },
              ExpressionAttributeValues: { ':previous': attr.s(previous) },
            },
    );
    if (!written.written) throw conflict('The consent methods changed meanwhile.');
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }

  openSealed(key: SubjectKey, consent: ConsentRecord, field: SealedConsentField): string | undefined {
    return openField(key, itemKeyOf(consent.pk, consent.sk), consent.item, field);
  }
}

/** Where the organisation's choice of the consent methods that authorise a disclosure is kept. */
const DISCLOSURE_METHODS_KEY = { pk: 'CONSENT-SETTINGS', sk: 'DISCLOSURE-METHODS' } as const;

/** The attribute holding the MAC over the choice (decision 0124): a verbal method added in the table authorises nothing. */
const DISCLOSURE_METHODS_MAC = 'methodsMac';

/**
 * The attribute counting the changes to the choice, under its MAC (decision 0124): the choice from before a change put
 * back with its genuine MAC shows in the table's stream as the count going down.
 */
const DISCLOSURE_METHODS_VERSION = 'methodsVersion';

/** The organisation's choice of consent methods, who made it and when, its MAC and count (decision 0124). */
export const DISCLOSURE_METHODS_FACTS: CountedFacts = {
  attributes: ['methods', 'changedBy', 'changedAt'],
  mac: DISCLOSURE_METHODS_MAC,
  count: DISCLOSURE_METHODS_VERSION,
};

const disclosureMethodsParts = (scope: TenantScope, methods: readonly string[], count: number) => [
  'confide.disclosure-methods.v1',
  scope.orgId,
  [...methods].sort().join(','),
  String(count),
];

/** The consent attribute holding its MAC (decision 0089). */
export const CONSENT_MAC = 'consentMac';

/** What a consent authorises, and whether it was withdrawn: the parts its MAC covers. */
function consentParts(scope: TenantScope, item: Item): string[] {
  return [
    'confide.consent.v1',
    scope.orgId,
    requireS(item, 'clientId'),
    requireS(item, 'consentId'),
    requireS(item, 'scope'),
    requireS(item, 'method'),
    requireS(item, 'givenBy'),
    String(read.bool(item, 'managerInvolved') ?? false),
    read.s(item, 'partnerId') ?? '',
    [...read.ss(item, 'classifications')].sort().join(','),
    [...read.ss(item, 'purposes')].sort().join(','),
    requireS(item, 'recordedBy'),
    requireS(item, 'recordedAt'),
    read.s(item, 'withdrawnAt') ?? '',
  ];
}

/** A consent item as a consent, once its MAC passes; one rewritten in the table throws {@link TamperedItemError}. */
function verifiedConsent(scope: TenantScope, item: Item, integrityKey: Buffer): ConsentRecord {
  requireItemMac(integrityKey, item, CONSENT_MAC, consentParts(scope, item), {
    subjectId: requireS(item, 'clientId'),
    itemKind: 'CONSENT',
  });
  return toConsent(item);
}

function toConsent(item: Item): ConsentRecord {
  return {
    consentId: requireS(item, 'consentId'),
    clientId: requireS(item, 'clientId'),
    scope: requireS(item, 'scope') as ConsentScope,
    method: requireS(item, 'method') as ConsentMethod,
    givenBy: requireS(item, 'givenBy') as 'CLIENT' | 'REPRESENTATIVE',
    managerInvolved: read.bool(item, 'managerInvolved') ?? false,
    partnerId: read.s(item, 'partnerId'),
    classifications: read.ss(item, 'classifications'),
    purposes: read.ss(item, 'purposes') as DisclosurePurpose[],
    recordedBy: requireS(item, 'recordedBy'),
    recordedAt: requireS(item, 'recordedAt'),
    createdAt: read.s(item, 'createdAt') ?? requireS(item, 'recordedAt'),
    withdrawnAt: read.s(item, 'withdrawnAt'),
    expiresAt: read.n(item, 'expiresAt'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}
