import { generateKeyPairSync, KeyObject, randomUUID, sign, verify } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenLocally } from './listen';

/*
 * Machine callers, locally: an identity provider's part (an RS256 key pair made at start, its key set served on
 * 127.0.0.1 as a JWKS, tokens signed with it) and the load balancer's (`check`: the JWT verification of the machine
 * callers' listener rule). `npx projen dev` verifies bearer tokens with it and hands out its tokens; tests make
 * tokens with it. Development and tests only: the Lambda entry never imports it.
 */

/** A claim a token must carry, as `auth.machine.claims` has it. */
export interface LocalMachineClaim {
  readonly name: string;
  readonly format: string;
  readonly values: readonly string[];
}

export interface LocalMachineIssuerOptions {
  /** The tokens' `iss`: the configured issuer, so that the handler's checks run as in AWS. */
  readonly issuer: string;
  /** The `aud` tokens carry and must carry. @default - none */
  readonly audience?: string;
  /** The claims tokens carry (each its first value, in its format) and must carry. @default [] */
  readonly claims?: readonly LocalMachineClaim[];
  /** The port of the key set on 127.0.0.1. @default 0: any free one */
  readonly port?: number;
}

/** How a token differs from a good one (for tests of what must be refused). */
export interface MachineTokenOptions {
  /** Seconds until it expires (negative: already expired). @default 3600 */
  readonly expiresIn?: number;
  /** Claims replaced or added (`undefined` removes one), e.g. another `aud` or `iss`. */
  readonly claims?: Record<string, unknown>;
  /** Another private key to sign with (the key set keeps serving its own). */
  readonly privateKey?: KeyObject;
}

/** A local stand-in for a machine callers' identity provider and for the load balancer's verification of its tokens. */
export class LocalMachineIssuer {
  public static async start(options: LocalMachineIssuerOptions): Promise<LocalMachineIssuer> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const issuer = new LocalMachineIssuer(options, privateKey, publicKey);
    await listenLocally(issuer.server, options.port);
    return issuer;
  }

  /** The id the key set names the public key by. */
  public readonly kid = randomUUID();
  /** How many times the key set was fetched. */
  public keySetRequests = 0;
  private readonly server: Server;

  private constructor(private readonly options: LocalMachineIssuerOptions, private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject) {
    const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' }] });
    this.server = createServer((req, res) => {
      this.keySetRequests++;
      const known = req.method === 'GET' && req.url === '/.well-known/jwks.json';
      res.writeHead(known ? 200 : 404, { 'content-type': known ? 'application/json' : 'text/plain' });
      res.end(known ? jwks : 'Not Found');
    });
  }

  /** The key set's URL: HYBRID_MACHINE_JWKS_URL for the handler. */
  public get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  /** What the handler gets in HYBRID_MACHINE_ISSUER, HYBRID_MACHINE_JWKS_URL and HYBRID_MACHINE_AUDIENCE. */
  public get environment(): Record<string, string> {
    return {
      HYBRID_MACHINE_ISSUER: this.options.issuer,
      HYBRID_MACHINE_JWKS_URL: this.jwksUrl,
      ...(this.options.audience ? { HYBRID_MACHINE_AUDIENCE: this.options.audience } : {}),
    };
  }

  /** A token for `sub` as the provider issues it for client credentials: RS256, `iss`, `aud`, the claims, `iat`, `exp`. */
  public token(sub: string, options: MachineTokenOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const configured = Object.fromEntries((this.options.claims ?? []).map((claim) => [claim.name,
      claim.format === 'string-array' ? [claim.values[0]] : claim.values[0]]));
    const claims: Record<string, unknown> = {
      iss: this.options.issuer,
      sub,
      ...(this.options.audience ? { aud: this.options.audience } : {}),
      ...configured,
      iat: now,
      exp: now + (options.expiresIn ?? 3600),
      ...options.claims,
    };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${encode(claims)}`;
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), options.privateKey ?? this.privateKey).toString('base64url')}`;
  }

  /**
   * What the load balancer's JWT verification says of a token: undefined when it forwards the request, else why it
   * answers 401. RS256 with this key set, `iss`, `exp`, `nbf` and `iat` when present, and each configured claim:
   * `single-string` equal to one of the values, `string-array` and `space-separated-values` holding one of them
   * (how we read AWS's documentation, which does not spell the comparison out).
   */
  public check(token: string): string | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return 'not a JWT';
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      [header, claims] = parts.slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf-8')));
    } catch {
      return 'not a JWT';
    }
    if (header.alg !== 'RS256') return `alg ${String(header.alg)}: RS256 only`;
    if (header.kid !== undefined && header.kid !== this.kid) return `unknown key id ${String(header.kid)}`;
    if (!verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'))) return 'bad signature';
    const now = Date.now() / 1000;
    if (claims.iss !== this.options.issuer) return `issuer ${String(claims.iss)}`;
    if (typeof claims.exp !== 'number' || claims.exp < now) return 'expired or no exp';
    if (typeof claims.nbf === 'number' && claims.nbf > now) return 'not valid yet (nbf)';
    if (typeof claims.iat === 'number' && claims.iat > now + 60) return 'issued in the future (iat)';
    const required = [...(this.options.audience ? [{ name: 'aud', format: 'single-string', values: [this.options.audience] }] : []),
      ...(this.options.claims ?? [])];
    for (const claim of required) {
      const value = claims[claim.name];
      // The audience may be a list in a token: the provider's choice.
      const held = typeof value === 'string' && claim.format !== 'string-array'
        ? (claim.format === 'space-separated-values' ? value.split(' ') : [value])
        : Array.isArray(value) && (claim.format === 'string-array' || claim.name === 'aud') ? value : [];
      if (!claim.values.some((wanted) => held.includes(wanted))) return `claim ${claim.name} is ${JSON.stringify(value)}`;
    }
    return undefined;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
