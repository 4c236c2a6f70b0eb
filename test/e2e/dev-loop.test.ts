import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { copyRepo, createWithSharedInstall, freshDir, ok, packTarball, run } from './util';

// `npx projen dev` in a repo generated from the packed package, as a team runs it, each test on its own copy: both
// topologies (switched with `npx projen`), the frontend on. The API, the app and a deep link answer; a changed handler
// answers anew without a restart; build errors show and the server keeps running; headless Chromium shows
// the API's answer on the page; Ctrl-C stops everything; with sign-in on, every API request is signed in as the
// configured fake user and the page shows who; without the frontend, a page at / lists the routes; nothing
// of it is in the Lambda bundle.
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PAGE_TEXT = path.join(__dirname, 'page-text.mjs');
/** The fields of the events in the managed test/hybrid/events.ts: a target group with multi-value headers, a REST proxy. */
const ALB_EVENT_FIELDS = ['body', 'httpMethod', 'isBase64Encoded', 'multiValueHeaders', 'multiValueQueryStringParameters', 'path',
  'requestContext'];
const APIGW_EVENT_FIELDS = ['body', 'headers', 'httpMethod', 'isBase64Encoded', 'multiValueHeaders', 'multiValueQueryStringParameters',
  'path', 'pathParameters', 'queryStringParameters', 'requestContext', 'resource', 'stageVariables'];
/** Sign-in at the load balancer, and machine callers beside it, as a team sets them in `.projenrc.ts` (`auth`). */
const AUTH = `auth: {
    issuer: 'https://login.example.com',
    authorizationEndpoint: 'https://login.example.com/authorize',
    tokenEndpoint: 'https://login.example.com/token',
    userInfoEndpoint: 'https://login.example.com/userinfo',
    clientId: 'orders-app',
    clientSecret: 'orders-app/oidc',
    machine: {
      issuer: 'https://auth.services.example.com',
      jwksEndpoint: 'https://auth.services.example.com/.well-known/jwks.json',
      audience: 'api://orders',
      claims: [{ name: 'scope', format: 'space-separated-values', values: ['orders.read'] }],
    },
  },`;
/** Every wait in this file ends: a dev server that hangs fails the test instead of CI. */
const READY_TIMEOUT = 30_000;

