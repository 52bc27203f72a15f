/**
 * The vocabulary of ACCESS-MODEL.md: roles, relationships, classifications and presets. Pure data, shared by
 * the policy engine, the schema and the store.
 */
export const ROLES = [
  'SUPPORT_WORKER',
  'VOLUNTEER',
  'TEAM_LEADER',
  'SERVICE_MANAGER',
  'SENIOR_MANAGER',
  'CHIEF_EXECUTIVE',
  'CALDICOTT_GUARDIAN',
  'SAFEGUARDING_LEAD',
  'IG_LEAD',
  'ADMINISTRATOR',
  'HR_OFFICER',
  'ORG_ADMIN',
] as const;
export type Role = (typeof ROLES)[number];

export const RELATIONSHIPS = [
  'ALLOCATED',
  'MANAGES_SERVICE',
  'QA_REVIEW',
  'INVESTIGATION',
  'ORG_WIDE',
  'EMERGENCY',
  'SELF',
  'NONE',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export const CLASSIFICATIONS = [
  'PSEUDONYMOUS',
  'IDENTIFYING',
  'CONTACT',
  'CARE',
  'HEALTH',
  'FINANCE',
  'SAFEGUARDING',
  'CONSENT',
  'STAFF_PERSONAL',
] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const ACCESS_PRESETS = ['STRICT', 'GROUP_WIDE'] as const;
export type AccessPreset = (typeof ACCESS_PRESETS)[number];

/**
 * Why a staff member opened break-glass (EMERGENCY) access to one client (ACCESS-MODEL.md, Break-glass). OTHER
 * needs free text, kept with the grant. Only IMMINENT_DANGER and SAFEGUARDING open sealed items.
 */
export const EMERGENCY_REASONS = [
  'IMMINENT_DANGER',
  'MEDICAL_EMERGENCY',
  'SAFEGUARDING',
  'LEGAL_REQUIREMENT',
  'OTHER',
] as const;
export type EmergencyReason = (typeof EMERGENCY_REASONS)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
