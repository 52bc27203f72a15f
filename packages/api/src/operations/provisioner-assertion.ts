import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GenerateMacCommand, KMSInvalidMacException, VerifyMacCommand } from '@aws-sdk/client-kms';
import type { ConfideServices } from '../services';

/**
 * Provisioner assertions (issue 14, side door 4). The provisioner acts on a tenant (invites a staff member,
 * binds a partner's app client) or retires one (offboarding) only when the event carries an assertion the api
 * signed for exactly that request: an authenticated ORG_ADMIN of that organisation (or, for offboarding, a
 * second operator approving a first one's request). It names the organisation, the action, the staff member or
 * partner acted on, the actor, a digest of the whole input (so the address an invitation goes to cannot be
 * swapped), an expiry at most five minutes away and a nonce the provisioner accepts once.
 *
 * Signed with a MAC whose key only the api and the provisioner hold: a KMS HMAC key in AWS (the api may only
 * generate, the provisioner only verify), a secret in the local stack's configuration locally. Whoever can invoke
 * the provisioner, without that key, can no longer act on a tenant.
 */

/** The provisioner actions an assertion can authorise. */
export type AssertedAction =
  | 'onboard'
  | 'offboard'
  | 'inviteStaff'
  | 'disableStaffSignIn'
  | 'enableStaffSignIn'
  | 'disableOperatorSignIn'
  | 'registerPartnerClient';

/** How long an assertion the api signs stays valid; the provisioner accepts at most five minutes. */
export const ASSERTION_LIFETIME_SECONDS = 120;
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Clock skew tolerated between the api and the provisioner. */
const SKEW_SECONDS = 30;
const CONTEXT = 'confide.provisioner-assertion.v1.';

export interface AssertionActor {
  readonly kind: 'STAFF' | 'OPERATOR';
  readonly id: string;
}

