import { ErrorCode } from '@confide/domain';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RateLimitConfig } from './config';
import type { ConfideContext } from './context';

/** Buckets kept at most; full (idle) buckets are dropped first, since a full bucket equals no bucket. */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type TakeResult =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Token buckets keyed by organisation: each holds up to `burst` tokens and refills at `requestsPerSecond`; a
 * request takes one token or is refused. In-process state: in AWS every Lambda container holds its own buckets, so
 * the effective limit is per container, and API Gateway's stage throttling is the global backstop.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: RateLimitConfig,
    /** Milliseconds from a monotonic clock. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(key: string): TakeResult {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.config.burst, updatedAt: now };
    const refilled = Math.min(
      this.config.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.config.requestsPerSecond,
    );
    bucket.updatedAt = now;
    if (refilled >= 1) {
      bucket.tokens = refilled - 1;
      this.#remember(key, bucket);
      return { allowed: true };
    }
    bucket.tokens = refilled;
    this.#remember(key, bucket);
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - refilled) / this.config.requestsPerSecond)),
    };
  }

  /**
   * Gives back a token taken for a request that turned out not to be the organisation's (its account refused once
   * read): a deactivated account's still-valid token must not spend its former organisation's requests.
   */
  giveBack(key: string): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.config.burst, bucket.tokens + 1);
  }

  /** Number of buckets held (for tests). */
  get size(): number {
    return this.#buckets.size;
  }

  #remember(key: string, bucket: Bucket): void {
    if (!this.#buckets.has(key) && this.#buckets.size >= MAX_BUCKETS) this.#evict();
    this.#buckets.set(key, bucket);
  }

  #evict(): void {
    const now = this.now();
    for (const [key, bucket] of this.#buckets) {
      const tokens = bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.config.requestsPerSecond;
      if (tokens >= this.config.burst) this.#buckets.delete(key);
    }
    // Everyone is busy: forget the oldest (insertion order), which at worst gives it a fresh burst.
    if (this.#buckets.size >= MAX_BUCKETS) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
  }
}

/** The `RATE_LIMITED` error (HTTP 429 with `Retry-After`). */
export function rateLimitedError(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests from your organisation; try again in ${retryAfterSeconds} s.`, {
    extensions: {
      code: ErrorCode.RATE_LIMITED,
      retryAfterSeconds,
      http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
    },
  });
}

/**
 * Applies the per-organisation limit before execution, to the organisation the caller's verified token names: a
 * request over its organisation's limit is answered `RATE_LIMITED` without being executed, while other
 * organisations are served normally. A request whose account is then refused gives its token back. Requests without an organisation — unauthenticated
 * ones, which fail on their own, and platform operators — are not counted. `undefined` turns the limit off.
 */
export function rateLimitPlugin(
  config: RateLimitConfig | undefined,
  buckets: TokenBuckets | undefined = config ? new TokenBuckets(config) : undefined,
): Plugin<ConfideContext> {
  if (!buckets) return {};
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue;
      // A staff or service user token names its organisation, verified with its signature: counted at once, so that
      // the request's reads start beside its login lookup. A partner agency's organisation is known only once its
      // binding is read, so its requests wait for their authentication first.
      let orgId = context.claimedOrgId;
      if (!orgId) {
        await context.authenticating;
        const principal = context.auth?.principal;
        if (!principal || principal.kind === 'OPERATOR') return;
        orgId = principal.orgId;
      }
      const taken = buckets.take(orgId);
      if (!taken.allowed) {
        setResultAndStopExecution({ errors: [rateLimitedError(taken.retryAfterSeconds)] });
        return;
      }
      if (orgId === context.claimedOrgId) {
        // Counted on the token's word: once the account is read, a caller who is not (or no longer) a member of
        // that organisation gets the token back, so their requests never cost the organisation its limit.
        const claimed = orgId;
        void context.authenticating.then(() => {
          const principal = context.auth?.principal;
          if (!principal || principal.kind === 'OPERATOR' || principal.orgId !== claimed) {
            buckets.giveBack(claimed);
          }
        });
      }
    },
  };
}
