import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse, STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import * as esbuild from 'esbuild';
import { listenLocally } from '../testing/listen';
import { LocalMachineClaim, LocalMachineIssuer } from '../testing/machine';
import { Claims, LocalSignIn } from '../testing/sign-in';
import type { EventShape } from '../topologies';

/*
 * `npx projen dev`: the app on one local HTTP server, the way the load balancer serves it, with no
 * Docker and no AWS. `/api/*` goes to the real Lambda entry point, bundled by esbuild as for the
 * deployment and invoked with the event this topology delivers; every other path to the frontend,
 * as the listener rule rewrites it. Sources are rebuilt (esbuild's incremental context) when they
 * change and picked up on the next request. A generated repo's managed `src/hybrid/dev/server.ts`
 * calls `serve()` with what its settings say; the `dev` task runs it. What it builds stays in memory
 * and under node_modules/.cache. With sign-in on (`auth` in `.projenrc.ts`), it plays the load
 * balancer's part too: every API request carries `x-amzn-oidc-data` signed for a fake user
 * (DEV_USER_SUB, DEV_USER_EMAIL, DEV_USER_NAME, DEV_USER_CLAIMS) with a key made at start, served on
 * 127.0.0.1, so that the handler's own verification runs as in AWS.
 */

/** What the stack deploys, as a generated repo's settings describe it. */
export interface DevServerOptions {
  /** The path this topology's requests take, as the terminal shows it, e.g. `ALB → Lambda`. */
  readonly path: string;
  /** The event the function receives: an ALB target group's (multi-value headers) or API Gateway's (proxy). */
  readonly event: `${EventShape}`;
  /** The event, in words, e.g. `multi-value events`. */
  readonly eventLabel: string;
  /** What invokes the function with that event: it refuses bodies over `requestLimit`, and answers for a failed function. */
  readonly invoker: string;
  /** The largest request body that reaches the function, in bytes. */
  readonly requestLimit: number;
  /** Whether a frontend is served for every path but `/api/*`. */
  readonly frontend: boolean;
  /** The Lambda entry point, and how the bundle task builds it. */
  readonly entryPoint: string;
  readonly tsconfig: string;
  readonly external: readonly string[];
  /** The frontend task's entry points, bundled into `frontend/dist`. */
  readonly frontendEntryPoints: readonly string[];
  /** The variables `PrivateApp` and the Lambda runtime set on the function (a variable set in the shell wins). */
  readonly environment: Readonly<Record<string, string>>;
  /** The function's memory and timeout. @default 256 MB, 10 s */
  readonly memoryMb?: number;
  readonly timeoutMs?: number;
  readonly region: string;
  readonly account: string;
  /** Sign-in of the environment the app plays: the identity provider's issuer and client id, which the load balancer's tokens name. */
  readonly signIn?: {
    readonly issuer?: string;
    readonly clientId?: string;
    /** Machine callers (`auth.machine`): bearer tokens on `/api/*`, verified as the load balancer does. */
    readonly machine?: { readonly issuer: string; readonly audience?: string; readonly claims?: readonly LocalMachineClaim[] };
  };
}

/** Where and how a dev server runs. */
export interface DevServerSettings {
  /** The port on 127.0.0.1 (0: any free one). */
  readonly port: number;
  /** The repo. @default process.cwd() */
  readonly root?: string;
  /** Where each line for the terminal goes. @default process.stdout */
  readonly log?: (line: string) => void;
  /** Rebuild on save, not only on the next request. @default true */
  readonly watch?: boolean;
}

/** A dev server that runs. */
export interface RunningDevServer {
  readonly port: number;
  readonly url: string;
  /** The user every API request is signed in as, with sign-in on. */
  readonly user?: Claims;
  /** Stops the server and its builds, and removes what it built. */
  stop(): Promise<void>;
}

/** The options with their defaults. */
type App = DevServerOptions & { readonly memoryMb: number; readonly timeoutMs: number };

/** A mistake in how the server was started: said with the usage, exit code 2. */
export class UsageError extends Error {}

/** Where the server keeps the API's bundle, under a repo. */
const CACHE = path.join('node_modules', '.cache', 'create-hybrid-serverless', 'dev');
export const USAGE = 'Usage: npx projen dev [--port <port>]   (or PORT=<port>; default 3000, on 127.0.0.1)\n'
  + 'With sign-in on, requests are signed in as DEV_USER_SUB, DEV_USER_EMAIL, DEV_USER_NAME, with the extra claims of '
  + 'DEV_USER_CLAIMS (a JSON object), each with a default.';
