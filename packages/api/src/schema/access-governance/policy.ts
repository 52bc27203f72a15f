import { validate } from '@confide/domain';
import { builder } from '../../builder';
import { authenticated } from '../../context';
import { OrganisationRef } from '../organisations';
import { AccessPresetEnum } from '../vocabulary';

// ── Policy acknowledgement gate and presets ────────────────────────────────────────────────────────────────

interface PolicyStatus {
  readonly version: number | undefined;
  readonly title: string | undefined;
  readonly acknowledgedVersion: number | undefined;
}

const ConfidentialityPolicyStatusRef = builder.objectRef<PolicyStatus>('ConfidentialityPolicyStatus');
ConfidentialityPolicyStatusRef.implement({
  description:
    'The organisation’s current confidentiality policy and whether the caller has signed it (Carers Trust 6.1). Until they have, every client read answers POLICY_NOT_ACKNOWLEDGED.',
  fields: (t) => ({
    version: t.int({
      nullable: true,
      description: 'The current version, to pass to `acknowledgePolicy`; null when none is published.',
      resolve: (status) => status.version ?? null,
    }),
    title: t.string({
      nullable: true,
      description: 'Title or reference of the current version.',
      resolve: (status) => status.title ?? null,
    }),
    acknowledged: t.boolean({
      description: 'Whether the caller has signed the current version (true when none is published).',
      resolve: (status) => status.version === undefined || status.acknowledgedVersion === status.version,
    }),
    acknowledgedVersion: t.int({
      nullable: true,
      description: 'The version the caller last signed, if any.',
      resolve: (status) => status.acknowledgedVersion ?? null,
    }),
  }),
});

builder.queryFields((t) => ({
  confidentialityPolicy: t.field({
    type: ConfidentialityPolicyStatusRef,
    description:
      'The current confidentiality policy version and whether the caller has acknowledged it (any staff member, acknowledged or not).',
    operation: { policy: 'organisation.policy.status', audit: 'fields' },
    resolve: (_operation, _args, context) => {
      const { organisation, staff } = authenticated(context);
      return {
        version: organisation?.policyVersion,
        title: organisation?.policyTitle,
        acknowledgedVersion: staff?.acknowledgedPolicyVersion,
      };
    },
  }),
}));

builder.mutationFields((t) => ({
  publishConfidentialityPolicy: t.field({
    type: OrganisationRef,
    description:
      'Publishes a new version of the organisation’s confidentiality policy; every staff member must acknowledge it before reading client records again (ORG_ADMIN, IG_LEAD).',
    args: {
      title: t.arg.string({ required: true, description: 'Title or reference of the policy version.' }),
    },
    operation: {
      policy: 'organisation.policy.publish',
      validate: (args) => validate.text(['title'], args.title, { max: 200 }),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) =>
      context.services.directory.publishPolicy(
        operation.scope.orgId,
        validate.text(['title'], args.title, { max: 200 }),
      ),
  }),
  acknowledgePolicy: t.field({
    type: 'Int',
    description: 'Signs that the caller has read the given (current) policy version; returns it.',
    args: { version: t.arg.int({ required: true, description: 'The current policy version.' }) },
    operation: {
      policy: 'organisation.policy.acknowledge',
      validate: (args, context) => {
        const { organisation } = authenticated(context);
        if (organisation?.policyVersion === undefined || args.version !== organisation.policyVersion) {
          throw validate.badInputError(['version'], 'That is not the organisation’s current policy version.');
        }
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      await context.services.directory.acknowledgePolicy(
        operation.scope,
        operation.staff.staffId,
        args.version,
      );
      return args.version;
    },
  }),
  setAccessPreset: t.field({
    type: OrganisationRef,
    description:
      'Changes the organisation’s access preset (ORG_ADMIN). GROUP_WIDE never lowers the platform floor. Switching to GROUP_WIDE needs two people: the call answers APPROVAL_REQUIRED with `extensions.approvalId`, and the change is made when the Caldicott Guardian approves it (`approveChange`). Audited before it happens, naming the preset.',
    args: {
      preset: t.arg({ type: AccessPresetEnum, required: true, description: 'The new preset.' }),
      expectedVersion: t.arg.int({ required: true, description: 'The organisation version read.' }),
    },
    operation: {
      policy: 'organisation.preset',
      change: (args, context) => ({
        widensPreset: args.preset === 'GROUP_WIDE' && context.access.preset !== 'GROUP_WIDE',
      }),
      record: (args) => ({ fields: [args.preset] }),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: (operation, args, context) =>
      context.services.directory.setPreset(operation.scope.orgId, args.preset, args.expectedVersion),
  }),
}));
