import {
  type AccessPreset,
  ConfideError,
  ErrorCode,
  isIdOf,
  type OrgId,
  type Principal,
  unauthenticated,
} from '@confide/domain';
import type { ItemLoader, Organisation, StaffMember } from '@confide/store';
import { tenantScope } from '@confide/store';
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import { AppClientParameter } from './app-client-parameter';
import type { ConfideServices } from './services';

/** Who is calling, after the token was verified and the principal loaded from the table. */
export interface Authenticated {
  readonly principal: Principal;
  readonly organisation: Organisation | undefined;
  readonly staff: StaffMember | undefined;
}

export interface OrganisationSummary {
  readonly orgId: OrgId;
  readonly preset: AccessPreset;
}

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/;

/**
 * Whether a verified token was issued for this API. Cognito access tokens carry no `aud`: they name their app
 * client in `client_id`, with `token_use` `access`, and are accepted when that client is a configured one. Other
 * tokens (the local issuer's) must name the configured audience in `aud`. Only access tokens are accepted: an id
 * token (`token_use` `id`, whose `aud` is an app client) is meant for the client that signed in, not for APIs.
 */
function isForThisApi(claims: JWTPayload, auth: ConfideServices['config']['auth']): boolean {
  const tokenUse = claims.token_use;
  if (tokenUse !== undefined && tokenUse !== 'access') return false;
  const clientId = claims.client_id;
  if (tokenUse === 'access' && typeof clientId === 'string' && auth.clientIds.includes(clientId)) return true;
  if (auth.audience === undefined) return false;
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  return audiences.includes(auth.audience);
}

/**
 * The app client of a partner agency's client-credentials token, if the token is one (decision 0022): a Cognito
 * access token (app client ids configured) with no `org_id`, whose `sub` is its `client_id` and whose client is not
 * one CDK created. Such a client is accepted only if the platform registry binds it to a partner, which also names
 * its organisation: {@link Authenticator} reads that item for these tokens only.
 */
function agencyClientOf(claims: JWTPayload, auth: ConfideServices['config']['auth']): string | undefined {
  const clientId = claims.client_id;
  if (claims.token_use !== 'access' || typeof clientId !== 'string' || claims.sub !== clientId)
    return undefined;
  if (auth.clientIds.length === 0 || auth.clientIds.includes(clientId) || claims.org_id !== undefined) {
    return undefined;
  }
  return clientId;
}

/**
 * Verifies bearer tokens against the configured issuer's JWKS (Cognito in production, the local issuer
 * locally): signature, issuer, audience or app client, expiry. Then loads the principal from the table —
 * roles and status are never trusted from the token — and refuses offboarded organisations, deactivated staff and
 * operators without an ACTIVE operator record at once.
 */
export class Authenticator {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  /** Tokens already verified, oldest first (a Map keeps insertion order), each until its expiry. */
  readonly #verified = new Map<string, VerifiedToken>();
  /** The app clients named by the stage's parameter, read when first needed (decision 0107). */
  #appClients: AppClientParameter | undefined;

  constructor(private readonly services: ConfideServices) {
    this.#jwks = createRemoteJWKSet(new URL(services.config.auth.jwksUrl), { cacheMaxAge: 10 * 60 * 1000 });
  }

  async authenticate(authorization: string | null, loader?: ItemLoader): Promise<Authenticated> {
    return this.principalOf(await this.verify(authorization), loader);
  }

