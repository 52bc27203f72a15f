import type { TypedDocumentString } from './gql/graphql';

/**
 * A small typed client for Confide, as a partner front-end might write one. Operations come from
 * `schema/examples/worker-day.graphql` through GraphQL Code Generator (see ../codegen.ts), so each call's variables
 * and result are typed from the published SDL. On the wire it sends the registered document's id and the operation's
 * name (decision 0036): a stage that runs trusted documents only accepts nothing else, and the registered document is
 * the whole example file, so the generated per-operation text is never sent.
 */

/** A GraphQL error as Confide sends it: `extensions.code` is the stable part (FORBIDDEN, NOT_FOUND, CONFLICT, …). */
export interface ConfideGraphqlError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly [key: string]: unknown };
}

/** A result: data (fields the caller may not read are null) and the per-path errors that explain them. */
export interface ConfideResult<TResult> {
  readonly data: TResult | null;
  readonly errors: readonly ConfideGraphqlError[];
}

/** The request failed as a whole (no data): refused document, bad token, rate limit, … */
export class ConfideRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly ConfideGraphqlError[],
  ) {
    super(errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
    this.name = 'ConfideRequestError';
  }
}

export interface ConfideClientOptions {
  /** The API's GraphQL endpoint, e.g. `https://api.example.org/graphql`. */
  readonly url: string;
  /** The caller's bearer token (a staff member's, from the partner's sign-in). */
  readonly token: string;
  /** Registered document ids by operation name ({@link registeredDocumentIds}). */
  readonly documentIds: ReadonlyMap<string, string>;
  /** Why the caller reads (`X-Access-Purpose`), when the operation asks for one. */
  readonly purpose?: string;
  /** The fetch to use (a test passes the server's own). */
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/** The manifest `npm run schema:print` writes (`schema/trusted-documents.json`). */
export interface TrustedDocumentManifest {
  readonly documents: Readonly<Record<string, { readonly file: string; readonly text: string }>>;
}

const OPERATION = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g;

/** Each registered operation's document id, by operation name. */
export function registeredDocumentIds(manifest: TrustedDocumentManifest): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [id, document] of Object.entries(manifest.documents)) {
    for (const match of document.text.matchAll(OPERATION)) if (match[1]) ids.set(match[1], id);
  }
  return ids;
}

/** The operation a generated document runs (its first operation's name). */
export function operationNameOf(document: TypedDocumentString<unknown, unknown>): string {
  const name = [...document.toString().matchAll(OPERATION)][0]?.[1];
  if (!name) throw new Error('The document names no operation.');
  return name;
}

/** Variables are optional only for an operation whose variables are all optional. */
type VariablesArgument<TVariables> =
  Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

/** Runs one generated operation: typed variables in, typed data out. */
export async function execute<TResult, TVariables>(
  options: ConfideClientOptions,
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: VariablesArgument<TVariables>
): Promise<ConfideResult<TResult>> {
  const operationName = operationNameOf(document as TypedDocumentString<unknown, unknown>);
  const documentId = options.documentIds.get(operationName);
  if (!documentId) throw new Error(`${operationName} is not a registered operation.`);
  const response = await (options.fetch ?? fetch)(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${options.token}`,
      ...(options.purpose ? { 'x-access-purpose': options.purpose } : {}),
    },
    body: JSON.stringify({ documentId, operationName, variables: variables ?? {} }),
  });
  const body = (await response.json()) as { data?: TResult | null; errors?: ConfideGraphqlError[] };
  if (body.data === undefined || body.data === null) {
    throw new ConfideRequestError(response.status, body.errors ?? []);
  }
  return { data: body.data, errors: body.errors ?? [] };
}
