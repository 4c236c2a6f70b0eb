import { generateKeyPairSync, KeyObject, randomUUID, sign, webcrypto } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenLocally } from './listen';

/*
 * The load balancer's side of sign-in, locally: an ES256 key pair made at start, its public key
 * served on 127.0.0.1 as the regional key endpoint serves it (`<keysUrl>/<kid>`, a PEM), and
 * tokens signed as the load balancer signs `x-amzn-oidc-data`. `npx projen dev` signs every API
 * request with it, and the tests make tokens with it, so the handler verifies them with the same
 * code as in AWS. Development and tests only: the Lambda entry never imports it.
 */

/** The claims of a token: `sub` at least. */
export interface Claims {
  readonly sub: string;
  readonly email?: string;
  readonly name?: string;
  readonly [claim: string]: unknown;
}

/** How a token differs from the load balancer's (for tests of what must be refused). */
export interface TokenOptions {
  /** Seconds until it expires (negative: already expired). @default 120 */
  readonly expiresIn?: number;
  /** Header fields replaced or added, e.g. another `signer` or `kid`. */
  readonly header?: Record<string, unknown>;
  /** The `=` padding the load balancer leaves on each segment. @default true */
  readonly padded?: boolean;
  /** Another private key to sign with (the key endpoint keeps serving its own): a KeyObject or a WebCrypto key. */
  readonly privateKey?: KeyObject | webcrypto.CryptoKey;
}

export interface LocalSignInOptions {
  /** The load balancer ARN tokens are signed as. */
  readonly signer: string;
  /** The identity provider's issuer and client id, which the load balancer puts in the header. */
  readonly issuer?: string;
  readonly clientId?: string;
  /** The port of the key endpoint on 127.0.0.1. @default 0: any free one */
  readonly port?: number;
}

/** A local stand-in for the load balancer's signing key and its key endpoint. */
export class LocalSignIn {
  /** Starts the key endpoint with a new key pair. */
  public static async start(options: LocalSignInOptions): Promise<LocalSignIn> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signIn = new LocalSignIn(options, privateKey, publicKey.export({ type: 'spki', format: 'pem' }) as string);
    await listenLocally(signIn.server, options.port);
    return signIn;
  }

  /** The id the key endpoint serves the public key under. */
  public readonly kid = randomUUID();
  /** How many times the key endpoint was asked for a key, known or not. */
  public keyRequests = 0;
  private readonly server: Server;

  private constructor(private readonly options: LocalSignInOptions, private readonly privateKey: KeyObject, publicKeyPem: string) {
    this.server = createServer((req, res) => {
      this.keyRequests++;
      const known = req.method === 'GET' && req.url === `/${this.kid}`;
      res.writeHead(known ? 200 : 404, { 'content-type': 'text/plain' });
      res.end(known ? publicKeyPem : 'Not Found');
    });
  }

  /** HYBRID_AUTH_SIGNER for the handler. */
  public get signer(): string {
    return this.options.signer;
  }

  /** HYBRID_AUTH_KEYS_URL for the handler. */
  public get keysUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What the handler gets in HYBRID_AUTH_SIGNER and HYBRID_AUTH_KEYS_URL. */
  public get environment(): Record<'HYBRID_AUTH_SIGNER' | 'HYBRID_AUTH_KEYS_URL', string> {
    return { HYBRID_AUTH_SIGNER: this.signer, HYBRID_AUTH_KEYS_URL: this.keysUrl };
  }

  /**
   * A token as the load balancer puts it in `x-amzn-oidc-data`: header (`alg`, `kid`, `signer`,
   * `iss`, `client`, `exp`) and claims base64url-encoded with their `=` padding, and signed
   * (ES256) over the segments as sent, padding included.
   */
  public async token(claims: Claims, options: TokenOptions = {}): Promise<string> {
    const exp = Math.floor(Date.now() / 1000) + (options.expiresIn ?? 120);
    const issuer = this.options.issuer ?? 'https://login.example.com';
    const header = {
      typ: 'JWT',
      kid: this.kid,
      alg: 'ES256',
      iss: issuer,
      client: this.options.clientId ?? 'dev',
      signer: this.signer,
      exp,
      ...options.header,
    };
    const padded = options.padded ?? true;
    const encode = (value: object | Uint8Array) => {
      const bytes = value instanceof Uint8Array ? value : Buffer.from(JSON.stringify(value));
      const text = Buffer.from(bytes).toString('base64url');
      return padded ? text.padEnd(Math.ceil(text.length / 4) * 4, '=') : text;
    };
    const input = `${encode(header)}.${encode({ ...claims, exp, iss: issuer })}`;
    const key = options.privateKey === undefined ? this.privateKey
      : options.privateKey instanceof KeyObject ? options.privateKey : KeyObject.from(options.privateKey);
    // r || s, as JWS wants it (not DER).
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${encode(new Uint8Array(signature))}`;
  }

  /** The headers the load balancer adds to a signed-in request. */
  public async headers(claims: Claims): Promise<Record<string, string>> {
    return {
      'x-amzn-oidc-data': await this.token(claims),
      'x-amzn-oidc-identity': claims.sub,
      'x-amzn-oidc-accesstoken': 'dev-access-token',
    };
  }

  public close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