  /**
   * Checks the bearer token alone — signature, issuer, audience, expiry — with no table read. A token verified once
   * is remembered until it expires (the signature check is the larger part of its CPU); the principal is still read
   * from the table on every request ({@link principalOf}), so a deactivated account loses access at once.
   */
  async verify(authorization: string | null): Promise<VerifiedToken> {
    if (!authorization) throw unauthenticated();
    const match = BEARER.exec(authorization.trim());
    if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    const token = match[1];
    const remembered = this.#verified.get(token);
    if (remembered && !hasExpired(remembered.claims)) return remembered;
    this.#verified.delete(token);
    const verified: VerifiedToken = { claims: await this.#verify(token) };
    if (this.#verified.size >= VERIFIED_TOKENS_KEPT) {
      const oldest = this.#verified.keys().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    this.#verified.set(token, verified);
    return verified;
  }

  /**
   * The organisation a verified staff or service user token names, before the table has confirmed the caller: what
   * a request may start reading beside the login lookup (nothing is served until {@link principalOf} admits the
   * caller). Undefined for operators and partner agencies, whose organisation is not in the token.
   */
  claimedOrganisation(token: VerifiedToken): OrgId | undefined {
    const { claims } = token;
    const groups = claims['cognito:groups'];
    if (Array.isArray(groups) && groups.includes(this.services.config.auth.operatorGroup)) return undefined;
    if (agencyClientOf(claims, this.services.config.auth)) return undefined;
    const orgClaim = claims.org_id;
    return typeof orgClaim === 'string' && isIdOf('org', orgClaim) ? (orgClaim as OrgId) : undefined;
  }

  /**
   * The staff id a verified staff token names, beside {@link claimedOrganisation}: a staff member's own reads (their
   * caseload) may start with the login lookup; the principal read from the table decides whether they are served.
   */
  claimedStaff(token: VerifiedToken): string | undefined {
    return this.claimedOrganisation(token) ? staffIdClaim(token.claims) : undefined;
  }

  /** Starts fetching the issuer's signing keys (JWKS); a failure is met again, and reported, by the first verify. */
  prefetchSigningKeys(): void {
    this.#jwks.reload().catch(() => undefined);
  }

  /** The principal of a verified token, read from the table: through the request's loader when given. */
  principalOf(token: VerifiedToken, loader?: ItemLoader): Promise<Authenticated> {
    return this.#principalFor(token.claims, loader);
  }

  /**
   * Whether a user's Cognito access token names an app client of the stage's parameter (the governance console's,
   * decision 0107). A client-credentials token (`sub` = `client_id`) is a partner agency's, decided above.
   */
  async #namedByParameter(claims: JWTPayload): Promise<boolean> {
    const clientId = claims.client_id;
    if (claims.token_use !== 'access' || typeof clientId !== 'string' || claims.sub === clientId)
      return false;
    const parameter = this.services.config.auth.clientIdsParameter;
    if (!parameter) return false;
    this.#appClients ??= new AppClientParameter(parameter.name, {
      endpoint: parameter.endpoint,
      region: this.services.config.region,
      credentials: this.services.kms.config.credentials,
      sha256: this.services.kms.config.sha256,
    });
    try {
      return await this.#appClients.names(clientId);
    } catch {
      // Unread, the parameter accepts no one: the token is refused like any unknown client's (fail closed).
      return false;
    }
  }

  async #verify(token: string): Promise<JWTPayload> {
    const { auth } = this.services.config;
    try {
      // The audience is checked below: Cognito access tokens have none (see isForThisApi).
      const { payload } = await jwtVerify(token, this.#jwks, {
        issuer: auth.issuer,
        algorithms: ['RS256', 'ES256'],
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (issuedInTheFuture(payload)) throw unauthenticated('The token is invalid or has expired.');
      if (isForThisApi(payload, auth) || agencyClientOf(payload, auth)) return payload;
      if (await this.#namedByParameter(payload)) return payload;
    } catch (error) {
      if (!(error instanceof joseErrors.JOSEError)) throw error;
    }
    throw unauthenticated('The token is invalid or has expired.');
  }

  /** The organisation a partner agency's app client is bound to; an unbound client is not for this API. */
  async #agencyOrganisation(clientId: string): Promise<OrgId> {
    const binding = await this.services.partners.clientBinding(clientId);
    if (!binding) throw unauthenticated('The token is invalid or has expired.');
    return binding.orgId;
  }

  async #principalFor(claims: JWTPayload, loader: ItemLoader | undefined): Promise<Authenticated> {
    const subject = claims.sub;
    if (!subject) throw unauthenticated();
    const groups = claims['cognito:groups'];
    if (Array.isArray(groups) && groups.includes(this.services.config.auth.operatorGroup)) {
      // The group is necessary, not sufficient: only a stored ACTIVE operator record admits (decision 0026).
      if (!(await this.services.operators.isActive(subject))) {
        throw unauthenticated('This account is not active.');
      }
      return {
        principal: { kind: 'OPERATOR', operatorId: subject },
        organisation: undefined,
        staff: undefined,
      };
    }
    const agencyClient = agencyClientOf(claims, this.services.config.auth);
    const orgId = agencyClient ? await this.#agencyOrganisation(agencyClient) : orgIdClaim(claims);
    // A staff token names its staff id (`staff_id`, decision 0020): that item then comes in the same batch as the
    // organisation and identity link, and is used only if the link — not the token — says it is this subject's.
    const staffHint = staffIdClaim(claims);
    const {
      organisation,
      identity,
      staff: hinted,
    } = await this.services.directory.organisationAndIdentity(orgId, subject, staffHint, loader);
    if (organisation?.status !== 'ACTIVE' || !identity || (agencyClient && identity.kind !== 'PARTNER')) {
      throw unauthenticated('This account is not active.');
    }
    if (staffHint && (identity.kind !== 'STAFF' || identity.principalId !== staffHint)) {
      throw unauthenticated('The token is invalid or has expired.');
    }
    switch (identity.kind) {
      case 'STAFF': {
        const staff =
          hinted ?? (await this.services.directory.staff(tenantScope(orgId), identity.principalId));
        if (staff?.status !== 'ACTIVE') throw unauthenticated('This account is not active.');
        return {
          principal: { kind: 'STAFF', orgId, staffId: staff.staffId, roles: staff.roles },
          organisation,
          staff,
        };
      }
      case 'SERVICE_USER':
        return {
          principal: { kind: 'SERVICE_USER', orgId, serviceUserId: identity.principalId },
          organisation,
          staff: undefined,
        };
      case 'PARTNER':
        // A partner agency's token is a client-credentials token granted the partner scope (its app client's only
        // scope): a token of the same subject without it was not issued for a partner's use of this API.
        if (!scopesOf(claims).includes(this.services.config.auth.partnerScope)) {
          throw unauthenticated('The token is invalid or has expired.');
        }
        return {
          principal: { kind: 'PARTNER', orgId, partnerId: identity.principalId },
          organisation,
          staff: undefined,
        };
      default:
        throw new ConfideError(ErrorCode.INTERNAL, 'Unknown principal kind.');
    }
  }
}

