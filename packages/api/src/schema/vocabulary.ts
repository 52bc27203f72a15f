import { ACCESS_PRESETS, CLASSIFICATIONS, ErrorCode, RELATIONSHIPS, ROLES } from '@confide/domain';
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

/**
 * What each error code means to a client. Keyed by the domain's `ErrorCode` (packages/domain/src/errors.ts): a code
 * added there without a line here fails type-checking, so the SDL enum cannot drift from what the server sends.
 */
const ERROR_CODE_MEANINGS: { readonly [Code in ErrorCode]: string } = {
  UNAUTHENTICATED: 'No valid bearer token (HTTP 401). Sign in again.',
  FORBIDDEN: 'The caller may not do this. Nothing was changed.',
  NOT_FOUND:
    'No such record, or the caller has no relationship to it (existence is never confirmed). Nothing was changed.',
  JUSTIFICATION_REQUIRED:
    'The fields read need a stated purpose (`@purpose(reason:)` or the X-Access-Purpose header); `extensions` lists them.',
  POLICY_NOT_ACKNOWLEDGED: "The caller has not yet acknowledged the organisation's confidentiality policy.",
  CONSENT_REQUIRED: "The service user's recorded consent does not cover this; nothing was shared or changed.",
  CONFLICT: 'The record was changed by someone else; reload it and try again.',
  APPROVAL_REQUIRED:
    'A change one person may not make alone: recorded as pending (`extensions.approvalId`); it takes effect when a second person approves it.',
  BAD_USER_INPUT:
    'The request or an argument is invalid; `extensions.field` (or `variable`, `protection`) says where. Nothing was changed.',
  EXPORT_REQUIRED:
    "Offboarding before the organisation's records were exported (or the export waived with a reason).",
  UNTRUSTED_DOCUMENT:
    'This stage runs registered documents only, and the document (or its id) is not registered.',
  RATE_LIMITED:
    "Too many requests from the caller's organisation (HTTP 429); `extensions.retryAfterSeconds` says when to retry.",
  REPORT_TOO_LARGE:
    'The report would cover more than it may at once; `extensions.limit` says the bound (e.g. staff members in a heat-map). Narrow it (a service, a shorter period) and ask again.',
  GRAPHQL_PARSE_FAILED: 'The document does not parse.',
  GRAPHQL_VALIDATION_FAILED:
    'The document does not validate against the schema (unknown field, wrong argument).',
  INTERNAL:
    'Something went wrong on the server. A change may have been made in part or in whole: read the record again before retrying.',
};

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description:
    'The stable codes of `errors[].extensions.code`. Every error the API sends carries exactly one of these (generated from the domain error codes).',
  values: Object.fromEntries(
    Object.values(ErrorCode).map((code) => [code, { description: ERROR_CODE_MEANINGS[code] }]),
  ) as { [Code in ErrorCode]: { description: string } },
});
