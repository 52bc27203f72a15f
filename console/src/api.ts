import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { currentSession } from './session';

/** One error entry of a GraphQL response, with the API's stable code. */
export interface ApiError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly code: string;
  /** BAD_USER_INPUT: the input refused, as its path in the operation's arguments (`['input', 'nature']`). */
  readonly field?: readonly string[];
  /** RATE_LIMITED: how long the API asks to wait before sending again. */
  readonly retryAfterSeconds?: number;
}

/** A response: the data (possibly partial: lists filter, fields refuse) and any errors, each with its code. */
export interface ApiResult<TResult> {
  readonly data: TResult | undefined;
  readonly errors: readonly ApiError[];
}

/** The API the console calls: the same origin's /graphql, unless the build names another. */
const endpoint = import.meta.env.VITE_CONFIDE_API_URL ?? '/graphql';

/**
 * Sends a typed document with the signed-in user's token. A network failure is an INTERNAL error, not a throw. A read
 * refused RATE_LIMITED is sent again once its wait is over (a screen reading each of many services shares the
 * organisation's limit with everyone else's); a change never is, the person decides.
 */
export async function execute<TResult, TVariables>(
  document: DocumentTypeDecoration<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<ApiResult<TResult>> {
  const send = () => sendOnce(document, variables);
  return isRead(String(document)) ? retriedWhenRateLimited(send, sleep) : send();
}

/** The longest wait, and how many times a read is sent in all, before its RATE_LIMITED answer is shown. */
export const RATE_LIMIT_RETRY = { maxWaitSeconds: 10, attempts: 3 } as const;

/**
 * Sends again, after the wait the API asks for (`retryAfterSeconds`, at most {@link RATE_LIMIT_RETRY}'s), a call
 * answered RATE_LIMITED, up to its attempts; any other answer, or the last, is returned as it is.
 */
export async function retriedWhenRateLimited<T extends { readonly errors: readonly ApiError[] }>(
  send: () => Promise<T>,
  wait: (seconds: number) => Promise<void>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await send();
    const limited = result.errors.find((error) => error.code === 'RATE_LIMITED');
    if (!limited || attempt >= RATE_LIMIT_RETRY.attempts) return result;
    await wait(Math.min(Math.max(limited.retryAfterSeconds ?? 1, 1), RATE_LIMIT_RETRY.maxWaitSeconds));
  }
}

/** Whether a document's operation is a query (the console's documents hold one operation each). */
export const isRead = (text: string): boolean => /^\s*(query\b|\{)/.test(text.replace(/^\s*#.*$/gm, ''));

const sleep = (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));

async function sendOnce<TResult, TVariables>(
  document: DocumentTypeDecoration<TResult, TVariables>,
  variables: TVariables | undefined,
): Promise<ApiResult<TResult>> {
  const session = currentSession();
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(session ? { authorization: `Bearer ${session.token}` } : {}),
      },
      body: JSON.stringify({ query: String(document), variables: variables ?? {} }),
    });
    const body = (await response.json()) as {
      data?: TResult | null;
      errors?: {
        message: string;
        path?: (string | number)[];
        extensions?: { code?: string; retryAfterSeconds?: number; [name: string]: unknown };
      }[];
    };
    return {
      data: body.data ?? undefined,
      errors: (body.errors ?? []).map((error) => {
        const field = inputPathOf(error.extensions);
        return {
          message: error.message,
          ...(error.path ? { path: error.path } : {}),
          code: error.extensions?.code ?? 'INTERNAL',
          ...(field ? { field } : {}),
          ...(typeof error.extensions?.retryAfterSeconds === 'number'
            ? { retryAfterSeconds: error.extensions.retryAfterSeconds }
            : {}),
        };
      }),
    };
  } catch {
    return {
      data: undefined,
      errors: [{ message: 'The Confide API could not be reached.', code: 'INTERNAL' }],
    };
  }
}

/**
 * The input an error names, as a path: `extensions.field` from the API's own checks (`["input", "nature"]`) or from a
 * variable's coercion (`"input.redactions[2]"`), else the argument of `extensions.argument`
 * (`"Mutation.placeLegalHold(reason:)"`). An input type's field there (`"ReportBreachInput.nature"`) is not a path.
 */
export function inputPathOf(extensions: Readonly<Record<string, unknown>> | undefined): string[] | undefined {
  const field = extensions?.field;
  if (Array.isArray(field)) return field.map(String);
  if (typeof field === 'string') return field.split(/[.[\]]+/).filter(Boolean);
  const argument = typeof extensions?.argument === 'string' ? /\((\w+):\)$/.exec(extensions.argument) : null;
  return argument?.[1] ? [argument[1]] : undefined;
}

/**
 * The first error's words for a person, by code: the API's own message only where it is about what was entered
 * (BAD_USER_INPUT, worded for people), never for refusals or faults, whose messages are terse.
 */
export function errorWords(errors: readonly ApiError[]): string | undefined {
  const first = errors[0];
  if (!first) return undefined;
  switch (first.code) {
    case 'UNAUTHENTICATED':
      return 'Your sign-in has expired. Sign in again.';
    case 'FORBIDDEN':
      return 'Your role does not allow this.';
    case 'NOT_FOUND':
      return 'This item no longer exists, or is not yours to see.';
    case 'CONFLICT':
      return 'Someone else changed this first. Reload to see it as it is now.';
    case 'CONSENT_REQUIRED':
      return 'Nothing authorises this yet: it needs a current consent that covers it, or another legal basis, and correspondence written by another organisation needs that author’s recorded authority.';
    case 'RATE_LIMITED':
      return 'Your organisation has sent too many requests just now. Wait a minute, then try again.';
    case 'UNTRUSTED_DOCUMENT':
      return 'This console is out of date. Reload the page, then try again.';
    case 'POLICY_NOT_ACKNOWLEDGED':
      return 'Sign the current confidentiality policy first.';
    case 'REPORT_TOO_LARGE':
      return 'There is too much to show at once. Choose a shorter period.';
    case 'BAD_USER_INPUT':
      return `Please check what you entered: ${first.message}`;
    default:
      return 'Something went wrong. Try again in a moment.';
  }
}
