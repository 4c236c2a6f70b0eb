import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AlbTokenVerifier, checkKeysUrl, SignInError, type TokenClaims, type VerifierOptions } from './alb-token';
import type { ApiEnv } from './http';
import { bearerToken, machineSettings, MachineTokenVerifier, type MachineSettings } from './machine-token';
import { logger } from './observability';

/*
 * Sign-in at the load balancer (`auth` in `.projenrc.ts`): the load balancer runs the OpenID Connect
 * sign-in and hands the target the user's claims in `x-amzn-oidc-data`, a JWT it signs with ES256.
 * Anyone who reaches the function another way could set that header too, so every request is
 * verified here (see `AlbTokenVerifier`). `PrivateApp` sets HYBRID_AUTH_SIGNER and
 * HYBRID_AUTH_KEYS_URL on the function when sign-in is on; without them, sign-in is off.
 */

export { AlbTokenVerifier, SignInError, type TokenClaims, type VerifierOptions };
export { bearerToken, machineSettings, MachineTokenVerifier, type MachineSettings, type MachineVerifierOptions } from './machine-token';

/** The header the load balancer puts the signed claims in. */
export const OIDC_DATA_HEADER = 'x-amzn-oidc-data';

/** Paths answered without a user: the load balancer's health checks do not go through sign-in. */
export const PUBLIC_PATHS: readonly string[] = ['/api/health'];

/**
 * Who calls, as handlers find it in `c.var.user`: the same shape whichever way the caller signed in,
 * a person through the load balancer's browser sign-in or a machine caller with a bearer token
 * (`auth.machine`).
 */
export interface User {
  /** `person` (browser sign-in, `x-amzn-oidc-data`) or `machine` (a bearer token the load balancer verified). */
  readonly kind: 'person' | 'machine';
  /** The identity provider's `sub` (a machine token without one: its `client_id` or `azp`): stable and unique, the key to store things under. */
  readonly subject: string;
  readonly email?: string;
  /** `name`, else `given_name` and `family_name`. */
  readonly name?: string;
  /** Every claim: the user-info endpoint's for a person (groups, roles, …), the token's for a machine (scope, aud, …). */
  readonly claims: Readonly<TokenClaims>;
}

/** Where the tokens come from: the function's HYBRID_AUTH_SIGNER and HYBRID_AUTH_KEYS_URL. */
export interface AuthSettings {
  /** The load balancer's ARN: the only `signer` accepted. */
  readonly signer: string;
  /** Its region's key endpoint, `https://public-keys.auth.elb.<region>.amazonaws.com`: the key of id KID is at `<keysUrl>/<KID>`. */
  readonly keysUrl: string;
}

/** Sign-in's settings from the environment; undefined when sign-in is off. Half set, or a key endpoint that is not HTTPS (loopback aside), is an error. */
export function authSettings(env: NodeJS.ProcessEnv = process.env): AuthSettings | undefined {
  return parseSettings(env.HYBRID_AUTH_SIGNER, env.HYBRID_AUTH_KEYS_URL);
}

function parseSettings(signer: string | undefined, keysUrl: string | undefined): AuthSettings | undefined {
  if (!signer && !keysUrl) return undefined;
  if (!signer || !keysUrl) throw new Error('HYBRID_AUTH_SIGNER and HYBRID_AUTH_KEYS_URL are set together, or neither');
  checkKeysUrl('HYBRID_AUTH_KEYS_URL', keysUrl);
  return { signer, keysUrl: keysUrl.replace(/\/+$/, '') };
}

/** Where the middleware reads its settings. */
export interface SignedInUserOptions {
  /**
   * @default - authSettings(): the function's HYBRID_AUTH_SIGNER and HYBRID_AUTH_KEYS_URL (sign-in off without them),
   * parsed once for each value they take (a test may switch sign-in on after the app is made)
   */
  readonly settings?: AuthSettings;
  /** Paths answered without a user (and without `c.var.user`). @default PUBLIC_PATHS */
  readonly publicPaths?: readonly string[];
  readonly verifier?: VerifierOptions;
  /**
   * Machine callers' provider. @default - machineSettings(): the function's HYBRID_MACHINE_ISSUER, HYBRID_MACHINE_JWKS_URL
   * and HYBRID_MACHINE_AUDIENCE (machine callers off without them), parsed once for each value they take
   */
  readonly machine?: MachineSettings;
}

