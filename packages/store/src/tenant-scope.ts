import { asOrgId, type OrgId } from '@confide/domain';

/**
 * The organisation every store call runs in. Only {@link tenantScope} makes one, and it refuses anything
 * that is not a well-formed organisation id, so no key — and therefore no query — can be built without an
 * organisation, and no prefix of one organisation's keys can match another's (ids are fixed-length and the
 * prefix always ends in the delimiter).
 */
export interface TenantScope {
  readonly orgId: OrgId;
  /** `ORG#<orgId>#<parts joined by #>`. */
  key(...parts: string[]): string;
}

export function tenantScope(orgId: string): TenantScope {
  const id = asOrgId(orgId);
  const prefix = `ORG#${id}#`;
  return Object.freeze({
    orgId: id,
    key: (...parts: string[]) => {
      if (parts.length === 0) throw new TypeError('A tenant key needs at least one part.');
      for (const part of parts) {
        if (part.length === 0 || part.includes('#'))
          throw new TypeError('Key parts are non-empty and have no #.');
      }
      return prefix + parts.join('#');
    },
  });
}

/** Keys of the platform's own registry (organisation list, slugs). Holds no tenant data. */
export const platformKey = {
  organisations: 'PLATFORM#ORGANISATIONS',
  slug: (slug: string) => `PLATFORM#SLUG#${slug}`,
  /** A partner agency's Cognito app client → its organisation and partner (decision 0022). */
  partnerClient: (clientId: string) => `PLATFORM#CLIENT#${clientId}`,
} as const;