/** What an assertion says. */
export interface AssertionClaims {
  readonly v: 1;
  readonly org: string;
  readonly action: AssertedAction;
  /** The staff member, partner or (offboarding) the operator who asked first. */
  readonly target: string;
  readonly actor: AssertionActor;
  /** SHA-256 of the event's input, canonical JSON (keys sorted), base64url. */
  readonly digest: string;
  /** Issued at / expires at, seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  readonly nonce: string;
}

/** Why an assertion was refused: logged and audited (never the assertion or the input themselves). */
export type AssertionRefusal =
  | 'missing'
  | 'unconfigured'
  | 'malformed'
  | 'signature'
  | 'expired'
  | 'organisation'
  | 'action'
  | 'target'
  | 'input'
  | 'replayed';

/** The MAC both sides compute. */
export interface AssertionMac {
  mac(message: Uint8Array): Promise<Uint8Array>;
  verify(message: Uint8Array, mac: Uint8Array): Promise<boolean>;
}

class SecretMac implements AssertionMac {
  readonly #key: Buffer;
  constructor(secret: string) {
    this.#key = Buffer.from(secret, 'utf8');
  }
  async mac(message: Uint8Array) {
    return createHmac('sha256', this.#key).update(message).digest();
  }
  async verify(message: Uint8Array, mac: Uint8Array) {
    const expected = await this.mac(message);
    return expected.length === mac.length && timingSafeEqual(expected, mac);
  }
}

class KmsMac implements AssertionMac {
  constructor(
    private readonly services: ConfideServices,
    private readonly keyId: string,
  ) {}
  async mac(message: Uint8Array) {
    const answer = await this.services.kms.send(
      new GenerateMacCommand({ KeyId: this.keyId, MacAlgorithm: 'HMAC_SHA_256', Message: message }),
    );
    if (!answer.Mac) throw new Error('KMS answered no MAC.');
    return answer.Mac;
  }
  async verify(message: Uint8Array, mac: Uint8Array) {
    try {
      const answer = await this.services.kms.send(
        new VerifyMacCommand({ KeyId: this.keyId, MacAlgorithm: 'HMAC_SHA_256', Message: message, Mac: mac }),
      );
      return answer.MacValid === true;
    } catch (error) {
      if (error instanceof KMSInvalidMacException) return false;
      throw error;
    }
  }
}

const macs = new WeakMap<ConfideServices, AssertionMac | null>();

/** The MAC these services sign and verify with, or undefined when none is configured (then nothing is signed). */
export function assertionMac(services: ConfideServices): AssertionMac | undefined {
  let mac = macs.get(services);
  if (mac === undefined) {
    const { kmsKeyId, secret } = services.config.provisionerAssertion ?? {};
    mac = kmsKeyId ? new KmsMac(services, kmsKeyId) : secret ? new SecretMac(secret) : null;
    macs.set(services, mac);
  }
  return mac ?? undefined;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The digest of an event's input an assertion binds. */
export function inputDigest(input: unknown): string {
  return createHash('sha256').update(canonical(input)).digest('base64url');
}

const encoder = new TextEncoder();

/** What an assertion is for: the api signs it, the provisioner checks the event against it. */
export interface AssertionRequest {
  readonly organisationId: string;
  readonly action: AssertedAction;
  readonly target: string;
  readonly input: unknown;
}

/** Signs an assertion for one provisioner request. Throws when no key is configured (a fault: fail closed). */
export async function signAssertion(
  services: ConfideServices,
  request: AssertionRequest & { readonly actor: AssertionActor },
  options: { mac?: AssertionMac; lifetimeSeconds?: number; now?: Date } = {},
): Promise<string> {
  const mac = options.mac ?? assertionMac(services);
  if (!mac) throw new Error('No provisioner assertion key is configured.');
  const iat = Math.floor((options.now ?? services.clock.now()).getTime() / 1000);
  const claims: AssertionClaims = {
    v: 1,
    org: request.organisationId,
    action: request.action,
    target: request.target,
    actor: { kind: request.actor.kind, id: request.actor.id },
    digest: inputDigest(request.input),
    iat,
    exp: iat + (options.lifetimeSeconds ?? ASSERTION_LIFETIME_SECONDS),
    nonce: randomBytes(18).toString('base64url'),
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const signature = await mac.mac(encoder.encode(CONTEXT + payload));
  return `${payload}.${Buffer.from(signature).toString('base64url')}`;
}

function claimsOf(value: unknown): AssertionClaims | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const claims = value as Record<string, unknown>;
  const actor = claims.actor as Record<string, unknown> | undefined;
  const ok =
    claims.v === 1 &&
    typeof claims.org === 'string' &&
    typeof claims.action === 'string' &&
    typeof claims.target === 'string' &&
    typeof claims.digest === 'string' &&
    typeof claims.iat === 'number' &&
    typeof claims.exp === 'number' &&
    typeof claims.nonce === 'string' &&
    claims.nonce.length >= 16 &&
    typeof actor === 'object' &&
    actor !== null &&
    (actor.kind === 'STAFF' || actor.kind === 'OPERATOR') &&
    typeof actor.id === 'string';
  return ok ? (claims as unknown as AssertionClaims) : undefined;
}

export type AssertionCheck =
  | { readonly ok: true; readonly claims: AssertionClaims }
  | { readonly ok: false; readonly reason: AssertionRefusal; readonly claims?: AssertionClaims };

/**
 * Checks an event's assertion against what the event asks for: the signature, the expiry, the organisation,
 * action, target and input, and finally that its nonce was never used (a replay is refused).
 */
export async function verifyAssertion(
  services: ConfideServices,
  assertion: string | undefined,
  request: AssertionRequest,
): Promise<AssertionCheck> {
  if (!assertion) return { ok: false, reason: 'missing' };
  const mac = assertionMac(services);
  if (!mac) return { ok: false, reason: 'unconfigured' };
  const [payload, signature, ...rest] = assertion.split('.');
  if (!payload || !signature || rest.length > 0 || assertion.length > 2048) {
    return { ok: false, reason: 'malformed' };
  }
  const valid = await mac.verify(encoder.encode(CONTEXT + payload), Buffer.from(signature, 'base64url'));
  if (!valid) return { ok: false, reason: 'signature' };
  let claims: AssertionClaims | undefined;
  try {
    claims = claimsOf(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    claims = undefined;
  }
  if (!claims) return { ok: false, reason: 'malformed' };
  const now = Math.floor(services.clock.now().getTime() / 1000);
  if (
    claims.exp <= now ||
    claims.iat > now + SKEW_SECONDS ||
    claims.exp - claims.iat > MAX_ASSERTION_LIFETIME_SECONDS
  ) {
    return { ok: false, reason: 'expired', claims };
  }
  if (claims.org !== request.organisationId) return { ok: false, reason: 'organisation', claims };
  if (claims.action !== request.action) return { ok: false, reason: 'action', claims };
  if (claims.target !== request.target) return { ok: false, reason: 'target', claims };
  if (claims.digest !== inputDigest(request.input)) return { ok: false, reason: 'input', claims };
  if (!(await services.platformAudit.useAssertion(claims.nonce, new Date(claims.exp * 1000)))) {
    return { ok: false, reason: 'replayed', claims };
  }
  return { ok: true, claims };
}

/** Who the provisioner records as acting when an operator invoked it directly (no assertion). */
export const DIRECT_INVOCATION: AssertionActor & { kind: 'OPERATOR' } = {
  kind: 'OPERATOR',
  id: 'direct-invocation',
};
