import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { AuthSettings, User } from './auth';

/** The claims of a verified token: what the identity provider said of the user, and the token's own. */
export interface TokenClaims {
  readonly sub?: string;
  readonly exp?: number;
  readonly iss?: string;
  readonly [claim: string]: unknown;
}

/** Why a request is refused: the reason goes to the log, never the token; `status` to the caller. */
export class SignInError extends Error {
  constructor(public readonly reason: string, public readonly status: 401 | 503 = 401) {
    super(reason);
    this.name = 'SignInError';
  }
}

/** How the verifier fetches and keeps keys. */
export interface VerifierOptions {
  /** Seconds of clock difference allowed around `exp` and `nbf`. @default 30 */
  readonly clockToleranceSeconds?: number;
  /** Keys kept (one per `kid`; the load balancer rotates them rarely). @default 16 */
  readonly cacheSize?: number;
  /** How long an unknown `kid` is remembered, so that a flood of one forged id is one fetch. @default 60_000 */
  readonly unknownKidTtlMs?: number;
  /** How long a key fetch may take. @default 3_000 */
  readonly fetchTimeoutMs?: number;
  /** Tokens kept once verified, until they expire, for a load balancer that sends one more than once. @default 256 */
  readonly verifiedTokens?: number;
}

/** A key ready for `crypto.verify`: the `KeyObject` and the encoding of JWS signatures, made once per `kid`. */
interface VerifyKey {
  readonly key: KeyObject;
  readonly dsaEncoding: 'ieee-p1363';
}

/** What the key endpoint said of a `kid`: its key (once fetched), a fetch under way, or that it has none (for a while). */
type KeyEntry = { readonly known: VerifyKey } | { readonly pending: Promise<VerifyKey> } | { readonly unknownUntil: number };

/** A `kid` put into a URL: letters, digits, `-` and `_` only (the load balancer's are UUIDs). */
const KID = /^[A-Za-z0-9_-]{1,128}$/;
/** A compact JWS whose segments may carry `=` padding, as the load balancer's do. */
const TOKEN = /^[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]+={0,2}$/;
/** The load balancer's tokens are a few kilobytes; anything much larger is not one. */
const MAX_TOKEN_LENGTH = 32 * 1024;
/** An ES256 signature: r and s, 32 bytes each (JWS, RFC 7518 section 3.4). */
const SIGNATURE_BYTES = 64;

/**
 * Verifies the load balancer's tokens: ES256 only, with the key of the token's `kid` from the
 * key endpoint (fetched once, kept as a `KeyObject`), `signer` equal to this load balancer, `exp`
 * (in the header, where the load balancer puts it, and in the claims if there) not past, `nbf`
 * not ahead, a `sub`. Node's own crypto does the signature check, synchronously: the load balancer's
 * tokens are one fixed shape (a JOSE library's generality, and WebCrypto's thread-pool round trip,
 * cost more than the check itself). A token seen again, character for character, is its verified
 * user until the token expires: the signature check is most of the cost. Per new token, beyond the
 * P-256 check itself (about 46 us of CPU on the bench's machine), the rest costs about 5 us: two
 * segments decoded once each, the key's `crypto.verify` options made once per `kid`, no promise once
 * the key is known (`check`); docs/performance.md has the figures.
 */
export class AlbTokenVerifier {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly verified = new Map<string, { readonly user: User; readonly until: number }>();
  private readonly verifiedTokens: number;
  private readonly clockTolerance: number;
  private readonly cacheSize: number;
  private readonly unknownKidTtlMs: number;
  private readonly fetchTimeoutMs: number;

  constructor(public readonly settings: AuthSettings, options: VerifierOptions = {}) {
    this.clockTolerance = options.clockToleranceSeconds ?? 30;
    this.cacheSize = options.cacheSize ?? 16;
    this.unknownKidTtlMs = options.unknownKidTtlMs ?? 60_000;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 3_000;
    this.verifiedTokens = options.verifiedTokens ?? 256;
  }

  /** The user of a token; a SignInError saying why not. */
  public async verify(token: string): Promise<User> {
    return this.check(token);
  }

  /**
   * `verify` without a promise where none is needed: the user (or a SignInError thrown) at once when the
   * token was seen before or its key is known, a promise only while its key is fetched. What the middleware
   * calls on every request (an `await` of a value costs a trip through the microtask queue).
   */
  public check(token: string): User | Promise<User> {
    const seen = this.verified.get(token);
    if (seen !== undefined) {
      if (Date.now() / 1000 < seen.until) return seen.user;
      this.verified.delete(token);
    }
    if (token.length > MAX_TOKEN_LENGTH || !TOKEN.test(token)) throw new SignInError('malformed token');
    const first = token.indexOf('.');
    const header = decodeSegment(token.slice(0, first), 'the header is');
    if (header.alg !== 'ES256') throw new SignInError('algorithm not accepted (ES256 only)');
    // Header parameters that change how a token must be read (RFC 7515 section 4.1.11): none is understood here.
    if (header.crit !== undefined) throw new SignInError('invalid token: critical header parameters are not supported');
    // Before any fetch: a token from another load balancer never costs a request.
    if (header.signer !== this.settings.signer) throw new SignInError(`signer ${JSON.stringify(header.signer)} is not this load balancer`);
    const kid = header.kid;
    if (typeof kid !== 'string' || !KID.test(kid)) throw new SignInError('malformed key id');
    const entry = this.keys.get(kid);
    if (entry !== undefined && 'known' in entry) return this.accept(token, first, header, entry.known);
    return this.keyFor(kid).then((key) => this.accept(token, first, header, key));
  }