const FRONTEND_OUT = 'frontend/dist';
/** How close to a build a file's modification counts as possibly unseen by it. */
const RECENT_MS = 100;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
type Result = { ok: true } | { ok: false; message: string };

/** One esbuild incremental context, rebuilt when one of its inputs changed (checked on every request). */
class Build {
  public result: Result = { ok: false, message: 'not built yet' };
  public outputs = new Map<string, Uint8Array>();
  private inputs = new Map<string, number>();
  private pending?: Promise<Result>;
  private generation = 0;

  constructor(
    public readonly name: string,
    private readonly context: esbuild.BuildContext,
    private readonly root: string,
    private readonly log: (line: string) => void,
    private readonly onBuilt: (build: Build) => void,
  ) {}

  /** The current build: rebuilt first if a source changed since the last one, or while it ran. */
  public async current(): Promise<Result> {
    // A build under way may have read a file before its latest change: wait for it, then look again.
    while (this.pending) await this.pending;
    // A failed build is tried again on each request (its inputs may be unknown); a good one when an input changed.
    if (this.generation > 0 && this.result.ok && !this.changed()) return this.result;
    this.pending = this.rebuild().finally(() => { this.pending = undefined; });
    return this.pending;
  }

  public dispose(): Promise<void> {
    return this.context.dispose();
  }

  private changed(): boolean {
    for (const [file, mtime] of this.inputs) if (mtimeOf(this.root, file) !== mtime) return true;
    return false;
  }

  private async rebuild(): Promise<Result> {
    const started = performance.now();
    const startedAt = Date.now();
    const first = this.generation++ === 0;
    try {
      const result = await this.context.rebuild();
      // Inputs outside node_modules, with their modification time: a later one means a rebuild. A file modified
      // just before or during the build may have been read half-written (file times are coarse): unknown (-2).
      this.inputs = new Map(Object.keys(result.metafile?.inputs ?? {})
        .filter((file) => !file.includes('node_modules/') && !file.startsWith('<'))
        .map((file): [string, number] => {
          const mtime = mtimeOf(this.root, file);
          return [file, mtime >= startedAt - RECENT_MS ? -2 : mtime];
        }));
      this.outputs = new Map((result.outputFiles ?? []).map((file) => [path.relative(this.root, file.path).split(path.sep).join('/'), file.contents]));
      this.result = { ok: true };
      this.onBuilt(this);
      if (!first) this.log(`${this.name} rebuilt in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      const messages = (error as esbuild.BuildFailure).errors ?? [];
      const message = messages.length
        ? (await esbuild.formatMessages(messages, { kind: 'error', color: false })).join('\n')
        : String(error);
      // Said once in the terminal, until the error changes.
      if (this.result.ok || this.result.message !== message) this.log(`${this.name} does not build:\n${message}`);
      this.result = { ok: false, message };
    }
    return this.result;
  }
}

function mtimeOf(root: string, file: string): number {
  try {
    return fs.statSync(path.resolve(root, file)).mtimeMs;
  } catch {
    return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// The API: the Lambda entry point, invoked with the event of this topology.

/** Loads a fresh copy of the bundle after each build, so handlers start as on a cold start. */
class Api {
  private handler?: Handler;
  private loadError?: string;
  private readonly require = createRequire(__filename);
  private loads = 0;
  private loaded?: string;

  constructor(private readonly app: App, private readonly cache: string, private readonly log: (line: string) => void) {}

  public load(build: Build): void {
    const [code] = build.outputs.values();
    fs.mkdirSync(this.cache, { recursive: true });
    // A file of its own for each build, so that no module cache can hand out the one before; written whole,
    // then renamed: a stop at any moment leaves no half-written bundle.
    const file = path.join(this.cache, `api-${++this.loads}.js`);
    fs.writeFileSync(`${file}.tmp`, code);
    fs.renameSync(`${file}.tmp`, file);
    if (this.loaded) fs.rmSync(this.loaded, { force: true });
    this.loaded = file;
    try {
      const handler = (this.require(file) as { handler?: unknown }).handler;
      if (typeof handler !== 'function') throw new Error(`${this.app.entryPoint} exports no function named "handler"`);
      this.handler = handler as Handler;
      this.loadError = undefined;
    } catch (error) {
      this.handler = undefined;
      this.loadError = (error as Error).stack ?? String(error);
      this.log(`The API failed to start (Lambda would report an init error):\n${this.loadError}`);
    }
    // Node keeps what it required: the earlier builds go.
    for (const key of Object.keys(this.require.cache)) if (key.startsWith(this.cache) && key !== file) delete this.require.cache[key];
  }

  /** Invokes the handler as Lambda would, and answers as the load balancer or API Gateway would. */
  public async invoke(req: IncomingMessage, body: Buffer, res: ServerResponse, signIn?: DevSignIn): Promise<void> {
    const { app } = this;
    if (!this.handler) return gatewayError(app, res, 502, `The API failed to start:\n${this.loadError ?? 'not loaded'}`);
    const added = signIn ? Object.entries(await signIn.local.headers(signIn.user)) : [];
    const event = app.event === 'alb-multi-value' ? albEvent(app, req, body, added) : apigwEvent(app, req, body, added);
    const context = lambdaContext(app);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Task timed out after ${(app.timeoutMs / 1000).toFixed(2)} seconds`)), app.timeoutMs);
    });
    let result: unknown;
    try {
      result = await Promise.race([this.handler(event, context), timeout]);
    } catch (error) {
      this.log(`The handler failed (request ${context.awsRequestId}):\n${(error as Error).stack ?? String(error)}`);
      return gatewayError(app, res, 502, 'The handler failed: see the terminal.');
    } finally {
      clearTimeout(timer);
    }
    writeResult(app, res, result, this.log);
  }
}