/** A bearer token whose signature, issuer, audience and expiry were checked; its principal is not yet known. */
export interface VerifiedToken {
  readonly claims: JWTPayload;
}

/** How many verified tokens a process remembers: a warm Lambda serves far fewer distinct callers. */
const VERIFIED_TOKENS_KEPT = 1000;

/** A remembered token is used only while it has not expired (jose checked `exp` when it was verified). */
function hasExpired(claims: JWTPayload): boolean {
  return typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000;
}

/** Clock skew allowed between the token issuer and this server. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** A token that says it was issued later than now (beyond the skew) was not issued by a sound issuer. */
function issuedInTheFuture(claims: JWTPayload): boolean {
  return typeof claims.iat !== 'number' || claims.iat > Date.now() / 1000 + MAX_CLOCK_SKEW_SECONDS;
}

/** The OAuth scopes a token carries (`scope`, space-separated, as Cognito writes it). */
function scopesOf(claims: JWTPayload): string[] {
  return typeof claims.scope === 'string' ? claims.scope.split(' ').filter((scope) => scope !== '') : [];
}

/** The staff id a token names, if it names a well-formed one; anything else is treated as no hint. */
function staffIdClaim(claims: JWTPayload): string | undefined {
  const staffId = claims.staff_id;
  return typeof staffId === 'string' && isIdOf('staff', staffId) ? staffId : undefined;
}

function orgIdClaim(claims: JWTPayload): OrgId {
  const orgClaim = claims.org_id;
  if (typeof orgClaim !== 'string' || !isIdOf('org', orgClaim)) throw unauthenticated();
  return orgClaim as OrgId;
}
