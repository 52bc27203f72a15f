import type { ConfideServices } from '@confide/api/services';
import type { LocalConsoleOptions } from '@confide/console/server';
import { DEMO_ORGANISATIONS, type LocalStackInfo, mintToken } from '@confide/local';
import { tenantScope } from '@confide/store';

/**
 * The local console's sign-in for `npm start`: every demo organisation's staff, each signed in with a token from
 * the local issuer, as `npm start` prints them (valid 8 hours). Local only: in AWS the user pool signs people in.
 */
export function demoConsoleSignIn(
  services: ConfideServices,
  stack: Pick<LocalStackInfo, 'dataDir' | 'issuer' | 'audience'>,
): Pick<LocalConsoleOptions, 'users' | 'tokenFor'> {
  return {
    users: async () =>
      DEMO_ORGANISATIONS.flatMap((demo) =>
        [demo.admin, ...demo.staff].map((person) => ({
          organisation: demo.slug,
          organisationName: demo.name,
          handle: person.handle,
          displayName: person.displayName,
          roles: person.roles,
        })),
      ),
    tokenFor: async (slug, handle) => {
      const organisationId = await services.directory.organisationIdBySlug(slug);
      const staff = organisationId
        ? await services.directory.staffByHandle(tenantScope(organisationId), handle)
        : undefined;
      if (!organisationId || !staff) return undefined;
      return mintToken(
        stack.dataDir,
        { issuer: stack.issuer, audience: stack.audience, expiresIn: '8h' },
        { sub: staff.externalSubject, org_id: organisationId, staff_id: staff.staffId },
      );
    },
  };
}
