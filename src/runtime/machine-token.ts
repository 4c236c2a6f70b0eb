import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { checkKeysUrl, SignInError, type TokenClaims } from './alb-token';
import type { User } from './auth';

/*
 * Machine callers (`auth.machine` in `.projenrc.ts`): scripts and services send `Authorization: Bearer <JWT>` from
 * their own identity provider. The load balancer's listener rule for `/api/*` with a bearer token verifies it
 * (RS256 with the provider's key set, `iss`, `exp`, `nbf`/`iat`, the audience and claims) and forwards it as it is.
 * The function verifies it again, fully, signature included, before a handler sees `c.var.user`:
 * - the function's invoke permission admits the load balancing service with the account as its condition (the target
 *   group's ARN would be a cycle), so another load balancer of the account, or anyone allowed lambda:InvokeFunction,
 *   can hand it a request that no listener rule checked; the browser sign-in's header is verified for the same reason;
 * - it costs one key set fetch per cold start (kept, refetched for an unknown `kid` at most once a minute) and an
 *   RS256 check per request (tens of microseconds);
 * - a forged token must then pass both, and the handler's view never depends on a listener rule staying as written.
 * The additional claims are the load balancer's to check (`HYBRID_MACHINE_*` carries the audience only): the
 * handlers find every claim in `c.var.user.claims`.
 */

/** Where machine tokens come from: the function's HYBRID_MACHINE_ISSUER, HYBRID_MACHINE_JWKS_URL, HYBRID_MACHINE_AUDIENCE. */
export interface MachineSettings {
  /** The tokens' `iss`, exactly. */
  readonly issuer: string;
  /** The provider's key set (JWKS): https, or http on loopback for the dev server and tests. */
  readonly jwksUrl: string;
  /** The `aud` a token must carry (a string equal to it, or a list holding it), if any. */
  readonly audience?: string;
}

/** Machine callers' settings from the environment; undefined when off. Half set, or a key set that is not HTTPS (loopback aside), is an error. */
export function machineSettings(env: NodeJS.ProcessEnv = process.env): MachineSettings | undefined {
  const issuer = env.HYBRID_MACHINE_ISSUER;
  const jwksUrl = env.HYBRID_MACHINE_JWKS_URL;
  if (!issuer && !jwksUrl) return undefined;
  if (!issuer || !jwksUrl) throw new Error('HYBRID_MACHINE_ISSUER and HYBRID_MACHINE_JWKS_URL are set together, or neither');
  checkKeysUrl('HYBRID_MACHINE_JWKS_URL', jwksUrl);
  return { issuer, jwksUrl, ...(env.HYBRID_MACHINE_AUDIENCE ? { audience: env.HYBRID_MACHINE_AUDIENCE } : {}) };
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^bearer[ \t]+([A-Za-z0-9_.~+/=-]+)[ \t]*$/i.exec(header);
  return match?.[1];
}

export interface MachineVerifierOptions {
  /** Seconds of clock difference allowed around `exp`, `nbf` and `iat`. @default 30 */
  readonly clockToleranceSeconds?: number;
  /** How long a fetch of the key set may take. @default 3_000 */
  readonly fetchTimeoutMs?: number;
  /** How long the key set is kept before it is fetched again. @default 600_000 */
  readonly keySetTtlMs?: number;
  /** The least time between two fetches for an unknown `kid` (a flood of forged ids is one fetch). @default 60_000 */
  readonly refetchIntervalMs?: number;
}

const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Access tokens are a few kilobytes; anything much larger is not one. */
const MAX_TOKEN_LENGTH = 16 * 1024;

/** Verifies machine callers' tokens as the load balancer does: RS256 with the provider's key set, `iss`, `exp`, `nbf`, `iat`, the audience. */
export class MachineTokenVerifier {
  private readonly tolerance: number;
  private readonly fetchTimeoutMs: number;
  private readonly keySetTtlMs: number;
  private readonly refetchIntervalMs: number;
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private pending?: Promise<void>;

  constructor(private readonly settings: MachineSettings, options: MachineVerifierOptions = {}) {
    this.tolerance = options.clockToleranceSeconds ?? 30;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 3_000;
    this.keySetTtlMs = options.keySetTtlMs ?? 600_000;
    this.refetchIntervalMs = options.refetchIntervalMs ?? 60_000;
  }