  /** The user of a token whose header passed, once its signature and times check out. */
  private accept(token: string, first: number, header: Record<string, unknown>, key: VerifyKey): User {
    // The load balancer signs its segments as it sends them, `=` padding included: the signed input is the
    // first two segments as they are (ASCII, as TOKEN checked). Node's base64url decoding stops at `=`.
    const second = token.lastIndexOf('.');
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    // r || s as JWS has it (`ieee-p1363`); a signature of another length is none.
    if (signature.length !== SIGNATURE_BYTES || !verifySignature('sha256', Buffer.from(token.slice(0, second), 'latin1'), key, signature)) {
      throw new SignInError('signature does not verify');
    }
    const claims = decodeSegment(token.slice(first + 1, second), 'the claims are') as TokenClaims;
    const until = this.acceptedUntil(header, claims);
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new SignInError('token has no subject');
    const user = toUser(deepFreeze(claims));
    this.verified.set(token, { user, until });
    if (this.verified.size > this.verifiedTokens) this.dropOldestVerified();
    return user;
  }

  private dropOldestVerified(): void {
    while (this.verified.size > this.verifiedTokens) this.verified.delete(this.verified.keys().next().value!);
  }

  /**
   * When the token stops being accepted: `exp` in the header or the claims (the earlier), plus the clock
   * tolerance; a SignInError if that is past, if `nbf` is ahead, or if a time is not a number.
   */
  private acceptedUntil(header: Record<string, unknown>, claims: TokenClaims): number {
    const { exp, nbf, iat } = claims;
    if (exp !== undefined && typeof exp !== 'number') throw new SignInError('invalid token: "exp" claim must be a number');
    if (nbf !== undefined && typeof nbf !== 'number') throw new SignInError('invalid token: "nbf" claim must be a number');
    if (iat !== undefined && typeof iat !== 'number') throw new SignInError('invalid token: "iat" claim must be a number');
    const headerExp = header.exp;
    if (headerExp !== undefined && typeof headerExp !== 'number') throw new SignInError('invalid token: "exp" header must be a number');
    const expires = Math.min(headerExp ?? Infinity, exp ?? Infinity);
    // NaN is no number a token can carry (JSON has none), so every comparison below is on real times.
    if (expires === Infinity) throw new SignInError('token has no expiry');
    const now = Date.now() / 1000;
    if (expires + this.clockTolerance <= now) throw new SignInError('token expired');
    if (nbf !== undefined && nbf - this.clockTolerance > now) throw new SignInError('token is not yet valid');
    return expires + this.clockTolerance;
  }

  /** The key of a `kid` not yet known: fetched once, however many requests ask for it at the same time. */
  private keyFor(kid: string): Promise<VerifyKey> {
    const entry = this.keys.get(kid);
    if (entry && 'known' in entry) return Promise.resolve(entry.known);
    if (entry && 'pending' in entry) return entry.pending;
    if (entry && entry.unknownUntil > Date.now()) return Promise.reject(new SignInError(`unknown key id ${kid}`));
    const pending = this.fetchKey(kid).then((key) => {
      const known: VerifyKey = Object.freeze({ key, dsaEncoding: 'ieee-p1363' });
      this.remember(kid, { known });
      return known;
    }, (error: unknown) => {
      // Not kept: an unknown id for a while, an endpoint that failed not at all (the next request tries again).
      this.keys.delete(kid);
      if (error instanceof SignInError && error.status === 401) this.remember(kid, { unknownUntil: Date.now() + this.unknownKidTtlMs });
      throw error;
    });
    this.remember(kid, { pending });
    return pending;
  }

  private async fetchKey(kid: string): Promise<KeyObject> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.keysUrl}/${encodeURIComponent(kid)}`, { signal: AbortSignal.timeout(this.fetchTimeoutMs) });
    } catch (error) {
      throw new SignInError(`key endpoint unreachable: ${(error as Error).message}`, 503);
    }
    if (response.status >= 400 && response.status < 500) throw new SignInError(`unknown key id ${kid}`);
    if (!response.ok) throw new SignInError(`key endpoint answered ${response.status}`, 503);
    const pem = await response.text();
    let key: KeyObject | undefined;
    try {
      key = createPublicKey({ key: pem, format: 'pem' });
    } catch {
      key = undefined;
    }
    if (key?.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new SignInError(`key endpoint sent no ES256 public key for ${kid}`, 503);
    }
    return key;
  }

  /** Keeps an entry, dropping the oldest beyond the cache's size. */
  private remember(kid: string, entry: KeyEntry): void {
    this.keys.delete(kid);
    this.keys.set(kid, entry);
    while (this.keys.size > this.cacheSize) this.keys.delete(this.keys.keys().next().value!);
  }
}

/** A token segment's JSON object (base64url, `=` padding allowed); a SignInError if it is none. */
function decodeSegment(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf-8'));
  } catch {
    throw new SignInError(`invalid token: ${what} not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SignInError(`invalid token: ${what} not a JSON object`);
  return value as Record<string, unknown>;
}

/** A value and everything in it made read-only: a verified user is shared by the requests that send its token. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}

/** The user of verified claims. */
export function toUser(claims: TokenClaims): User {
  const given = text(claims.given_name);
  const family = text(claims.family_name);
  return Object.freeze({
    kind: 'person' as const,
    subject: claims.sub!,
    email: text(claims.email),
    name: text(claims.name) ?? (given && family ? `${given} ${family}` : given ?? family),
    claims,
  });
}

/** A claim that is a non-empty string, else undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Checks the key set URL a setting names: https, or http to this machine (the dev server's). `variable` is the
 * environment variable it came from, for the message.
 */
export function checkKeysUrl(variable: string, value: string): void {
  const url = new URL(value);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`${variable} must be an https:// URL, not ${value}`);
  }
}
