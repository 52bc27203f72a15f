import { asOrgId, isIdOf, notFound, type OrgId } from '@confide/domain';
import type { Organisation, RetentionSettings } from '@confide/store';
import { builder } from '../builder';
import { authenticated } from '../context';
import { organisationProvisioning } from '../operations/provisioning';
import { StaffMemberRef } from './staff';
import { AccessPresetEnum } from './vocabulary';

export const OrganisationRef = builder.objectRef<Organisation>('Organisation');

const OrganisationStatusEnum = builder.enumType('OrganisationStatus', {
  description: 'ACTIVE organisations are served; OFFBOARDED ones are refused and their key is being deleted.',
  values: ['ACTIVE', 'OFFBOARDED'] as const,
});

const RetentionSettingsRef = builder.objectRef<RetentionSettings>('RetentionSettings');
RetentionSettingsRef.implement({
  description: 'How long the organisation keeps records (DATA-PROTECTION.md, Retention).',
  fields: (t) => ({
    clientYearsAfterClosure: t.exposeInt('clientYearsAfterClosure', {
      description: 'Years a client record is kept after the case closes.',
    }),
    childUntilAge: t.exposeInt('childUntilAge', {
      description: 'A child client’s record is kept at least until this birthday.',
    }),
    staffYearsAfterEmployment: t.exposeInt('staffYearsAfterEmployment', {
      description: 'Years a staff record is kept after employment ends.',
    }),
    auditYears: t.exposeInt('auditYears', { description: 'Years access audit events are kept.' }),
    breachYears: t.exposeInt('breachYears', { description: 'Years breach register entries are kept.' }),
  }),
});

OrganisationRef.implement({
  description:
    'A charity using Confide: the data controller of its records. Holds no personal data; its records are encrypted under its own KMS key.',
  fields: (t) => ({
    id: t.exposeID('orgId', { description: 'The organisation’s opaque id.' }),
    name: t.exposeString('name', { description: 'The charity’s name.' }),
    slug: t.exposeString('slug', { description: 'Short URL-safe name, unique in the deployment.' }),
    preset: t.field({
      type: AccessPresetEnum,
      resolve: (org) => org.preset,
      description: 'The access preset.',
    }),
    status: t.field({
      type: OrganisationStatusEnum,
      resolve: (org) => org.status,
      description: 'Whether the organisation is served.',
    }),
    dataProcessingAgreement: t.string({
      nullable: true,
      resolve: (org) => org.dataProcessingAgreement ?? null,
      description: 'Reference of the data-processing agreement with the platform operator.',
    }),
    retention: t.field({
      type: RetentionSettingsRef,
      resolve: (org) => org.retention,
      description: 'Retention rules.',
    }),
    keyDeletionDate: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (org) => org.keyDeletionDate ?? null,
      description: 'When the organisation’s KMS key will be deleted, once offboarded.',
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (org) => org.createdAt, description: 'When onboarded.' }),
    version: t.exposeInt('version', {
      description: 'For optimistic concurrency: pass as expectedVersion when changing organisation settings.',
    }),
  }),
});

const OnboardOrganisationInput = builder.inputType('OnboardOrganisationInput', {
  description: 'A new organisation and its first administrator.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The charity’s name (1–200 characters).' }),
    slug: t.string({ required: true, description: '1–40 lower-case letters, digits or hyphens.' }),
    preset: t.field({ type: AccessPresetEnum, required: true, description: 'The access preset.' }),
    dataProcessingAgreement: t.string({ required: false, description: 'Reference of the signed DPA.' }),
    firstAdminHandle: t.string({ required: true, description: 'Login handle of the first ORG_ADMIN.' }),
    firstAdminDisplayName: t.string({ required: true, description: 'Display name of the first ORG_ADMIN.' }),
    firstAdminEmail: t.string({
      required: false,
      description:
        'Email address the user pool invites the first ORG_ADMIN at; required where staff sign in through Cognito.',
    }),
  }),
});

const OnboardOrganisationPayload = builder
  .objectRef<{ organisation: Organisation; firstAdmin: import('@confide/store').StaffMember }>(
    'OnboardOrganisationPayload',
  )
  .implement({
    description: 'The organisation created and its first administrator.',
    fields: (t) => ({
      organisation: t.field({
        type: OrganisationRef,
        resolve: (p) => p.organisation,
        description: 'Created.',
      }),
      firstAdmin: t.field({
        type: StaffMemberRef,
        resolve: (p) => p.firstAdmin,
        description: 'Its ORG_ADMIN.',
      }),
    }),
  });

const OffboardOrganisationInput = builder.inputType('OffboardOrganisationInput', {
  description: 'Which organisation to offboard, and the KMS key deletion window.',
  fields: (t) => ({
    organisationId: t.id({ required: true, description: 'The organisation’s id.' }),
    pendingWindowInDays: t.int({
      required: false,
      description: 'Days before the KMS key is deleted (7–30, default 30).',
    }),
  }),
});

function organisationIdArg(value: string | number): OrgId {
  const id = String(value);
  if (!isIdOf('org', id)) throw notFound('Organisation');
  return asOrgId(id);
}

builder.queryFields((t) => ({
  organisation: t.field({
    type: OrganisationRef,
    description: 'The caller’s own organisation.',
    authScopes: { staff: true },
    resolve: (_root, _args, context) => {
      const { organisation } = authenticated(context);
      if (!organisation) throw notFound('Organisation');
      return organisation;
    },
  }),
  organisations: t.field({
    type: [OrganisationRef],
    description: 'Every organisation of the deployment (platform operators only).',
    authScopes: { operator: true },
    resolve: (_root, _args, context) => context.services.directory.listOrganisations(),
  }),
}));

builder.mutationFields((t) => ({
  onboardOrganisation: t.field({
    type: OnboardOrganisationPayload,
    description:
      'Onboards a charity with its own KMS key, branch key and first ORG_ADMIN (platform operators only).',
    authScopes: { operator: true },
    args: { input: t.arg({ type: OnboardOrganisationInput, required: true }) },
    // In AWS through the provisioner function: the api role may not create KMS keys.
    resolve: (_root, { input }, context) =>
      organisationProvisioning(context.services).onboard({
        name: input.name,
        slug: input.slug,
        preset: input.preset,
        dataProcessingAgreement: input.dataProcessingAgreement ?? null,
        firstAdmin: {
          handle: input.firstAdminHandle,
          displayName: input.firstAdminDisplayName,
          email: input.firstAdminEmail ?? null,
        },
      }),
  }),
  offboardOrganisation: t.field({
    type: OrganisationRef,
    description:
      'Refuses all further access for the organisation at once and schedules deletion of its KMS key (platform operators only).',
    authScopes: { operator: true },
    args: { input: t.arg({ type: OffboardOrganisationInput, required: true }) },
    resolve: (_root, { input }, context) =>
      organisationProvisioning(context.services).offboard(
        organisationIdArg(input.organisationId),
        input.pendingWindowInDays ?? undefined,
      ),
  }),
}));