/**
 * Hono middleware: with sign-in on, a request without a valid token from this load balancer is
 * answered 401 (`{ "error": … }`) and logged with the reason; otherwise handlers find the user in
 * `c.var.user`. With sign-in off it does nothing. `createApp()` installs it.
 */
export function signedInUser(options: SignedInUserOptions = {}): MiddlewareHandler<ApiEnv> {
  const publicPaths = new Set(options.publicPaths ?? PUBLIC_PATHS);
  const fixed = options.settings && new AlbTokenVerifier(options.settings, options.verifier);
  // The environment's values the verifier was made for: parsed (and its key cache started) once per value.
  let signer: string | undefined;
  let keysUrl: string | undefined;
  let current: AlbTokenVerifier | undefined;
  const verifierFor = (): AlbTokenVerifier | undefined => {
    if (fixed) return fixed;
    const env = process.env;
    if (env.HYBRID_AUTH_SIGNER !== signer || env.HYBRID_AUTH_KEYS_URL !== keysUrl) {
      const settings = parseSettings(env.HYBRID_AUTH_SIGNER, env.HYBRID_AUTH_KEYS_URL);
      [signer, keysUrl] = [env.HYBRID_AUTH_SIGNER, env.HYBRID_AUTH_KEYS_URL];
      current = settings && new AlbTokenVerifier(settings, options.verifier);
    }
    return current;
  };
  const fixedMachine = options.machine && new MachineTokenVerifier(options.machine);
  let machineKey: string | undefined;
  let currentMachine: MachineTokenVerifier | undefined;
  const machineFor = (): MachineTokenVerifier | undefined => {
    if (fixedMachine) return fixedMachine;
    const env = process.env;
    const key = JSON.stringify([env.HYBRID_MACHINE_ISSUER, env.HYBRID_MACHINE_JWKS_URL, env.HYBRID_MACHINE_AUDIENCE]);
    if (key !== machineKey) {
      const settings = machineSettings(env);
      machineKey = key;
      currentMachine = settings && new MachineTokenVerifier(settings);
    }
    return currentMachine;
  };
  return async (c, next) => {
    if (publicPaths.has(c.req.path)) return next();
    // A bearer token reaches the function only through the machine callers' rule, which verified it: verified again here.
    const machine = machineFor();
    const bearer = machine && bearerToken(c.req.header('authorization'));
    if (machine && bearer) {
      try {
        c.set('user', await machine.verify(bearer));
      } catch (error) {
        return refuse(c, error instanceof SignInError ? error : new SignInError(`invalid bearer token: ${String(error)}`));
      }
      return next();
    }
    const verifier = verifierFor();
    if (!verifier) return next();
    const token = c.req.header(OIDC_DATA_HEADER);
    if (!token) return refuse(c, new SignInError(`no ${OIDC_DATA_HEADER} header`));
    let user: User;
    try {
      // Synchronous when the key is known (every request but the first of a kid): no promise to wait on.
      const checked = verifier.check(token);
      user = checked instanceof Promise ? await checked : checked;
    } catch (error) {
      return refuse(c, error instanceof SignInError ? error : new SignInError(`invalid token: ${String(error)}`));
    }
    c.set('user', user);
    return next();
  };
}

function refuse(c: Context<ApiEnv>, error: SignInError): Response {
  const log = error.status === 401 ? logger.warn.bind(logger) : logger.error.bind(logger);
  log(`Sign-in refused: ${error.reason}`, { reason: error.reason, method: c.req.method, path: c.req.path });
  return error.status === 401
    ? c.json({ error: 'Sign-in required' }, 401)
    : c.json({ error: 'Sign-in cannot be verified right now' }, 503);
}

/**
 * The signed-in user, for a handler that needs one: a 401 when there is none (sign-in off, or a
 * public path).
 */
export function requireUser(c: Context<ApiEnv>): User {
  const user = c.var.user;
  if (!user) {
    throw new HTTPException(401, {
      message: process.env.HYBRID_AUTH_SIGNER ? 'Sign-in required' : 'Sign-in is off: set `auth` in .projenrc.ts to know who calls',
    });
  }
  return user;
}
