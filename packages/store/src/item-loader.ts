import { asOrgId, type OrgId } from '@confide/domain';
import type { KeyHierarchy, SubjectKey } from '@confide/keys';
import DataLoader from 'dataloader';
import type { Item } from './attributes';
import { batchGet, type ItemRef, refKey } from './batch-get';
import { type TableAccess, TenantKeyError } from './tenant-table';

const ORGANISATION_OF = /^ORG#(org_[^#]+)#./;

/**
 * Per-request item reads. Everything asked for in the same tick — client profiles, subject keys, services,
 * notes, across both tables — goes out as one BatchGetItem, so a list of 50 clients costs a constant number of
 * round trips, not 50. Create one per request: it caches what it read, and writes must `forget` what they change.
 *
 * Every key must be an organisation's (`ORG#<orgId>#…`, either table); each organisation's keys are read with that
 * organisation's client (`TableAccess`, decision 0031), so in AWS with its own narrowed credentials. Anything else
 * is refused before a call is made.
 */
export class ItemLoader {
  readonly #loader: DataLoader<ItemRef, Item | undefined, string>;
  readonly #subjectKeys = new Map<string, Promise<SubjectKey | undefined>>();

  constructor(
    access: TableAccess,
    private readonly keys: KeyHierarchy,
  ) {
    this.#loader = new DataLoader(
      async (refs) => {
        const byOrganisation = new Map<OrgId, ItemRef[]>();
        for (const ref of refs) {
          const orgId = ORGANISATION_OF.exec(ref.key.pk?.S ?? '')?.[1];
          if (!orgId) throw new TenantKeyError('key');
          const group = byOrganisation.get(asOrgId(orgId)) ?? [];
          group.push(ref);
          byOrganisation.set(asOrgId(orgId), group);
        }
        const found = new Map<string, Item>();
        await Promise.all(
          [...byOrganisation].map(async ([orgId, group]) => {
            const client = 'forOrg' in access ? access.forOrg(orgId) : access;
            for (const [key, item] of await batchGet(client, group)) found.set(key, item);
          }),
        );
        return refs.map((ref) => found.get(refKey(ref.table, ref.key)));
      },
      {
        cacheKeyFn: (ref) => refKey(ref.table, ref.key),
        maxBatchSize: 100,
        batchScheduleFn: (run) => setImmediate(run),
      },
    );
  }

  load(table: string, pk: string, sk: string): Promise<Item | undefined> {
    return this.#loader.load({ table, key: { pk: { S: pk }, sk: { S: sk } } });
  }

  forget(table: string, pk: string, sk: string): void {
    this.#loader.clear({ table, key: { pk: { S: pk }, sk: { S: sk } } });
  }

  /**
   * Starts reading the subject's wrapped key alongside what is being read now (e.g. the subject's profile), so
   * that a later `subjectKey` costs no round trip of its own. Nothing is unwrapped until it is asked for; a
   * failure here surfaces from that later call, not from the prefetch.
   */
  prefetchSubjectKey(orgId: OrgId, subjectId: string): void {
    const { table, key } = this.keys.subjectKeyLocation(orgId, subjectId);
    this.load(table, key.pk.S, key.sk.S).catch(() => undefined);
  }

  /** The subject's data key, batched with whatever else is being read; undefined once erased. */
  subjectKey(orgId: OrgId, subjectId: string): Promise<SubjectKey | undefined> {
    const cacheKey = `${orgId}|${subjectId}`;
    let pending = this.#subjectKeys.get(cacheKey);
    if (!pending) {
      const { table, key } = this.keys.subjectKeyLocation(orgId, subjectId);
      pending = this.load(table, key.pk.S, key.sk.S).then((item) =>
        item ? this.keys.unwrapSubjectKey(orgId, subjectId, item) : undefined,
      );
      this.#subjectKeys.set(cacheKey, pending);
    }
    return pending;
  }
}
