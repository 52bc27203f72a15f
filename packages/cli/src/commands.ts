import {
  type ConfideServices,
  configFromEnv,
  createServices,
  offboardOrganisation,
  onboardOrganisation,
} from '@confide/api';
import { ACCESS_PRESETS, type AccessPreset, type OrgId } from '@confide/domain';
import { type LocalStackInfo, localStackEnv, mintToken } from '@confide/local';
import { ItemLoader, tenantScope } from '@confide/store';
import { CliError, runningStack } from './data-dir';

export function servicesFor(stack: LocalStackInfo): ConfideServices {
  Object.assign(process.env, localStackEnv(stack));
  return createServices(configFromEnv(process.env));
}

async function orgIdOf(services: ConfideServices, slug: string): Promise<OrgId> {
  const orgId = await services.directory.organisationIdBySlug(slug);
  if (!orgId) throw new CliError(`No organisation with slug "${slug}".`);
  return orgId;
}

export interface TokenRequest {
  org?: string;
  user?: string;
  serviceUser?: string;
  partner?: string;
  operator?: boolean;
  expiresIn?: string;
}

/** Mints a local token for any principal kind: staff (`--user`), service user, partner client or operator. */
export async function tokenCommand(request: TokenRequest): Promise<string> {
  const stack = runningStack();
  const settings = { issuer: stack.issuer, audience: stack.audience, expiresIn: request.expiresIn ?? '8h' };
  if (request.operator) {
    return mintToken(stack.dataDir, settings, {
      sub: 'local-operator',
      'cognito:groups': ['confide-operators'],
    });
  }
  if (!request.org) throw new CliError('Give --org <slug> (or --operator).');
  const services = servicesFor(stack);
  const orgId = await orgIdOf(services, request.org);
  if (request.user) {
    const staff = await services.directory.staffByHandle(tenantScope(orgId), request.user);
    if (!staff) throw new CliError(`No staff member "${request.user}" in ${request.org}.`);
    return mintToken(stack.dataDir, settings, {
      sub: staff.externalSubject,
      org_id: orgId,
      staff_id: staff.staffId,
    });
  }
  if (request.serviceUser) {
    const scope = tenantScope(orgId);
    const clientId = await services.serviceUsers.idByReference(scope, request.serviceUser);
    const client = clientId
      ? await services.serviceUsers.get(scope, clientId, new ItemLoader(services.dynamo, services.keys))
      : undefined;
    if (!client?.externalSubject)
      throw new CliError(`No service user with reference "${request.serviceUser}" in ${request.org}.`);
    return mintToken(stack.dataDir, settings, { sub: client.externalSubject, org_id: orgId });
  }
  if (request.partner) {
    // A client-credentials token: Cognito sets the subject to the app's client id.
    return mintToken(stack.dataDir, settings, {
      sub: request.partner,
      client_id: request.partner,
      scope: 'confide/partner.read',
      org_id: orgId,
    });
  }
  throw new CliError(
    'Give --user <handle>, --service-user <reference>, --partner <client id> or --operator.',
  );
}

export async function orgCreateCommand(options: {
  name?: string;
  slug?: string;
  preset?: string;
  adminHandle?: string;
  adminName?: string;
  dpa?: string;
}): Promise<string> {
  const { name, slug, adminHandle, adminName } = options;
  if (!name || !slug || !adminHandle || !adminName) {
    throw new CliError(
      'Give --name, --slug, --admin-handle and --admin-name (and optionally --preset, --dpa).',
    );
  }
  const preset = (options.preset ?? 'STRICT').toUpperCase();
  if (!(ACCESS_PRESETS as readonly string[]).includes(preset)) {
    throw new CliError(`--preset is one of ${ACCESS_PRESETS.join(', ')}.`);
  }
  const services = servicesFor(runningStack());
  const { organisation, firstAdmin } = await onboardOrganisation(services, {
    name,
    slug,
    preset: preset as AccessPreset,
    dataProcessingAgreement: options.dpa ?? null,
    firstAdmin: { handle: adminHandle, displayName: adminName },
  });
  return `Onboarded ${organisation.slug} (${organisation.orgId}), key ${organisation.keyAlias}; first admin: ${firstAdmin.handle}`;
}

export async function orgListCommand(): Promise<string> {
  const services = servicesFor(runningStack());
  const organisations = await services.directory.listOrganisations();
  if (organisations.length === 0) return 'No organisations yet.';
  return organisations
    .map(
      (org) =>
        `${org.slug.padEnd(16)} ${org.status.padEnd(10)} ${org.preset.padEnd(10)} ${org.orgId}  ${org.name}`,
    )
    .join('\n');
}

export async function orgOffboardCommand(options: { slug?: string; window?: string }): Promise<string> {
  if (!options.slug) throw new CliError('Give --slug <slug>.');
  const services = servicesFor(runningStack());
  const orgId = await orgIdOf(services, options.slug);
  const organisation = await offboardOrganisation(
    services,
    orgId,
    options.window === undefined ? undefined : Number(options.window),
  );
  return `Offboarded ${organisation.slug}: all access refused; KMS key deletion on ${organisation.keyDeletionDate}.`;
}

export async function usersCommand(options: { org?: string }): Promise<string> {
  if (!options.org) throw new CliError('Give --org <slug>.');
  const services = servicesFor(runningStack());
  const staff = await services.directory.listStaff(tenantScope(await orgIdOf(services, options.org)));
  const rows = await Promise.all(
    staff.map(
      async (member) =>
        `${member.handle.padEnd(24)} ${member.status.padEnd(12)} ${member.roles.join(',').padEnd(30)} ${await member.displayName()}`,
    ),
  );
  return rows.join('\n');
}