/** The raw query string, split as the load balancer passes it: names and values still URL-encoded. */
export function rawQuery(url: string): Array<[string, string]> {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return query.split('&').filter(Boolean).map((pair) => {
    const at = pair.indexOf('=');
    return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
  });
}

function pathOf(url: string): string {
  return url.split('?')[0];
}

/**
 * The request's headers as the load balancer passes them on: as the client sent them, with its address appended
 * to `x-forwarded-for`, the protocol and port it came in on, and a trace id unless the client sent one.
 */
function headerPairs(req: IncomingMessage, added: Array<[string, string]>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  // With sign-in on, the load balancer's `x-amzn-oidc-*` replace any the client sent.
  const replaced = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port', ...added.map(([name]) => name)]);
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!replaced.has(req.rawHeaders[i].toLowerCase())) pairs.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  }
  const client = req.socket.remoteAddress ?? '127.0.0.1';
  const forwardedFor = req.headers['x-forwarded-for'];
  pairs.push(['x-forwarded-for', forwardedFor ? `${forwardedFor}, ${client}` : client]);
  pairs.push(['x-forwarded-proto', 'http'], ['x-forwarded-port', String(req.socket.localPort ?? '')]);
  if (!req.headers['x-amzn-trace-id']) {
    pairs.push(['x-amzn-trace-id', `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`]);
  }
  return [...pairs, ...added];
}

/** A body as the sender passes it: text as is; anything else base64-encoded. */
function isText(req: IncomingMessage, body: Buffer): boolean {
  const type = req.headers['content-type'] ?? '';
  const textual = type === '' || /^text\/|[/+](json|xml|javascript)\b|^application\/x-www-form-urlencoded/i.test(type);
  return textual && Buffer.from(body.toString('utf-8'), 'utf-8').equals(body);
}

/**
 * The event of a target group with `lambda.multi_value_headers.enabled` (as `AlbLambdaApi` sets
 * it): header names in lower case, every value of a repeated header or query parameter, the query
 * string still URL-encoded.
 */
export function albEvent(app: Pick<App, 'region' | 'account'>, req: IncomingMessage, body: Buffer, added: Array<[string, string]>): object {
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of headerPairs(req, added)) {
    (multiValueHeaders[name.toLowerCase()] ??= []).push(value);
  }
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of rawQuery(req.url ?? '/')) (multiValueQueryStringParameters[name] ??= []).push(value);
  const text = isText(req, body);
  return {
    requestContext: {
      elb: { targetGroupArn: `arn:aws:elasticloadbalancing:${app.region}:${app.account}:targetgroup/dev/0123456789abcdef` },
    },
    httpMethod: req.method ?? 'GET',
    path: pathOf(req.url ?? '/'),
    multiValueQueryStringParameters,
    multiValueHeaders,
    body: text ? body.toString('utf-8') : body.toString('base64'),
    isBase64Encoded: !text && body.length > 0,
  };
}