  /** The caller, or a `SignInError` (401 for a bad token, 503 when the key set cannot be had). */
  public async verify(token: string): Promise<User> {
    if (token.length > MAX_TOKEN_LENGTH || !TOKEN.test(token)) throw new SignInError('bearer token is not a compact JWS');
    const [headerSegment, claimsSegment, signatureSegment] = token.split('.');
    const header = decode(headerSegment, 'header');
    if (header.alg !== 'RS256') throw new SignInError(`bearer token alg ${String(header.alg)}, not RS256`);
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const key = await this.keyFor(kid);
    const signed = verifySignature('RSA-SHA256', Buffer.from(`${headerSegment}.${claimsSegment}`), key, Buffer.from(signatureSegment, 'base64url'));
    if (!signed) throw new SignInError('bearer token signature does not verify');
    const claims = decode(claimsSegment, 'claims') as TokenClaims;
    this.checkClaims(claims);
    return toMachineUser(claims);
  }

  private checkClaims(claims: TokenClaims): void {
    const now = Date.now() / 1000;
    if (claims.iss !== this.settings.issuer) throw new SignInError(`bearer token issuer ${String(claims.iss)}, not ${this.settings.issuer}`);
    if (typeof claims.exp !== 'number') throw new SignInError('bearer token has no exp');
    if (claims.exp + this.tolerance < now) throw new SignInError('bearer token expired');
    for (const name of ['nbf', 'iat']) {
      const value = claims[name];
      if (value === undefined) continue;
      if (typeof value !== 'number') throw new SignInError(`bearer token ${name} is not a number`);
      if (value - this.tolerance > now) throw new SignInError(`bearer token ${name} is in the future`);
    }
    const audience = this.settings.audience;
    if (audience !== undefined) {
      const aud = claims.aud;
      const holds = aud === audience || (Array.isArray(aud) && aud.includes(audience));
      if (!holds) throw new SignInError(`bearer token audience ${JSON.stringify(aud)}, not ${audience}`);
    }
  }

  /** The RSA key of `kid` (or the only key, for a token without one), from the kept key set or a new fetch. */
  private async keyFor(kid: string | undefined): Promise<KeyObject> {
    const stale = Date.now() - this.fetchedAt > this.keySetTtlMs;
    const find = () => (kid === undefined ? (this.keys.size === 1 ? [...this.keys.values()][0] : undefined) : this.keys.get(kid));
    if (stale) await this.refresh();
    let key = find();
    if (!key && !stale && Date.now() - this.fetchedAt > this.refetchIntervalMs) {
      // The provider may have rotated its keys since the last fetch.
      await this.refresh();
      key = find();
    }
    if (!key) throw new SignInError(`bearer token key id ${String(kid)} is not in the key set`);
    return key;
  }

  private refresh(): Promise<void> {
    this.pending ??= this.fetchKeys().finally(() => { this.pending = undefined; });
    return this.pending;
  }

  private async fetchKeys(): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.settings.jwksUrl, { signal: AbortSignal.timeout(this.fetchTimeoutMs) });
    } catch (error) {
      throw new SignInError(`key set unreachable: ${(error as Error).message}`, 503);
    }
    if (!response.ok) throw new SignInError(`key set answered ${response.status}`, 503);
    let body: { keys?: unknown };
    try {
      body = await response.json() as { keys?: unknown };
    } catch {
      throw new SignInError('key set is not JSON', 503);
    }
    if (!Array.isArray(body.keys)) throw new SignInError('key set has no keys', 503);
    const keys = new Map<string, KeyObject>();
    body.keys.forEach((jwk: Record<string, unknown>, i) => {
      // RS256 signing keys only: the load balancer verifies nothing else.
      if (jwk?.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig') || (jwk.alg !== undefined && jwk.alg !== 'RS256')) return;
      try {
        keys.set(typeof jwk.kid === 'string' ? jwk.kid : `#${i}`, createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as never, format: 'jwk' }));
      } catch {
        // A malformed key is skipped; a token signed with it finds no key.
      }
    });
    this.keys = keys;
    this.fetchedAt = Date.now();
  }
}

function decode(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf-8'));
  } catch {
    throw new SignInError(`bearer token ${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SignInError(`bearer token ${what} is not an object`);
  return value as Record<string, unknown>;
}

/** A machine caller as handlers see it: `sub` (else the client id the provider names, `client_id` or `azp`). */
export function toMachineUser(claims: TokenClaims): User {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const subject = text(claims.sub) ?? text(claims.client_id) ?? text(claims.azp);
  if (!subject) throw new SignInError('bearer token names no subject (sub, client_id or azp)');
  return Object.freeze({ kind: 'machine' as const, subject, name: text(claims.name), email: undefined, claims: Object.freeze({ ...claims }) });
}
