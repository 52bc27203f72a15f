/**
 * The stable error codes of the API. Every domain error carries one; the GraphQL layer copies it to
 * `extensions.code`. Anything that is not a {@link ConfideError} is masked as `INTERNAL`.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  JUSTIFICATION_REQUIRED: 'JUSTIFICATION_REQUIRED',
  POLICY_NOT_ACKNOWLEDGED: 'POLICY_NOT_ACKNOWLEDGED',
  CONSENT_REQUIRED: 'CONSENT_REQUIRED',
  CONFLICT: 'CONFLICT',
  /** A change one person may not make alone: recorded as pending, it takes effect when a second person approves. */
  APPROVAL_REQUIRED: 'APPROVAL_REQUIRED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** Offboarding before the organisation's records were exported to it (or the export waived, with a reason). */
  EXPORT_REQUIRED: 'EXPORT_REQUIRED',
  /** A stage that runs registered documents only got a document (or id) that is not registered (decision 0036). */
  UNTRUSTED_DOCUMENT: 'UNTRUSTED_DOCUMENT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A report would cover more than it may at once (e.g. too many staff for a heat-map); narrow it and ask again. */
  REPORT_TOO_LARGE: 'REPORT_TOO_LARGE',
  /** The document does not parse (graphql-js and yoga send this; part of the contract since the first release). */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** The document parses but does not validate against the schema (unknown field, wrong argument type). */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ConfideErrorOptions {
  /** Input path of the offending argument, for `BAD_USER_INPUT` (e.g. `['input', 'nhsNumber']`). */
  readonly field?: readonly string[];
  /** Extra, non-personal detail for the client (e.g. the fields that need a purpose). */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * A failure the caller is meant to see. Messages must never contain personal data: they are returned to
 * clients and may be logged.
 */
export class ConfideError extends Error {
  readonly code: ErrorCode;
  readonly field: readonly string[] | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: ConfideErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'ConfideError';
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }
}

export const unauthenticated = (message = 'A valid bearer token is required.') =>
  new ConfideError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message = 'You are not allowed to do this.') =>
  new ConfideError(ErrorCode.FORBIDDEN, message);

/** Also used where the caller has no relationship to a record: existence is never confirmed. */
export const notFound = (what = 'Record') => new ConfideError(ErrorCode.NOT_FOUND, `${what} not found.`);

export const badInput = (field: readonly string[], message: string) =>
  new ConfideError(ErrorCode.BAD_USER_INPUT, message, { field });

export const conflict = (message = 'The record was changed by someone else; reload it and try again.') =>
  new ConfideError(ErrorCode.CONFLICT, message);

export const internal = (cause?: unknown) =>
  new ConfideError(
    ErrorCode.INTERNAL,
    'Something went wrong on the server; read the record again before retrying.',
    { cause },
  );

export function isConfideError(error: unknown): error is ConfideError {
  return error instanceof ConfideError;
}