describe('npx projen dev in a generated repo with a frontend', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-dev-');
  const generated = path.join(parent, 'dev-app');
  /** The repo the current test works on: a copy of the generated one, so that no test depends on another. */
  let repo = generated;
  let appFile = '';
  const started: DevServer[] = [];

  beforeAll(() => {
    createWithSharedInstall(tarball, parent, ['dev-app', '--yes', '--topology', 'alb-lambda', '--frontend', '--no-git']);
  });
  beforeEach(() => {
    repo = copyRepo(generated);
    appFile = path.join(repo, 'src/api/app.ts');
  });

  afterAll(() => {
    // No orphans, whatever failed.
    for (const server of started) server.kill('SIGKILL');
  });

  async function exercise(topology: 'alb-lambda' | 'apigw-vpce'): Promise<void> {
    const port = await freePort();
    const server = new DevServer(repo, ['--port', String(port)]);
    started.push(server);
    const sources = [appFile, path.join(repo, 'frontend/src/main.ts')].map((file) => [file, fs.readFileSync(file, 'utf-8')] as const);
    try {
      const readyMs = await server.ready();
      const base = `http://127.0.0.1:${port}`;
      process.stdout.write(`[${topology}] npx projen dev: ready ${readyMs} ms after the spawn (${server.output.match(/Ready in \d+ ms/)?.[0]})\n`);
      expect(server.output).toContain(`The app on ${base}/`);

      // The API through the real Lambda entry; the app, a deep link, a missing file as the listener rule and S3 answer.
      const health = await get(`${base}/api/health`);
      expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: 'ok' }]);
      // Sign-in off: nobody is signed in, and the API says so.
      const me = await get(`${base}/api/me`);
      expect([me.status, JSON.parse(me.body).error]).toEqual([401, expect.stringMatching(/^Sign-in is off/)]);
      const page = await get(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/^text\/html/);
      expect(page.body).toContain('id="greeting"');
      expect(await get(`${base}/orders/42`)).toEqual(page);
      expect((await get(`${base}/missing.js`)).status).toBe(403);
      expect(server.output).toMatch(/GET \/api\/health 200 \d+ ms/);

      // A changed handler answers on the next request, from the same server; it gets the topology's event, shaped as
      // the managed test/hybrid/events.ts builds it (ALB: query values still URL-encoded; API Gateway: decoded).
      const original = fs.readFileSync(appFile, 'utf-8');
      const route = ".get('/api/health', (c) => c.json({ status: 'ok' }))";
      expect(original).toContain(route);
      fs.writeFileSync(appFile, original.replace(route, ".get('/api/health', (c) => c.json({ status: 'changed', "
        + 'fields: Object.keys(c.env.event).sort(), query: c.env.event.multiValueQueryStringParameters }))'));
      const changedAt = Date.now();
      const changed = await get(`${base}/api/health?a=1&a=x%20y`);
      const reloadMs = Date.now() - changedAt;
      expect(JSON.parse(changed.body)).toEqual(topology === 'alb-lambda'
        ? { status: 'changed', fields: ALB_EVENT_FIELDS, query: { a: ['1', 'x%20y'] } }
        : { status: 'changed', fields: APIGW_EVENT_FIELDS, query: { a: ['1', 'x y'] } });
      process.stdout.write(`[${topology}] changed handler answered in ${reloadMs} ms (${server.output.match(/API rebuilt in \d+ ms/)?.[0]})\n`);
      expect(reloadMs).toBeLessThan(5_000);

      // A build error shows in the answer and the terminal; the server keeps running and recovers.
      fs.writeFileSync(appFile, `${original}\nconst broken: = 1;\n`);
      const failed = await get(`${base}/api/health`);
      expect(failed.status).toBe(500);
      expect(failed.body).toContain('The API does not build');
      expect(failed.body).toContain('src/api/app.ts');
      const failedPage = await get(`${base}/orders/42`);
      expect([failedPage.status, failedPage.type]).toEqual([500, 'text/html; charset=utf-8']);
      expect(failedPage.body).toContain('The API does not build');
      fs.writeFileSync(appFile, original);
      expect(JSON.parse((await get(`${base}/api/health`)).body)).toEqual({ status: 'ok' });
      const mainFile = path.join(repo, 'frontend/src/main.ts');
      const main = fs.readFileSync(mainFile, 'utf-8');
      fs.writeFileSync(mainFile, `${main}\nconst broken: = 1;\n`);
      const brokenPage = await get(`${base}/orders/42`);
      expect([brokenPage.status, brokenPage.type]).toEqual([500, 'text/html; charset=utf-8']);
      expect(brokenPage.body).toContain('The frontend does not build');
      fs.writeFileSync(mainFile, main);
      expect(server.output.match(/Ready in/g)).toHaveLength(1);

      // The page in a browser shows the API's answer, on a deep link.
      const browser = run('node', [PAGE_TEXT, `${base}/orders/42`, '#greeting', '^Hello, team!$', '20000'], repo, { timeout: 60_000 });
      expect(browser.status).toBe(0);
      const shown = JSON.parse(browser.output.trim().split('\n').pop()!);
      expect(shown).toMatchObject({ status: 200, title: 'dev-app', text: 'Hello, team!', errors: [] });

      // A second server on the same port says so and stops.
      const second = run('npx', ['projen', 'dev', '--port', String(port)], repo, { timeout: READY_TIMEOUT });
      expect(second.status).not.toBe(0);
      expect(second.output).toContain(`Port ${port} on 127.0.0.1 is in use`);

      // Ctrl-C: the whole process group ends, and the server's cache of built files is gone.
      const code = await server.interrupt();
      expect(code === 130 || code === 0).toBe(true);
      expect(server.groupAlive()).toBe(false);
      expect(fs.existsSync(path.join(repo, 'node_modules/.cache/create-hybrid-serverless/dev'))).toBe(false);
      expect(await refused(port)).toBe(true);
    } catch (error) {
      // What the server said, for the reader of a CI log.
      throw new Error(`${(error as Error).stack ?? String(error)}\n\nnpx projen dev said:\n${server.output.slice(-6000)}`);
    } finally {
      // The sources as generated, whatever failed here.
      for (const [file, content] of sources) fs.writeFileSync(file, content);
    }
  }

  test('ALB to Lambda: the API with multi-value ALB events, the app, reload, errors, Chromium, Ctrl-C', async () => {
    expect(fs.existsSync(CHROMIUM)).toBe(true);
    await exercise('alb-lambda');
  });

  test('API Gateway: the same loop with proxy events, after a switch with npx projen', async () => {
    const projenrc = path.join(repo, '.projenrc.ts');
    fs.writeFileSync(projenrc, fs.readFileSync(projenrc, 'utf-8').replace('topology: Topology.ALB_LAMBDA,', 'topology: Topology.APIGW_VPCE,'));
    ok('npx', ['projen'], repo);
    expect(fs.readFileSync(path.join(repo, 'src/hybrid/dev/server.ts'), 'utf-8')).toContain("event: 'apigw-proxy',");
    await exercise('apigw-vpce');
  });

  test('sign-in on: the API verifies the tokens the server signs for the configured user, and the page shows who; a machine caller '
    + 'with a valid bearer token reaches /api/*, a bad one gets 401', async () => {
    const projenrc = path.join(repo, '.projenrc.ts');
    const before = fs.readFileSync(projenrc, 'utf-8');
    expect(before).toContain('frontend: true,');
    fs.writeFileSync(projenrc, before.replace('frontend: true,', `frontend: true,\n  ${AUTH}`));
    const port = await freePort();
    let server: DevServer | undefined;
    try {
      ok('npx', ['projen'], repo);
      server = new DevServer(repo, ['--port', String(port)], {
        DEV_USER_SUB: 'ada-42', DEV_USER_EMAIL: 'ada@example.com', DEV_USER_NAME: 'Ada Lovelace', DEV_USER_CLAIMS: '{"groups":["orders-admin"]}',
      });
      started.push(server);
      await server.ready();
      const base = `http://127.0.0.1:${port}`;
      expect(server.output).toContain('Signed in as Ada Lovelace <ada@example.com> (sub ada-42)');
      // The handler's own verification (src/hybrid/auth.ts) accepts the server's token; a header the client forges is replaced.
      const me = await get(`${base}/api/me`);
      expect([me.status, JSON.parse(me.body)]).toEqual([200, { subject: 'ada-42', email: 'ada@example.com', name: 'Ada Lovelace' }]);
      const forged = await get(`${base}/api/me`, { 'x-amzn-oidc-data': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJldmUifQ.' });
      expect(JSON.parse(forged.body).subject).toBe('ada-42');
      expect((await get(`${base}/api/health`)).status).toBe(200);

      // Machine callers: a token from the dev server (as the terminal's curl line gets one), verified as the load
      // balancer would and then by the handler itself; the handler sees the machine in the same c.var.user shape.
      expect(server.output).toContain(`curl -H "Authorization: Bearer $(curl -s ${base}/_dev/token?sub=my-script)" ${base}/api/health`);
      const token = await get(`${base}/_dev/token?sub=billing-script`);
      expect(token.status).toBe(200);
      const machine = await get(`${base}/api/me`, { authorization: `Bearer ${token.body}` });
      expect([machine.status, JSON.parse(machine.body)]).toEqual([200, { subject: 'billing-script' }]);
      const tampered = `${token.body.split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`;
      const expired = (await get(`${base}/_dev/token?expires_in=-60`)).body;
      for (const bad of [tampered, expired, 'not-a-token']) {
        expect((await get(`${base}/api/me`, { authorization: `Bearer ${bad}` })).status).toBe(401);
      }
      expect(server.output).toMatch(/401 from the load balancer's JWT verification: bad signature/);

      const browser = run('node', [PAGE_TEXT, `${base}/orders/42`, '#user', '^Signed in as Ada Lovelace <ada@example.com>$', '20000'], repo,
        { timeout: 60_000 });
      expect(browser.status).toBe(0);
      expect(JSON.parse(browser.output.trim().split('\n').pop()!)).toMatchObject({ status: 200, matched: true, errors: [] });
      await server.interrupt();
      expect(server.groupAlive()).toBe(false);
    } catch (error) {
      throw new Error(`${(error as Error).stack ?? String(error)}\n\nnpx projen dev said:\n${server?.output.slice(-6000) ?? ''}`);
    }
  });

  test('without a frontend: a page at / says what runs and lists the routes; other paths reach the function', async () => {
    const projenrc = path.join(repo, '.projenrc.ts');
    fs.writeFileSync(projenrc, fs.readFileSync(projenrc, 'utf-8').replace('frontend: true,', 'frontend: false,'));
    ok('npx', ['projen'], repo);
    const port = await freePort();
    const server = new DevServer(repo, ['--port', String(port)]);
    started.push(server);
    await server.ready();
    const base = `http://127.0.0.1:${port}`;
    expect(server.output).toContain(`The API on ${base}/`);
    const page = await get(`${base}/`);
    expect([page.status, page.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.body).toContain('<a href="/api/health">/api/health</a>');
    expect(page.body).toContain('POST /api/echo');
    // As the load balancer's default action: the function answers every other path.
    const other = await get(`${base}/orders/42`);
    expect([other.status, JSON.parse(other.body)]).toEqual([404, { error: 'No route for GET /orders/42' }]);
    await server.interrupt();
    expect(server.groupAlive()).toBe(false);
  });

  test('nothing of the dev loop ships: not in the Lambda bundle, nothing written to frontend/dist', () => {
    ok('npx', ['projen', 'bundle'], repo);
    const bundle = fs.readFileSync(path.join(repo, 'assets/api/api.lambda/index.js'), 'utf-8');
    expect(bundle).toContain('node_modules/create-hybrid-serverless/lib/runtime/index.mjs');
    expect(bundle).not.toContain('src/hybrid/dev/');
    expect(bundle).not.toContain('create-hybrid-serverless/lib/testing');
    expect(bundle).not.toContain('esbuild');
    expect(fs.existsSync(path.join(repo, 'frontend/dist'))).toBe(false);
    // esbuild is a development dependency only.
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8')).dependencies.esbuild).toBeUndefined();
  });
});

/** `npx projen dev` in its own process group, its output collected. */
class DevServer {
  public output = '';
  private readonly child: ChildProcess;
  private readonly spawnedAt = Date.now();
  private readonly exit: Promise<number | null>;

  constructor(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const env = { ...process.env, ...extraEnv };
    // What jest sets changes projen's output; a team's terminal has neither.
    delete env.JEST_WORKER_ID;
    if (env.NODE_ENV === 'test') delete env.NODE_ENV;
    this.child = spawn('npx', ['projen', 'dev', ...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.on('data', (chunk) => { this.output += chunk; });
    this.exit = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(signal === 'SIGINT' ? 130 : code)));
  }

  /** Milliseconds from the spawn to the server's "Ready" line. */
  public async ready(): Promise<number> {
    await waitFor(() => /Ready in \d+ ms/.test(this.output) || this.child.exitCode !== null, READY_TIMEOUT, () => this.output);
    if (!/Ready in \d+ ms/.test(this.output)) throw new Error(`npx projen dev did not start:\n${this.output}`);
    return Date.now() - this.spawnedAt;
  }

  /** Ctrl-C, as a terminal sends it to the foreground process group; the exit code, within 15 s. */
  public async interrupt(): Promise<number | null> {
    this.kill('SIGINT');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
    const code = await Promise.race([this.exit, timeout]);
    if (code === 'timeout') throw new Error(`npx projen dev did not stop on Ctrl-C:\n${this.output}`);
    // The server's own shutdown (closing esbuild) may end a moment after projen's.
    await waitFor(() => !this.groupAlive(), 10_000, () => this.output);
    return code;
  }

  public groupAlive(): boolean {
    try {
      process.kill(-this.child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  }

  public kill(signal: NodeJS.Signals): void {
    if (this.groupAlive()) process.kill(-this.child.pid!, signal);
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, detail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms:\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

/** A port free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether nothing listens on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
      .once('connect', () => { socket.destroy(); resolve(false); })
      .once('error', () => resolve(true));
  });
}
