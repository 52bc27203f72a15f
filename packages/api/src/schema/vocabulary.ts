import { ACCESS_PRESETS, CLASSIFICATIONS, RELATIONSHIPS, ROLES } from '@confide/domain';
import { builder } from '../builder';

export const RoleEnum = builder.enumType('Role', {
  description: 'A staff role within one organisation (ACCESS-MODEL.md, Roles).',
  values: ROLES,
});

export const AccessPresetEnum = builder.enumType('AccessPreset', {
  description:
    'How widely staff may read client records: STRICT need-to-know, or GROUP_WIDE for small groups whose policy shares with all staff. The platform floor applies to both.',
  values: ACCESS_PRESETS,
});

export const ClassificationEnum = builder.enumType('Classification', {
  description: 'The sensitivity class of a field of personal data (ACCESS-MODEL.md, Classifications).',
  values: CLASSIFICATIONS,
});

export const RelationshipEnum = builder.enumType('Relationship', {
  description: 'How a staff member or other principal relates to a client, computed per request.',
  values: RELATIONSHIPS,
});

export const PrincipalKindEnum = builder.enumType('PrincipalKind', {
  description: 'The kind of caller a token identifies.',
  values: ['STAFF', 'SERVICE_USER', 'PARTNER', 'OPERATOR'] as const,
});
