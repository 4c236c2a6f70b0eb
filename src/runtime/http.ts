import { STATUS_CODES } from 'node:http';
import type { Context } from 'aws-lambda';
import { Hono } from 'hono';
// Hono 4's adapter; Hono 5 moves it to the package `@hono/aws-lambda` (not yet published).
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { HTTPException } from 'hono/http-exception';
import { PUBLIC_PATHS, signedInUser, type User } from './auth';
import { afterRequest, beforeRequest, logger } from './observability';

/**
 * What a load balancer target group (with or without multi-value headers) or an API Gateway
 * REST proxy integration sends: the fields read here. Handlers get the whole event in `c.env.event`.
 */
export interface LambdaHttpEvent {
  readonly httpMethod: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, string[] | undefined>> | null;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueQueryStringParameters?: Readonly<Record<string, string[] | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded: boolean;
  /** `elb` when a load balancer sent the event; `requestId` from API Gateway. */
  readonly requestContext: { readonly elb?: object; readonly requestId?: string };
}

/** The answer, in the shape the sender expects. */
export interface LambdaHttpResult {
  readonly statusCode: number;
  /** Load balancer only, e.g. `200 OK`. */
  readonly statusDescription?: string;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

/** What Hono's adapter answers. */
type HonoResult = Pick<LambdaHttpResult, 'statusCode' | 'multiValueHeaders' | 'body' | 'isBase64Encoded'>;

/** What handlers find in `c.env`: the raw event and the Lambda context (absent in tests that pass none). */
export interface LambdaBindings {
  readonly event: LambdaHttpEvent;
  readonly lambdaContext?: Context;
}

/** What handlers find in `c.var`. */
export interface ApiVariables {
  /** The signed-in user, verified (see `signedInUser`); absent when sign-in is off and on public paths. */
  user?: User;
}

/** The Hono environment of the API. */
export interface ApiEnv {
  Bindings: LambdaBindings;
  Variables: ApiVariables;
}

/** How `createApp` sets the app up. */
export interface AppOptions {
  /**
   * Paths answered without sign-in, when it is on (exact paths).
   * @default PUBLIC_PATHS: `/api/health`, which the load balancer's health checks call without a token
   */
  readonly publicPaths?: readonly string[];
}

/** The Lambda entry point `toLambdaHandler` makes. */
export type LambdaHttpHandler = (event: LambdaHttpEvent, context?: Context) => Promise<LambdaHttpResult>;

/** Hono's methods a route can be declared for, in the order an `Allow` header lists them. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** An ALB answers 502 to a Lambda response over 1 MB; Lambda fails an invocation whose response exceeds 6 MB. */
const RESPONSE_LIMIT = { alb: 1024 * 1024, apigw: 6 * 1024 * 1024 };

/** The events handed to Hono, mapped back to the ones Lambda delivered (for `c.env.event`). */
const delivered = new WeakMap<object, LambdaHttpEvent>();

/**
 * A Hono app with the API's conventions: JSON errors (`{ "error": … }`), 404 for unknown
 * paths, 405 with an `Allow` header for known paths called with another method, 500 without
 * details (the error goes to the logs), the raw Lambda event in `c.env.event`, and, when
 * sign-in is on (HYBRID_AUTH_SIGNER set), the verified user in `c.var.user` or a 401.
 */
export function createApp(options: AppOptions = {}): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use(async (c, next) => {
    // Hono read an adjusted copy of the event (see toHonoEvent); handlers get the one Lambda delivered.
    const event = c.env?.event && delivered.get(c.env.event);
    if (event) c.env = { ...c.env, event };
    // Set before the handler, so that `c.json(…)` and the like answer with them (a route may set its own
    // Cache-Control); set after it, Hono copies the whole response for each header.
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-store');
    await next();
    // A route that returned a Response of its own has neither.
    if (!c.res.headers.has('X-Content-Type-Options')) c.header('X-Content-Type-Options', 'nosniff');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  app.use(signedInUser({ publicPaths: options.publicPaths ?? PUBLIC_PATHS }));
  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0) {
      return c.json({ error: `Method ${c.req.method} not allowed on ${c.req.path}` }, 405, { Allow: allowed.join(', ') });
    }
    return c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404);
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return error.res ? error.getResponse() : c.json({ error: error.message }, error.status);
    }
    // The detail goes to the logs, never to the client.
    logger.error('Unhandled error', error);
    return c.json({ error: 'Internal Server Error' }, 500);
  });
  return app;
}

/** The methods the app's routes (not its middleware) declare for a path, each once; HEAD with GET. */
function allowedMethods(app: Hono<ApiEnv>, path: string): string[] {
  const declared = (method: string) => app.router.match(method, path)[0]
    .some(([[, route]]) => route.method !== 'ALL');
  return METHODS.filter((method) => declared(method === 'HEAD' ? 'GET' : method));
}

/**
 * The Lambda entry for every topology: Hono's AWS Lambda adapter, plus what our topologies
 * need around it (see `toHonoEvent` and `toResult`), with a log line and metrics per request.
 */
export function toLambdaHandler(app: Hono<ApiEnv>): LambdaHttpHandler {
  const honoHandler = handle(app);
  return async (event, context) => {
    const request = beforeRequest(event, context);
    let result: LambdaHttpResult;
    if (!isDecodable(event.path)) {
      result = toResult(event, json(400, { error: 'Malformed percent-encoding in the path' }));
    } else {
      const honoEvent = toHonoEvent(event);
      delivered.set(honoEvent, event);
      result = toResult(event, await honoHandler(honoEvent as LambdaEvent, context));
    }
    afterRequest(request, result.statusCode);
    return result;
  };
}