/**
 * The event of the private REST API's `{proxy+}` resource (Lambda proxy integration), as it arrives
 * through the load balancer and the execute-api endpoint: query strings decoded, and every body
 * base64-encoded (the API's binary media types are `*\/*`).
 */
export function apigwEvent(app: Pick<App, 'account'>, req: IncomingMessage, body: Buffer, added: Array<[string, string]>): object {
  const eventPath = pathOf(req.url ?? '/');
  const method = req.method ?? 'GET';
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of [...headerPairs(req, added), ['x-amzn-vpce-id', 'vpce-0123456789abcdef0']]) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of rawQuery(req.url ?? '/')) {
    (multiValueQueryStringParameters[decode(name)] ??= []).push(decode(value));
  }
  const hasQuery = Object.keys(multiValueQueryStringParameters).length > 0;
  const root = eventPath === '/';
  const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
  return {
    resource: root ? '/' : '/{proxy+}',
    path: eventPath,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery
      ? Object.fromEntries(Object.entries(multiValueQueryStringParameters).map(([name, values]) => [name, values[values.length - 1]]))
      : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
    pathParameters: root ? null : { proxy: eventPath.slice(1) },
    stageVariables: null,
    requestContext: {
      resourcePath: root ? '/' : '/{proxy+}',
      httpMethod: method,
      path: eventPath,
      accountId: app.account,
      protocol: `HTTP/${req.httpVersion}`,
      stage: 'prod',
      requestTimeEpoch: Date.now(),
      requestId: randomUUID(),
      identity: { sourceIp, userAgent: req.headers['user-agent'] ?? null, vpceId: 'vpce-0123456789abcdef0' },
      domainName: req.headers.host ?? '127.0.0.1',
      apiId: 'dev',
    },
    body: body.length > 0 ? body.toString('base64') : null,
    isBase64Encoded: body.length > 0,
  };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** The Lambda context of one invocation, as the runtime passes it. */