function isDecodable(path: string): boolean {
  if (!path.includes('%')) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The event as Hono's adapter reads it right:
 * - always multi-value headers (from a single-value load balancer event it would answer with the
 *   first `Set-Cookie` only), each joined as HTTP joins it: `cookie` with `; `, any other with `, `
 *   (Hono joins every load balancer header with `; ` and API Gateway's `cookie` with `, `);
 * - no body on GET and HEAD (Hono answers "Invalid request" to such an event);
 * - base64 re-encoded from what Node decodes (Hono's `atob` throws on base64url or stray characters: a 500).
 */
function toHonoEvent(event: LambdaHttpEvent): object {
  const multiValueHeaders: Record<string, string[]> = {};
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    const joined = multiValueHeaders[key];
    multiValueHeaders[key] = [joined === undefined ? value : `${joined[0]}${key === 'cookie' ? '; ' : ', '}${value}`];
  };
  if (event.multiValueHeaders) {
    for (const name in event.multiValueHeaders) {
      const values = event.multiValueHeaders[name];
      if (values) for (const value of values) add(name, value);
    }
  } else if (event.headers) {
    for (const name in event.headers) {
      const value = event.headers[name];
      if (value !== undefined) add(name, value);
    }
  }
  const bodyless = event.httpMethod === 'GET' || event.httpMethod === 'HEAD'
    || ['GET', 'HEAD'].includes(event.httpMethod.toUpperCase());
  const body = bodyless || !event.body ? null
    : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('base64') : event.body;
  return { ...event, headers: undefined, multiValueHeaders, body };
}

/** Hono's answer in the shape the sender expects, within its size limit, with a status description for the ALB. */
function toResult(event: LambdaHttpEvent, answer: HonoResult): LambdaHttpResult {
  const alb = event.requestContext.elb !== undefined;
  const multiValueHeaders = answer.multiValueHeaders ?? {};
  const result: LambdaHttpResult = {
    statusCode: answer.statusCode,
    ...(alb ? { statusDescription: `${answer.statusCode} ${STATUS_CODES[answer.statusCode] ?? 'Unknown'}` } : {}),
    ...(event.multiValueHeaders ? { multiValueHeaders } : { headers: singleValue(multiValueHeaders) }),
    body: answer.body,
    isBase64Encoded: answer.isBase64Encoded,
  };
  const limit = alb ? RESPONSE_LIMIT.alb : RESPONSE_LIMIT.apigw;
  if (!fitsWithin(result, limit)) {
    logger.error(`The response exceeds the ${alb ? 'load balancer\'s 1 MB' : 'Lambda 6 MB'} limit`, { bytes: Buffer.byteLength(result.body) });
    return toResult(event, json(500, { error: 'Response too large' }));
  }
  return result;
}

/**
 * Whether the response, as the JSON Lambda sends, is within `limit` bytes. One UTF-16 unit becomes at most
 * 6 bytes of JSON (`\u001f`), so most answers are sized by their length alone; only a large one is serialized.
 */
function fitsWithin(result: LambdaHttpResult, limit: number): boolean {
  let units = result.body.length + (result.statusDescription?.length ?? 0) + 100;
  const headers = result.multiValueHeaders ?? result.headers ?? {};
  for (const name in headers) units += name.length + String(headers[name]).length + 8;
  if (units * 6 <= limit) return true;
  return Buffer.byteLength(JSON.stringify(result)) <= limit;
}

/**
 * Single-value headers: repeated values joined with `, `, except `Set-Cookie`, which cannot be
 * joined: each cookie goes under its own spelling of the name (`set-cookie`, `Set-cookie`, …),
 * one header to HTTP. The generated target group sends multi-value events, which need none of this.
 */
function singleValue(multiValueHeaders: Record<string, string[]>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    if (name.toLowerCase() === 'set-cookie') {
      values.forEach((value, i) => { headers[spelling(name.toLowerCase(), i)] = value; });
    } else {
      headers[name] = values.join(', ');
    }
  }
  return headers;
}

/** The i-th spelling of a header name: letter n upper case when bit n of i is set. */
function spelling(name: string, i: number): string {
  let weight = 1;
  return name.replace(/[a-z]/g, (letter) => {
    const upper = Math.floor(i / weight) % 2 === 1;
    weight *= 2;
    return upper ? letter.toUpperCase() : letter;
  });
}

function json(statusCode: number, body: unknown): HonoResult {
  return {
    statusCode,
    multiValueHeaders: { 'content-type': ['application/json'], 'x-content-type-options': ['nosniff'], 'cache-control': ['no-store'] },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** A validation result, as `zValidator` (from `@hono/zod-validator`) hands it to its hook. */
export interface ValidationResult {
  readonly success: boolean;
  readonly error?: { readonly issues: ReadonlyArray<{ readonly path: readonly PropertyKey[]; readonly message: string }> };
}

/** `zValidator`'s hook: an invalid request is answered 400 with what is wrong, in the API's error shape. */
export function rejectInvalid(result: ValidationResult): void {
  if (result.success) return;
  const issues = (result.error?.issues ?? []).map((issue) => `${issue.path.map(String).join('.') || 'value'}: ${issue.message}`);
  throw new HTTPException(400, { message: `Invalid request: ${issues.join('; ')}` });
}