function lambdaContext(app: App): Context {
  const deadline = Date.now() + app.timeoutMs;
  const functionName = app.environment.AWS_LAMBDA_FUNCTION_NAME;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${app.region}:${app.account}:function:${functionName}`,
    memoryLimitInMB: String(app.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `dev/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

interface LambdaResult {
  statusCode?: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** The handler's answer as HTTP; an answer that is not one is a 502, as the load balancer or API Gateway make it. */
function writeResult(app: App, res: ServerResponse, result: unknown, log: (line: string) => void): void {
  const answer = result as LambdaResult | undefined;
  if (!answer || typeof answer !== 'object' || !Number.isInteger(answer.statusCode)) {
    log(`The handler answered something that is not an HTTP response: ${JSON.stringify(result)?.slice(0, 200)}`);
    return gatewayError(app, res, 502, 'The answer of the handler is not an HTTP response: see the terminal.');
  }
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(answer.headers ?? {})) (headers[name.toLowerCase()] ??= []).push(String(value));
  for (const [name, values] of Object.entries(answer.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.map(String);
  }
  const body = Buffer.from(answer.body ?? '', answer.isBase64Encoded ? 'base64' : 'utf-8');
  res.writeHead(answer.statusCode!, Object.entries(headers).flatMap(([name, values]) => values.map((value) => [name, value])).flat());
  res.end(body);
}

/** What the load balancer (an HTML page) or API Gateway (`{"message": …}`) answers when the function fails. */
function gatewayError(app: App, res: ServerResponse, status: number, detail: string): void {
  const title = `${status} ${STATUS_CODES[status]}`;
  if (app.event === 'alb-multi-value') {
    send(res, status, 'text/html', `<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n`
      + `<pre>${escapeHtml(detail)}</pre>\n</body>\n</html>\n`);
  } else {
    send(res, status, 'application/json', JSON.stringify({ message: 'Internal server error', dev: detail }));
  }
}

// ---------------------------------------------------------------------------------------------
// The frontend: the built files, as S3 serves them behind the listener rule.

const CONTENT_TYPES = new Map([
  ['.html', 'text/html'], ['.js', 'text/javascript'], ['.mjs', 'text/javascript'], ['.css', 'text/css'],
  ['.map', 'application/json'], ['.json', 'application/json'], ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'], ['.jpg', 'image/jpeg'], ['.jpeg', 'image/jpeg'], ['.gif', 'image/gif'],
  ['.webp', 'image/webp'], ['.ico', 'image/x-icon'], ['.woff', 'font/woff'], ['.woff2', 'font/woff2'],
  ['.txt', 'text/plain'],
]);

/**
 * A non-API path as the load balancer's rule sends it to S3: without a file extension, it becomes
 * `/index.html` (the `url-rewrite`); a missing file is a 403, as from a bucket that grants no listing.
 */
function serveFrontend(frontend: Build, req: IncomingMessage, res: ServerResponse): void {
  const requested = pathOf(req.url ?? '/');
  const rewritten = isPagePath(requested) ? '/index.html' : requested;
  if (!frontend.result.ok) {
    return compileError(req, res, 'The frontend does not build', frontend.result.message, rewritten === '/index.html');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  const file = frontend.outputs.get(`${FRONTEND_OUT}${decode(rewritten)}`);
  if (!file) return s3Error(res, 403, 'AccessDenied', 'Access Denied');
  res.writeHead(200, { 'content-type': CONTENT_TYPES.get(path.extname(rewritten)) ?? 'application/octet-stream', 'content-length': file.length });
  res.end(req.method === 'HEAD' ? undefined : file);
}

/** A path the listener rule rewrites to `/index.html`: one without a file extension. */
export function isPagePath(requestPath: string): boolean {
  return /^\/[^.]*$/.test(requestPath);
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, 'application/xml',
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

/** Without a frontend: what is running, and the routes found in `src/api/`. */
function infoPage(app: App, root: string, res: ServerResponse, port: number): void {
  const routes = findRoutes(path.dirname(path.resolve(root, app.entryPoint)));
  const items = routes.map(({ method, route }) => {
    const link = method === 'GET' && !route.includes(':') ? `<a href="${escapeHtml(route)}">${escapeHtml(route)}</a>` : escapeHtml(route);
    return `<li><code>${method} ${link}</code></li>`;
  }).join('\n');
  send(res, 200, 'text/html', '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>npx projen dev</title></head>\n'
    + '<body style="font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto">\n'
    + `<h1>The API is running on port ${port}</h1>\n`
    + `<p><code>${escapeHtml(app.entryPoint)}</code> answers every path, as ${escapeHtml(app.invoker)} sends it (${escapeHtml(topologyTitle(app))}); `
    + 'this page stands in for <code>/</code>, which the function answers when deployed. There is no frontend '
    + '(<code>frontend: true</code> in <code>.projenrc.ts</code> adds one).</p>\n'
    + `<h2>Routes found in <code>${escapeHtml(path.dirname(app.entryPoint))}</code></h2>\n`
    + `<ul>\n${items || '<li>none found</li>'}\n</ul>\n</body></html>\n`);
}

/** Routes declared the Hono way (`.get('/api/…'`) in the API's sources: a best effort, for the page above. */
export function findRoutes(dir: string): Array<{ method: string; route: string }> {
  const routes: Array<{ method: string; route: string }> = [];
  const files = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf-8' }) : [];
  for (const file of files.filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')).sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf-8');
    for (const [, method, route] of text.matchAll(/\.(get|post|put|patch|delete|all)\(\s*['"`](\/[^'"`]*)['"`]/g)) {
      routes.push({ method: method.toUpperCase(), route });
    }
  }
  return routes;
}

// ---------------------------------------------------------------------------------------------
// Sign-in: the load balancer's signed header, for a fake user.

/** The local key endpoint and the user every request is signed in as. */
interface DevSignIn {
  readonly local: LocalSignIn;
  readonly user: Claims;
  /** Machine callers' provider, locally: its key set, its tokens and the load balancer's check of them. */
  readonly machine?: LocalMachineIssuer;
}

/** Where `npx projen dev` hands out machine callers' tokens (outside `/api/*`, so the app never sees it). */
export const DEV_TOKEN_PATH = '/_dev/token';

/** The bearer token of a request that the machine callers' listener rule takes (`Authorization: Bearer *`, any case). */
function bearerOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
}

/** A machine caller's token: `?sub=` (default dev-machine) and `?expires_in=` seconds (default 3600), as plain text. */
function devToken(machine: LocalMachineIssuer, req: IncomingMessage, res: ServerResponse): void {
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
  const expiresIn = Number(query.get('expires_in') ?? 3600);
  if (!Number.isInteger(expiresIn)) return send(res, 400, 'text/plain', 'expires_in must be whole seconds');
  send(res, 200, 'text/plain', machine.token(query.get('sub') || 'dev-machine', { expiresIn }));
}

/** The fake user, from DEV_USER_SUB, DEV_USER_EMAIL, DEV_USER_NAME and DEV_USER_CLAIMS (a JSON object of more claims). */
export function devUser(env: NodeJS.ProcessEnv): Claims {
  let extra: Record<string, unknown> = {};
  if (env.DEV_USER_CLAIMS) {
    try {
      extra = JSON.parse(env.DEV_USER_CLAIMS) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`DEV_USER_CLAIMS is not JSON: ${(error as Error).message}`);
    }
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) throw new UsageError(`DEV_USER_CLAIMS is not a JSON object: ${env.DEV_USER_CLAIMS}`);
  }
  return {
    ...extra,
    sub: env.DEV_USER_SUB || 'dev-user',
    email: env.DEV_USER_EMAIL || 'dev.user@example.com',
    name: env.DEV_USER_NAME || 'Dev User',
  };
}

/**
 * With sign-in on in the first environment: a key pair and its key endpoint on 127.0.0.1, and the
 * handler's HYBRID_AUTH_SIGNER and HYBRID_AUTH_KEYS_URL pointing at them (set before the API loads).
 */
async function startSignIn(app: App, env: NodeJS.ProcessEnv): Promise<DevSignIn | undefined> {
  const settings = app.signIn;
  if (!settings) return undefined;
  const user = devUser(env);
  const local = await LocalSignIn.start({
    signer: `arn:aws:elasticloadbalancing:${app.region}:${app.account}:loadbalancer/app/dev/0123456789abcdef`,
    issuer: settings.issuer,
    clientId: settings.clientId,
  });
  Object.assign(env, local.environment);
  const machine = settings.machine && await LocalMachineIssuer.start(settings.machine);
  if (machine) Object.assign(env, machine.environment);
  return { local, user, machine };
}

// ---------------------------------------------------------------------------------------------
// The server.

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A build error, in the browser as in the terminal: a page for a page, plain text for anything else. */
function compileError(req: IncomingMessage, res: ServerResponse, title: string, message: string, page: boolean): void {
  if (page || (req.headers.accept ?? '').includes('text/html')) {
    send(res, 500, 'text/html', `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n`
      + '<body style="font-family: system-ui, sans-serif; margin: 2rem">\n'
      + `<h1>${title}</h1>\n<pre style="background: #fee; padding: 1rem; white-space: pre-wrap">${escapeHtml(message)}</pre>\n`
      + '<p>Fix the file and reload: <code>npx projen dev</code> rebuilds on the next request.</p>\n</body></html>\n');
  } else {
    send(res, 500, 'text/plain', `${title}:\n${message}`);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

function topologyTitle(app: App): string {
  return `${app.path}, ${app.eventLabel}`;
}


/**
 * Starts the dev server: the port first (a port in use fails at once, with EADDRINUSE), then both builds side by
 * side; resolves once they are done and the server answers. The function's environment goes into `process.env`
 * (a variable already set wins), as the handler runs in this process.
 */
export async function startDevServer(options: DevServerOptions, settings: DevServerSettings): Promise<RunningDevServer> {
  const app: App = { memoryMb: 256, timeoutMs: 10_000, ...options };
  const root = settings.root ?? process.cwd();
  const log = settings.log ?? ((line: string) => { process.stdout.write(`${line}\n`); });
  const cache = path.join(root, CACHE);
  for (const [name, value] of Object.entries(app.environment)) process.env[name] ??= value;
  const signIn = await startSignIn(app, process.env);

  const api = new Api(app, cache, log);
  let apiBuild: Build | undefined;
  let frontendBuild: Build | undefined;
  /** The first builds: requests wait for them. */
  let ready: Promise<void> | undefined;
  let port = settings.port;
  const server: Server = createServer((req, res) => {
    const begun = performance.now();
    res.on('finish', () => log(`${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - begun)} ms`));
    void handle(req, res).catch((error: Error) => {
      log(error.stack ?? String(error));
      if (!res.headersSent) send(res, 500, 'text/plain', 'The dev server failed: see the terminal.');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await ready;
    const requestPath = pathOf(req.url ?? '/');
    const machine = signIn?.machine;
    if (machine && requestPath === DEV_TOKEN_PATH && req.method === 'GET') return devToken(machine, req, res);
    // The machine callers' rule first: a bearer token on /api/* is verified as the load balancer does, and the request
    // forwarded as it came (no sign-in header added); a bad one gets the load balancer's 401.
    const bearer = machine && requestPath.startsWith('/api/') ? bearerOf(req) : undefined;
    if (machine && bearer !== undefined) {
      const refused = machine.check(bearer);
      if (refused) {
        log(`  401 from the load balancer's JWT verification: ${refused}`);
        return send(res, 401, 'text/html', '<html><head><title>401 Authorization Required</title></head><body><center>'
          + '<h1>401 Authorization Required</h1></center></body></html>\n');
      }
    }
    // The listener rules: `/api/*` to the API, every other path to the frontend if there is one.
    if (frontendBuild && !requestPath.startsWith('/api/')) {
      // A page shows an API that does not build, rather than an app whose calls fail.
      const apiState: Result = isPagePath(requestPath) ? await apiBuild!.current() : { ok: true };
      if (!apiState.ok) return compileError(req, res, 'The API does not build', apiState.message, true);
      await frontendBuild.current();
      return serveFrontend(frontendBuild, req, res);
    }
    if (!frontendBuild && requestPath === '/' && req.method === 'GET') return infoPage(app, root, res, port);
    const body = await readBody(req, app.requestLimit);
    if (!body) return send(res, 413, 'text/plain', `Request body over the ${app.requestLimit / 1024 / 1024} MB ${app.invoker} accepts`);
    const built = await apiBuild!.current();
    if (!built.ok) return compileError(req, res, 'The API does not build', built.message, false);
    await api.invoke(req, body, res, bearer !== undefined ? undefined : signIn);
  }

  const watchers: fs.FSWatcher[] = [];
  let debounce: NodeJS.Timeout | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => stopped ??= (async () => {
    clearTimeout(debounce);
    for (const watcher of watchers) watcher.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([apiBuild?.dispose(), frontendBuild?.dispose()]);
    await signIn?.local.close();
    await signIn?.machine?.close();
    fs.rmSync(cache, { recursive: true, force: true });
  })();

  try {
    await listenLocally(server, port);
  } catch (error) {
    await signIn?.local.close();
    await signIn?.machine?.close();
    throw error;
  }
  port = (server.address() as { port: number }).port;
  ready = (async () => {
    [apiBuild, frontendBuild] = await Promise.all([
      esbuild.context({
        entryPoints: [app.entryPoint],
        absWorkingDir: root,
        bundle: true,
        platform: 'node',
        target: `node${process.versions.node.split('.')[0]}`,
        tsconfig: app.tsconfig,
        external: [...app.external],
        sourcemap: 'inline',
        outfile: path.join(cache, 'api.js'),
        metafile: true,
        write: false,
        logLevel: 'silent',
      }).then((context) => new Build('API', context, root, log, (build) => api.load(build))),
      app.frontend ? esbuild.context({
        entryPoints: [...app.frontendEntryPoints],
        absWorkingDir: root,
        bundle: true,
        sourcemap: true,
        outdir: path.join(root, FRONTEND_OUT),
        entryNames: '[name]',
        loader: { '.html': 'copy' },
        target: 'es2020',
        metafile: true,
        write: false,
        logLevel: 'silent',
      }).then((context) => new Build('Frontend', context, root, log, () => undefined)) : undefined,
    ]);
    await Promise.all([apiBuild.current(), frontendBuild?.current()]);
  })();
  await ready;

  // Eager rebuilds on save, so that errors show in the terminal before the next request.
  for (const dir of settings.watch === false ? [] : ['src', ...(app.frontend ? ['frontend'] : [])]) {
    try {
      watchers.push(fs.watch(path.join(root, dir), { recursive: true }, () => {
        clearTimeout(debounce);
        debounce = setTimeout(() => void Promise.all([apiBuild?.current(), frontendBuild?.current()]), 50);
      }));
    } catch {
      // No recursive watch here: changes are still seen on the next request.
    }
  }

  const url = `http://127.0.0.1:${port}`;
  log(`\n  ${app.frontend ? 'The app' : 'The API'} on ${url}/  (${topologyTitle(app)})`);
  log(`  /api/*  ${app.entryPoint}, rebuilt on change`);
  if (app.frontend) log(`  /*      ${app.frontendEntryPoints.join(', ')}; paths without a file extension get index.html`);
  if (signIn) {
    const { sub, name, email } = signIn.user;
    log(`  Signed in as ${name} <${email}> (sub ${sub}): the API gets x-amzn-oidc-data signed with a local key, `
      + `served on ${signIn.local.keysUrl}. DEV_USER_NAME, DEV_USER_EMAIL, DEV_USER_SUB, DEV_USER_CLAIMS change the user.`);
  }
  if (signIn?.machine) {
    log('  Machine callers: bearer tokens on /api/* are verified as the load balancer does (RS256, iss, exp, audience, claims), '
      + `with a local key set on ${signIn.machine.jwksUrl}. A token (1 h; ?sub=, ?expires_in=):\n`
      + `    curl -H "Authorization: Bearer $(curl -s ${url}${DEV_TOKEN_PATH}?sub=my-script)" ${url}/api/health`);
  }
  return { port, url, user: signIn?.user, stop };
}

// ---------------------------------------------------------------------------------------------
// `npx projen dev`: the command line.

/** The port from `--port`, `PORT`, or 3000; `--help` is undefined. */
export function portFrom(args: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  let value = env.PORT ?? '3000';
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    if (flag === '--port') value = inline ?? args[++i] ?? '';
    else if (flag === '-h' || flag === '--help') return undefined;
    else throw new UsageError(`Unknown argument: ${args[i]}`);
  }
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new UsageError(`Not a port: ${JSON.stringify(value)}`);
  return port;
}

function exit(code: number, message: string): never {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}

/**
 * `npx projen dev [--port <n>]`, as a generated repo's `src/hybrid/dev/server.ts` runs it: the server on
 * 127.0.0.1 until Ctrl-C (exit 130), SIGTERM (143) or the end of whatever started it; a bad argument or
 * DEV_USER_CLAIMS is exit 2 with the usage, a port in use exit 1 naming the next one.
 */
export function serve(options: DevServerOptions, args: readonly string[] = process.argv.slice(2)): void {
  void (async () => {
    let port: number | undefined;
    try {
      port = portFrom(args, process.env);
    } catch (error) {
      exit(2, `${(error as Error).message}\n${USAGE}`);
    }
    if (port === undefined) exit(0, USAGE);
    let running: RunningDevServer;
    try {
      running = await startDevServer(options, { port });
    } catch (error) {
      if (error instanceof UsageError) exit(2, `${error.message}\n${USAGE}`);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        exit(1, `Port ${port} on 127.0.0.1 is in use (another npx projen dev?). Stop that, or choose another port: `
          + `npx projen dev --port ${port + 1}`);
      }
      exit(1, code ? `Cannot listen on 127.0.0.1:${port}: ${(error as Error).message}` : ((error as Error).stack ?? String(error)));
    }
    // Since the process started: node, esbuild and both first builds.
    process.stdout.write(`  Ready in ${Math.round(performance.now())} ms. Ctrl-C to stop.\n\n`);
    // Ctrl-C at any moment: no request half-answered by a dead server, esbuild stopped, the built bundle removed.
    let stopping = false;
    const stop = async (code: number) => {
      if (stopping) return;
      stopping = true;
      await running.stop();
      await esbuild.stop();
      process.stdout.write('Stopped.\n');
      process.exit(code);
    };
    process.once('SIGINT', () => void stop(130));
    process.once('SIGTERM', () => void stop(143));
    // If whatever started the server goes away (projen killed on its own), the server goes too.
    const parent = process.ppid;
    setInterval(() => { if (process.ppid !== parent) void stop(0); }, 1000).unref();
  })();
}
